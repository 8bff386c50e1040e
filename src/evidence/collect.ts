// `slogate evidence collect` and `slogate gate --out`: the runbook's evidence folder,
// written from the gate's verdict and Prometheus, closed with a sha256 manifest.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Runbook } from '../contract/runbook.ts';
import type { Selector } from '../contract/selectors.ts';
import type { RunbookSummary } from '../gate/output.ts';
import type { PrometheusClient } from '../prometheus/client.ts';
import type { ScanResult } from '../pii/index.ts';
import type { LogSource } from '../pii/source.ts';
import { drawPanel, evidencePanels } from '../charts/panels.ts';
import { activeAlerts, alertCounts, fetchAlertmanager, type AlertsExport } from './alerts.ts';
import { zipFiles } from './bundle.ts';
import { fetchEvidenceData } from './fetch.ts';
import { renderPanel, type GrafanaTarget } from './grafana.ts';
import { bundleGroups, type HourlySnapshot, type Point } from './hourly.ts';
import { checkpointLabel, EVIDENCE_DIRS, HOURS_PER_BUNDLE, layout } from './layout.ts';
import { driftCount, hashFiles, isIncidentManifest, MANIFEST_FORMAT, verifyEvidence, type Manifest, type ManifestDrift, ManifestError } from './manifest.ts';
import { ownAlerts } from './queries.ts';
import { toRfc3339, verdictWindow, type VerdictDoc } from './verdict.ts';

export interface CollectOptions {
  /** The runbook whose alerts, windows and evidence panels apply. */
  runbook: Runbook;
  outDir: string;
  /** The gate's verdict JSON (`slogate gate --json`). */
  verdict: VerdictDoc;
  /** Where the metrics come from; null writes the verdict files only and says so. */
  prometheus: PrometheusClient | null;
  /** The canary's series: matchers, or the gate's checked `--selector` string. */
  selector: Selector;
  alertmanagerUrl?: string;
  grafana?: GrafanaTarget;
  /** The canary's logs and PII policy (as pii-scan and the gate take them): their PII is written redacted to pii/. */
  logSource?: LogSource;
  /** The gate's own scan of those logs over this window, with evidence lines: used instead of scanning again. */
  piiScan?: ScanResult;
  /** `--skip pii`: no scan, and the manifest does not call the pii/ files missing. */
  skipPii?: boolean;
  /** The runbook summary as the gate wrote it (`summaryFromResult`); derived from the verdict otherwise. */
  summary?: unknown;
  /** The per-minute series the gate already fetched (success rate in percent, p95 in ms). */
  series?: { success_rate: readonly Point[]; p95_ms: readonly Point[]; baseline?: { selector: string; success_rate: readonly Point[]; p95_ms: readonly Point[] } };
  now?: Date;
}

export interface CollectResult {
  outDir: string;
  manifest: Manifest;
  /** Parts of the evidence that could not be produced, one line each. */
  incomplete: string[];
  /** How the four panels were produced. */
  panels: 'grafana' | 'svg' | 'none';
}

export class EvidenceError extends Error {}

/** Redacted lines kept per scan, as `slogate pii-scan --out` keeps them. */
export const PII_EVIDENCE_LINES = 10_000;

const json = (v: unknown) => JSON.stringify(v, null, 2) + '\n';

/** The runbook's summary file (`calculate_canary_metrics.py --output`) in the gate's shape, from a verdict. */
export function summaryOf(v: VerdictDoc): RunbookSummary {
  return {
    ...v.metrics,
    window: { start: String(v.window.start), end: String(v.window.end), label: checkpointLabel(v.checkpoint) },
    selector: typeof v.selector === 'string' ? v.selector : '',
    missing: v.checks.filter((c) => c.value === null && c.status === 'no_data').map((c) => c.detail),
  };
}

export async function collectEvidence(o: CollectOptions): Promise<CollectResult> {
  const dir = o.outDir;
  const v = o.verdict;
  const cp = v.checkpoint;
  const window = verdictWindow(v);
  const incomplete: string[] = [];
  const written = new Set<string>();
  const put = async (rel: string, data: string | Uint8Array) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), data);
    written.add(rel);
  };

  // an earlier checkpoint's evidence in the same folder must be intact before it is re-sealed
  let previous: Manifest | null = null;
  let drift: ManifestDrift | null = null;
  try {
    const found = await verifyEvidence(dir);
    if (isIncidentManifest(found.manifest)) throw new EvidenceError(`${dir} is an incident record (slogate replay), not a canary evidence folder`);
    ({ manifest: previous, drift } = { manifest: found.manifest, drift: found.drift });
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    if (!(err instanceof ManifestError) || !/no manifest|no such evidence folder/.test(err.message)) throw new EvidenceError(err instanceof Error ? err.message : String(err));
  }
  if (previous && drift) {
    if (driftCount(drift)) {
      const first = [...drift.changed.map((p) => `changed ${p}`), ...drift.missing.map((p) => `missing ${p}`), ...drift.extra.map((p) => `extra ${p}`), ...drift.claims];
      throw new EvidenceError(`${dir} no longer matches its manifest (${first.slice(0, 3).join(', ')}${first.length > 3 ? ', …' : ''}); run \`slogate evidence verify ${dir}\` and collect into a new folder`);
    }
  }

  for (const d of EVIDENCE_DIRS) await mkdir(path.join(dir, d), { recursive: true });

  const start = toRfc3339(window.start);
  const startFile = path.join(dir, layout.startTime);
  let recordedStart: string | null = null;
  try {
    recordedStart = (await readFile(startFile, 'utf8')).trim();
  } catch {
    // first checkpoint of this canary
  }
  if (recordedStart !== null && Math.abs(Date.parse(recordedStart) / 1000 - window.start) > 0.5) {
    throw new EvidenceError(`${startFile} says the canary started at ${recordedStart}, but this verdict's window starts at ${start}; use a new evidence folder for a new canary`);
  }
  if (recordedStart === null) await put(layout.startTime, start + '\n');
  else written.add(layout.startTime);

  await put(layout.verdict(cp), json(v));
  await put(layout.summary(cp), json(o.summary ?? summaryOf(v)));

  // metrics: hourly snapshots, bundles, chart series, alert history
  const data = o.prometheus
    ? await fetchEvidenceData(o.runbook, o.prometheus, o.selector, window, o.series)
    : { hourly: null, chart: null, fired: null, errors: ['no Prometheus given: hourly snapshots, charts and alert history not collected'] };
  incomplete.push(...data.errors);

  if (data.hourly) {
    const bytes = new Map<number, Uint8Array>();
    for (const h of data.hourly) {
      const body = Buffer.from(json({ checkpoint: cp, ...h } satisfies HourlySnapshot & { checkpoint: string }));
      bytes.set(h.hour, body);
      await put(layout.hourly(h.hour), body);
    }
    const groups = bundleGroups(data.hourly.length, HOURS_PER_BUNDLE);
    for (let n = 0; n < groups.length; n++) {
      await put(layout.bundle(n), zipFiles(groups[n].map((h) => ({ name: layout.hourly(h), data: bytes.get(h)! }))));
    }
  }
  // compact: a day of per-minute points
  if (data.chart) await put(layout.series(cp), JSON.stringify(data.chart) + '\n');

  // alerts
  const own = ownAlerts(o.runbook);
  const panelList = evidencePanels(o.runbook);
  const alerts: AlertsExport = {
    checkpoint: cp,
    window: v.window,
    counts: alertCounts(data.fired ?? []),
    fired: data.fired ?? [],
    active_now: null,
  };
  if (o.alertmanagerUrl) {
    try {
      alerts.active_now = activeAlerts(await fetchAlertmanager(o.alertmanagerUrl), own);
    } catch (err) {
      alerts.alertmanager_error = (err as Error).message;
      incomplete.push(`Alertmanager: ${(err as Error).message}`);
    }
  }
  if (data.fired || alerts.active_now) await put(layout.alerts(cp), json(alerts));

  // pictures: Grafana's renders when asked for, else (or on failure) our own SVGs
  let panels: CollectResult['panels'] = 'none';
  if (o.grafana) {
    try {
      const pngs = await Promise.all(panelList.map((p) => renderPanel(o.runbook, o.grafana!, p, window)));
      for (let i = 0; i < pngs.length; i++) await put(layout.panel(cp, panelList[i].slug, 'png'), pngs[i]);
      panels = 'grafana';
    } catch (err) {
      incomplete.push(`${(err as Error).message}; drew the panels as SVG instead`);
    }
  }
  if (panels === 'none' && data.chart) {
    for (const p of panelList) await put(layout.panel(cp, p.slug, 'svg'), drawPanel(o.runbook, p.slug, data.chart));
    panels = 'svg';
  }

  // PII: the scanner writes redacted lines only (file:line: j***@a***.io …)
  if ((o.piiScan || o.logSource) && !o.skipPii) {
    try {
      const { writeEvidence } = await import('../pii/index.ts');
      const { scanLogSource, scanProblems } = await import('../pii/source.ts');
      const { defaultMaxGap } = await import('../pii/coverage.ts');
      const scan = o.piiScan ?? (await scanLogSource(o.logSource!, { window, maxFindings: 0, evidenceLines: PII_EVIDENCE_LINES, maxGapSeconds: defaultMaxGap(window, o.runbook.gates.logCoverage) }));
      // the summary keeps per-file first/last timestamps, read errors and window coverage;
      // what the lines do not cover is the verdict's to judge, a file not read is a hole here
      await writeEvidence(path.join(dir, 'pii'), scan, checkpointLabel(cp));
      for (const p of scanProblems({ ...scan, coverage: undefined })) incomplete.push(`PII scan: ${p}`);
    } catch (err) {
      incomplete.push(`PII scan: ${((err as Error).message ?? String(err)).split('\n')[0]}`);
    }
  } else if (!o.skipPii) {
    incomplete.push('no --logs given: pii/ files not written');
  }

  const files = await hashFiles(dir);
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    created: (o.now ?? new Date()).toISOString(),
    checkpoint: cp,
    verdict: v.verdict,
    verdicts: { ...(previous?.verdicts ?? {}), [cp]: v.verdict },
    files,
  };
  await writeFile(path.join(dir, layout.manifest), json(manifest));
  return { outDir: dir, manifest, incomplete, panels };
}
