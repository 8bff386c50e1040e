// What the gate prints and writes: the verdict JSON, the runbook's summary JSON and a table.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GateResult, WindowEvidence } from './run.ts';
import { showScale, type Check, type GateMetrics } from './decide.ts';

/**
 * The `--json` document (and `verdict_T+<checkpoint>.json`). `time_scale` appears only
 * when the gate ran time-scaled, so a runbook gate's document is unchanged by the option.
 */
export function verdictJson(r: GateResult) {
  return {
    verdict: r.verdict,
    checkpoint: r.checkpoint,
    phase: r.phase,
    next_phase: r.next_phase,
    window: r.window,
    metrics: r.metrics,
    checks: r.checks,
    reasons: r.reasons,
    notes: r.notes,
    skipped: r.skipped,
    selector: r.selector,
    ...(r.selector_warning ? { selector_warning: r.selector_warning } : {}),
    fired_alerts: r.fired_alerts,
    ...(r.baseline ? { baseline: r.baseline } : {}),
    // what the PII check read: per file the first and last timestamp, read errors, window coverage
    ...(r.pii_scan
      ? {
          logs: {
            files: r.pii_scan.files,
            lines: r.pii_scan.lines,
            errors: r.pii_scan.errors,
            per_file: r.pii_scan.per_file,
            ...(r.pii_scan.first_leak_ts ? { first_leak_ts: r.pii_scan.first_leak_ts, last_leak_ts: r.pii_scan.last_leak_ts } : {}),
            ...(r.pii_scan.coverage ? { coverage: r.pii_scan.coverage } : {}),
          },
        }
      : {}),
    ...(r.time_scale !== 1 ? { time_scale: r.time_scale } : {}),
  };
}

/** The runbook's `summary_T+<checkpoint>.json`: the four gate values plus context. */
export interface RunbookSummary extends GateMetrics {
  window: { start: string; end: string; label: string };
  selector: string;
  /** Why a null value is null. */
  missing: string[];
}

export function summaryFromResult(r: GateResult): RunbookSummary {
  const missing = r.checks.filter((c) => c.value === null && c.status === 'no_data').map((c) => c.detail);
  return { ...r.metrics, window: { ...r.window, label: `T+${r.checkpoint}` }, selector: r.selector, missing };
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** Summary of a window's evidence without a decision (for `slogate metrics`). */
export function summaryFromEvidence(e: WindowEvidence, selector: string, label: string): RunbookSummary {
  const missingReasons: string[] = [];
  const num = (m: { ok: true; value: number } | { ok: false; reason: string }, what: string): number | null => {
    if (!m.ok) {
      missingReasons.push(`${what}: ${m.reason}`);
      return null;
    }
    if (Number.isNaN(m.value)) {
      missingReasons.push(`${what}: NaN`);
      return null;
    }
    return m.value;
  };
  const deliveries = num(e.deliveries, 'deliveries');
  const successes = num(e.successes, 'successes');
  const p95 = num(e.p95Seconds, 'p95');
  const cb = num(e.cbOpens, 'cb_opens');
  const sr = deliveries && successes !== null ? (successes / deliveries) * 100 : null;
  if (deliveries === 0) missingReasons.push('success_rate: no deliveries in the window');
  let pii = e.piiLeaks === 'skipped' ? null : num(e.piiLeaks, 'pii_leaks');
  // a clean scan that did not read the window (read errors, no lines, gaps) is not a 0
  if (pii === 0 && e.piiProblems?.length) {
    missingReasons.push(`pii_leaks: ${e.piiProblems.join('; ')}`);
    pii = null;
  }
  if (!e.criticalAlerts.ok) missingReasons.push(`critical_alerts: ${e.criticalAlerts.reason}`);
  return {
    success_rate: sr === null ? null : round(sr, 4),
    p95_ms: p95 === null ? null : round(p95 * 1000, 1),
    cb_opens: cb === null ? null : Math.round(cb),
    pii_leaks: pii,
    critical_alerts: e.criticalAlerts.ok ? new Set(e.criticalAlerts.value).size : null,
    deliveries: deliveries === null ? null : round(deliveries, 2),
    window: { start: iso(e.window.start), end: iso(e.window.end), label },
    selector,
    missing: missingReasons,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Writes `summary_T+<checkpoint>.json` and `verdict_T+<checkpoint>.json` into `dir`. */
export async function writeGateFiles(dir: string, r: GateResult): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = [join(dir, `summary_T+${r.checkpoint}.json`), join(dir, `verdict_T+${r.checkpoint}.json`)];
  await writeFile(files[0], JSON.stringify(summaryFromResult(r), null, 2) + '\n');
  await writeFile(files[1], JSON.stringify(verdictJson(r), null, 2) + '\n');
  return files;
}

const STATUS_MARK: Record<Check['status'], string> = {
  pass: 'pass',
  warn: 'WARN',
  fail: 'FAIL',
  critical: 'CRITICAL',
  no_data: 'NO DATA',
};

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function fmtFactor(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function showValue(v: number | null): string {
  if (v === null) return '-';
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** The human-readable form of the verdict: header, one row per check, reasons. */
export function verdictTable(r: GateResult): string {
  const lines: string[] = [];
  lines.push(`T+${r.checkpoint} checkpoint, phase ${r.phase}%, window ${r.window.start} .. ${r.window.end}`);
  lines.push(`selector ${r.selector}`);
  if (r.selector_warning) lines.push(`warning: ${r.selector_warning}`);
  if (r.time_scale !== 1) {
    lines.push(`time scale ${showScale(r.time_scale)}: every time constant of the rules is multiplied by it (1 s stands for ${fmtFactor(1 / r.time_scale)} s); a rehearsal, not a runbook checkpoint`);
  }
  const next = r.verdict === 'promote' ? ` -> phase ${r.next_phase}%` : r.verdict === 'rollback' ? ' -> 0%' : '';
  lines.push(`verdict: ${r.verdict.toUpperCase()}${next}`);
  lines.push('');
  const rows = [['CHECK', 'STATUS', 'VALUE', 'TARGET'], ...r.checks.map((c) => [c.name, c.name === 'pii_leaks' && r.skipped.includes('pii') ? 'SKIPPED' : STATUS_MARK[c.status], showValue(c.name === 'deliveries' && c.value !== null ? Math.round(c.value) : c.value), c.target])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) lines.push(row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i]))).join('  '));
  if (r.reasons.length) {
    lines.push('');
    lines.push('reasons:');
    for (const reason of r.reasons) lines.push(`  - ${reason}`);
  }
  return lines.join('\n') + '\n';
}
