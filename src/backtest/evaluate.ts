// The backtest's pure core: range data in, one gate decision per point out, and the
// timeline read back as counts, flips, runs and deciding checks. Every point is judged by
// decide() itself, on the evidence the gate would have gathered for a canary that started
// one checkpoint-length before it.
import type { CheckpointName, GateThresholds, Runbook } from '../contract/runbook.ts';
import { counterEvents, countEvents } from '../gate/counters.ts';
import { checkpointRule, decide, measured, missing, scaledTimes, verdictOf, type Check, type CheckStatus, type GateEvidence, type Measured, type PhaseNumber, type Point, type Verdict } from '../gate/decide.ts';
import type { WindowEvidence } from '../gate/run.ts';
import type { Fetched, RangeData } from './range.ts';

/**
 * What a backtest cannot judge: the logs of past windows are not scanned (PII), and whether
 * the alert rules ran as generated back then is not checked (rules health; so "no critical
 * alert fired" proves nothing either, though an alert that did fire still counts).
 */
export const NOT_BACKTESTED = 'not_backtested';
const NOT_BACKTESTED_DETAIL: Readonly<Record<string, string>> = {
  pii_leaks: 'not backtested: logs of past windows are not scanned',
  rules_health: 'not backtested: whether the alert rules ran as generated then is not checked',
};
export type BacktestCheckStatus = CheckStatus | typeof NOT_BACKTESTED;

export interface BacktestCheck extends Omit<Check, 'status'> {
  status: BacktestCheckStatus;
}

export interface BacktestPoint {
  /** End of the window, unix seconds (the checkpoint's time). */
  at: number;
  /** The canary's T+0 this point stands for: one checkpoint-length earlier. */
  start: number;
  verdict: Verdict;
  /** The check the verdict follows, or null when every metric check passed. */
  decidedBy: string | null;
  /** Its detail, or why the point passed. */
  reason: string;
  checks: BacktestCheck[];
  successRate: number | null;
  p95Ms: number | null;
  deliveries: number | null;
}

export interface BacktestSettings {
  runbook: Runbook;
  checkpoint: CheckpointName;
  phase: PhaseNumber;
  minDeliveries?: number;
}

function at<T>(f: Fetched<Map<number, T>>, t: number, noSeries: string): Measured<T> {
  if (!f.ok) return missing(f.reason);
  const v = f.value.get(t);
  return v === undefined ? missing(noSeries) : measured(v);
}

/** Points with start <= t <= end (the series are sorted by time). */
function slice(points: readonly Point[], start: number, end: number): Point[] {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] < start) lo = mid + 1;
    else hi = mid;
  }
  const out: Point[] = [];
  for (let i = lo; i < points.length && points[i][0] <= end; i++) out.push(points[i]);
  return out;
}

/** The evidence the gate would have had for the window ending at `t` (PII skipped: no logs). */
export function windowEvidenceAt(d: RangeData, t: number, rb: Runbook): WindowEvidence {
  const start = t - d.windowSeconds;
  const noSeries = `no series match ${d.selector} in the window`;
  const deliveries = at(d.deliveries, t, noSeries);
  const series = (f: Fetched<Point[]>): Measured<Point[]> => {
    if (!f.ok) return missing(f.reason);
    const s = slice(f.value, start, t);
    return s.length ? measured(s) : missing(noSeries);
  };
  const times = scaledTimes(rb.windows, 1);
  // breaker opens from the counter's raw samples, as the gate counts them
  let cbOpens: Measured<number>;
  let cbOpensMax24h: Measured<number> | undefined;
  if (!d.cbSamples.ok) cbOpens = cbOpensMax24h = missing(d.cbSamples.reason);
  else if (d.cbSamples.value.length === 0 && !deliveries.ok) cbOpens = cbOpensMax24h = missing(deliveries.reason);
  else {
    const window = { start, end: t };
    const { total, maxInSpan } = countEvents(counterEvents(d.cbSamples.value, window), window, times.daySeconds);
    cbOpens = measured(total);
    cbOpensMax24h = measured(maxInSpan);
  }
  if (d.windowSeconds <= times.daySeconds) cbOpensMax24h = undefined;
  const buckets = d.latencyBuckets.ok ? measured(d.latencyBuckets.value.get(t) ?? []) : missing<[number, number][]>(d.latencyBuckets.reason);
  const alerts = d.criticalAlerts.ok ? measured(d.criticalAlerts.value.get(t) ?? []) : missing<string[]>(d.criticalAlerts.reason);
  return {
    window: { start, end: t },
    deliveries,
    successes: at(d.successes, t, `no success counter series match ${d.selector}`),
    p95Seconds: at(d.p95, t, `no latency histogram series match ${d.selector}`),
    latencyBuckets: buckets,
    cbOpens,
    ...(cbOpensMax24h ? { cbOpensMax24h } : {}),
    criticalAlerts: alerts,
    piiLeaks: 'skipped',
    successRateSeries: series(d.successRateSeries),
    p95Series: series(d.p95Series),
    rules: missing('not backtested'),
  };
}

/**
 * The check a verdict follows: the first critical one for a rollback (or, at the final
 * checkpoint, the first missed target), the first without data for inconclusive, the first
 * warning for marginal; null when all passed.
 */
export function decidingCheck(verdict: Verdict, checks: readonly Check[], final: boolean): Check | null {
  const first = (pred: (s: CheckStatus) => boolean) => checks.find((c) => pred(c.status)) ?? null;
  switch (verdict) {
    case 'rollback':
      return first((s) => s === 'critical') ?? (final ? first((s) => s === 'fail') : null) ?? first((s) => s === 'warn' || s === 'fail');
    case 'inconclusive':
      return first((s) => s === 'no_data');
    case 'marginal':
      return first((s) => s === 'warn' || s === 'fail');
    default:
      return null;
  }
}

/** One gate decision on a point's evidence; the verdict is the metric checks' alone. */
export function decidePoint(evidence: GateEvidence, rb: Runbook): BacktestPoint {
  const rule = checkpointRule(rb, evidence.phase, evidence.checkpoint);
  if ('error' in rule) throw new RangeError(rule.error);
  const d = decide(evidence, rb);
  // what can't be backtested is left out of the verdict, and said so, never passed
  const unjudged = (c: Check) =>
    Object.hasOwn(NOT_BACKTESTED_DETAIL, c.name) || (c.name === 'critical_alerts' && c.status === 'no_data' && c.value === 0);
  const metricChecks = d.checks.filter((c) => !unjudged(c));
  const verdict = verdictOf(metricChecks, rule.final);
  const decider = decidingCheck(verdict, metricChecks, rule.final);
  const checks: BacktestCheck[] = d.checks.map((c) =>
    !unjudged(c)
      ? c
      : { ...c, status: NOT_BACKTESTED, detail: NOT_BACKTESTED_DETAIL[c.name] ?? 'none fired in the ALERTS history; not backtested whether the rules that fire them ran then' },
  );
  return {
    at: evidence.window.end,
    start: evidence.window.start,
    verdict,
    decidedBy: decider?.name ?? null,
    reason: decider?.detail ?? 'every metric check passed',
    checks,
    successRate: d.metrics.success_rate,
    p95Ms: d.metrics.p95_ms,
    deliveries: d.metrics.deliveries,
  };
}

/** The evaluation times from..to every `every` seconds. */
export function evaluationTimes(from: number, to: number, every: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += every) out.push(t);
  return out;
}

/** Decides every point of the range. */
export function backtestTimeline(d: RangeData, s: BacktestSettings): BacktestPoint[] {
  const rb = s.runbook;
  return evaluationTimes(d.from, d.to, d.every).map((t) =>
    decidePoint({ ...windowEvidenceAt(d, t, rb), checkpoint: s.checkpoint, phase: s.phase, minDeliveries: s.minDeliveries ?? rb.gates.minDeliveries }, rb),
  );
}

export interface Run {
  verdict: Verdict;
  from: number;
  to: number;
  points: number;
}

export interface Flip {
  at: number;
  from: Verdict;
  to: Verdict;
  decidedBy: string | null;
}

export interface TimelineSummary {
  points: number;
  counts: Record<Verdict, number>;
  flips: Flip[];
  /** Longest run of promote (of continue at an intermediate checkpoint, which never promotes). */
  longestPromote: Run | null;
  longestRollback: Run | null;
  /** Points per deciding check, per verdict. */
  decidedBy: Partial<Record<Verdict, Record<string, number>>>;
}

const VERDICTS: readonly Verdict[] = ['promote', 'continue', 'marginal', 'rollback', 'inconclusive'];

function longest(points: readonly BacktestPoint[], v: Verdict): Run | null {
  let best: Run | null = null;
  let from = 0;
  let n = 0;
  for (const p of points) {
    if (p.verdict !== v) {
      n = 0;
      continue;
    }
    if (n === 0) from = p.at;
    n++;
    if (!best || n > best.points) best = { verdict: v, from, to: p.at, points: n };
  }
  return best;
}

export function summarize(points: readonly BacktestPoint[], green: 'promote' | 'continue' = 'promote'): TimelineSummary {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  const decidedBy: TimelineSummary['decidedBy'] = {};
  const flips: Flip[] = [];
  points.forEach((p, i) => {
    counts[p.verdict]++;
    const by = (decidedBy[p.verdict] ??= {});
    const key = p.decidedBy ?? 'all passed';
    by[key] = (by[key] ?? 0) + 1;
    if (i > 0 && points[i - 1].verdict !== p.verdict) flips.push({ at: p.at, from: points[i - 1].verdict, to: p.verdict, decidedBy: p.decidedBy });
  });
  return { points: points.length, counts, flips, longestPromote: longest(points, green), longestRollback: longest(points, 'rollback'), decidedBy };
}

export interface VerdictChange {
  at: number;
  before: Verdict;
  after: Verdict;
  decidedByBefore: string | null;
  decidedByAfter: string | null;
}

/** The points whose verdict differs between two timelines of the same range. */
export function changedVerdicts(before: readonly BacktestPoint[], after: readonly BacktestPoint[]): VerdictChange[] {
  const out: VerdictChange[] = [];
  before.forEach((b, i) => {
    const a = after[i];
    if (a && a.verdict !== b.verdict) out.push({ at: b.at, before: b.verdict, after: a.verdict, decidedByBefore: b.decidedBy, decidedByAfter: a.decidedBy });
  });
  return out;
}

/** The checkpoint's window length in seconds. */
export const checkpointSeconds = (rb: Runbook, c: CheckpointName) => rb.checkpoints[c].minutes * 60;

/** The runbook with one gate threshold changed (`successRate.target=94`), or why it can't be. */
export function withThreshold(rb: Runbook, assignment: string): Runbook | { error: string } {
  const gates = withGateThreshold(rb.gates, assignment);
  return 'error' in gates ? gates : { ...rb, gates };
}

/** Sets the numeric threshold at a dotted path (`successRate.target`), or says why it can't. */
export function withGateThreshold(gates: GateThresholds, assignment: string): GateThresholds | { error: string } {
  const m = /^([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)=(.+)$/.exec(assignment.trim());
  if (!m) return { error: `--set ${JSON.stringify(assignment)} must be PATH=NUMBER, such as successRate.target=94` };
  const [, path, raw] = m;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) return { error: `--set ${path}: ${JSON.stringify(raw)} is not a number` };
  const copy = structuredClone(gates) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, k) ? node[k] : undefined;
    if (typeof next !== 'object' || next === null) return { error: `--set ${path}: no such threshold (known: ${thresholdPaths(gates).join(', ')})` };
    node = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (!Object.hasOwn(node, last) || typeof node[last] !== 'number') return { error: `--set ${path}: no such threshold (known: ${thresholdPaths(gates).join(', ')})` };
  node[last] = value;
  return copy as unknown as GateThresholds;
}

/** Every numeric path of the thresholds, for messages. */
export function thresholdPaths(gates: GateThresholds): string[] {
  const out: string[] = [];
  const walk = (o: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number') out.push(prefix + k);
      else if (typeof v === 'object' && v !== null) walk(v as Record<string, unknown>, `${prefix}${k}.`);
    }
  };
  walk(gates as unknown as Record<string, unknown>, '');
  return out;
}
