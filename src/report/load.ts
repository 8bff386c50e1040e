// Reads what a report is made of from an evidence folder (or just a verdict file).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointName, Runbook } from '../contract/runbook.ts';
import type { ChartData } from '../charts/panels.ts';
import { loadRolloutEvidence, RolloutInputError, type RolloutEvidence } from '../rollout/load.ts';
import { DRAIN_FILE, type DrainTimeline } from '../rollback/index.ts';
import { SLO_STATUS_FILE, type SloGroupStatus } from '../slo/status.ts';
import { checkpointsByTime, layout, verdictProblems, type AlertsExport, type HourlySnapshot, type VerdictDoc } from '../evidence/index.ts';

export interface ReportSources {
  verdict: VerdictDoc;
  hourly: HourlySnapshot[];
  chart: ChartData | null;
  alerts: AlertsExport | null;
  /** Lines with PII per category (the scanner's pii/summary_T+<cp>.json). */
  pii: Record<string, number> | null;
  /** Lines of the runbook's rollback_log.txt. */
  rollbackLog: string[];
  /** Evidence files, relative to the evidence folder. */
  evidenceFiles: string[];
  evidenceDir: string | null;
  /** T+0 and the verdicts of every checkpoint in the folder (the rollout timeline). */
  rollout: RolloutEvidence | null;
  /** `slogate rollback verify`'s drain timeline (rollback_drain.json). */
  drain: DrainTimeline | null;
  /** `slogate slo status --out`'s status and burn-down charts (slo/). */
  slo: { status: SloStatusDoc; charts: { file: string; svg: string }[] } | null;
}

/** What `slo status --out` writes into slo/slo_status.json. */
export interface SloStatusDoc {
  at: string;
  verdict: string;
  slos: SloGroupStatus[];
}

export class ReportInputError extends Error {}

async function readJson<T>(file: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ReportInputError(`${file} is not valid JSON`);
  }
}

/** The latest checkpoint with a verdict in the folder. */
async function latestCheckpoint(dir: string, rb: Runbook): Promise<CheckpointName | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new ReportInputError(`evidence folder ${dir} does not exist`);
  }
  const cps = names.map((n) => /^verdict_T\+(\w+)\.json$/.exec(n)?.[1]).filter((c): c is CheckpointName => !!c && Object.hasOwn(rb.checkpoints, c));
  const sorted = checkpointsByTime(cps);
  return sorted.length ? sorted[sorted.length - 1] : null;
}

async function listRel(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listRel(dir, p)));
    else out.push(p);
  }
  return out.sort();
}

async function sloSection(dir: string, files: readonly string[]): Promise<ReportSources['slo']> {
  const status = await readJson<SloStatusDoc>(path.join(dir, SLO_STATUS_FILE));
  if (!status || !Array.isArray(status.slos)) return null;
  const charts = await Promise.all(files.filter((f) => /^slo\/.+_burndown\.svg$/.test(f)).map(async (f) => ({ file: f, svg: await readFile(path.join(dir, f), 'utf8') })));
  return { status, charts };
}

export async function loadSources(o: { runbook: Runbook; evidenceDir?: string; verdictFile?: string; checkpoint?: CheckpointName }): Promise<ReportSources> {
  const dir = o.evidenceDir ?? null;
  let verdictFile = o.verdictFile;
  if (!verdictFile) {
    if (!dir) throw new ReportInputError('give --evidence DIR or --verdict FILE');
    const cp = o.checkpoint ?? (await latestCheckpoint(dir, o.runbook));
    if (!cp) throw new ReportInputError(`${dir} holds no verdict_T+<checkpoint>.json; collect the evidence first (slogate evidence collect or slogate gate --out)`);
    verdictFile = path.join(dir, layout.verdict(cp));
  }
  const verdict = await readJson<VerdictDoc>(verdictFile);
  if (verdict === null) throw new ReportInputError(`${verdictFile}: no such file`);
  const problems = verdictProblems(verdict, o.runbook);
  if (problems.length) throw new ReportInputError(`${verdictFile} is not a gate verdict: ${problems[0]}`);
  const cp = verdict.checkpoint;
  if (!dir) return { verdict, hourly: [], chart: null, alerts: null, pii: null, rollbackLog: [], evidenceFiles: [], evidenceDir: null, rollout: null, drain: null, slo: null };

  const files = await listRel(dir);
  const hourlyFiles = files
    .map((f) => ({ f, h: /^hourly\/T\+(\d+)h\.json$/.exec(f)?.[1] }))
    .filter((x): x is { f: string; h: string } => x.h !== undefined)
    .sort((a, b) => Number(a.h) - Number(b.h));
  const hourly: HourlySnapshot[] = [];
  const windowEnd = Date.parse(String(verdict.window.end));
  for (const { f } of hourlyFiles) {
    const h = await readJson<HourlySnapshot>(path.join(dir, f));
    // an hour written by a later checkpoint is not part of this report's window
    if (h && Date.parse(h.window.end) <= windowEnd) hourly.push(h);
  }
  const piiSummary = await readJson<{ by_category?: Record<string, number> }>(path.join(dir, 'pii', `summary_T+${cp}.json`));
  let rollbackLog: string[] = [];
  try {
    rollbackLog = (await readFile(path.join(dir, 'rollback_log.txt'), 'utf8')).split('\n').filter((l) => l.trim());
  } catch {
    // no rollback started yet
  }
  return {
    verdict,
    hourly,
    chart: await readJson<ChartData>(path.join(dir, layout.series(cp))),
    alerts: await readJson<AlertsExport>(path.join(dir, layout.alerts(cp))),
    pii: piiSummary?.by_category ?? null,
    rollbackLog,
    evidenceFiles: files,
    evidenceDir: dir,
    rollout: await loadRolloutEvidence(o.runbook, dir).catch((err) => {
      // a folder whose start time can't be read still has a report, without the timeline
      if (err instanceof RolloutInputError) return null;
      throw err;
    }),
    drain: await readJson<DrainTimeline>(path.join(dir, DRAIN_FILE)),
    slo: await sloSection(dir, files),
  };
}
