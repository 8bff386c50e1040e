// The gate's verdict JSON (issue 5's contract), as evidence and reports read it. Loading
// checks the shape, so a truncated or hand-edited file fails with a clear message
// instead of a report full of blanks.
import type { CheckpointName, Runbook } from '../contract/runbook.ts';

// one definition of the verdict's parts: the gate's own types
import { checkpointRule, verdictOf, type Check, type CheckStatus, type GateMetrics, type Verdict } from '../gate/decide.ts';
export type { CheckStatus, Verdict };
export type VerdictCheck = Check;
export type VerdictMetrics = GateMetrics;

export interface VerdictDoc {
  verdict: Verdict;
  checkpoint: CheckpointName;
  phase: number;
  next_phase: number;
  window: { start: string; end: string };
  metrics: VerdictMetrics;
  checks: VerdictCheck[];
  reasons: string[];
  skipped?: string[];
  final?: boolean;
  [extra: string]: unknown;
}

export const VERDICTS: readonly Verdict[] = ['promote', 'continue', 'marginal', 'rollback', 'inconclusive'];
const STATUSES: readonly CheckStatus[] = ['pass', 'warn', 'fail', 'critical', 'no_data'];
const METRIC_KEYS: readonly (keyof VerdictMetrics)[] = ['success_rate', 'p95_ms', 'cb_opens', 'pii_leaks', 'critical_alerts', 'deliveries'];

/** RFC3339 (or unix seconds) to unix seconds; NaN when unreadable. */
export function toUnix(t: string | number): number {
  if (typeof t === 'number') return t;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? Number.NaN : ms / 1000;
}

export function toRfc3339(unix: number): string {
  return new Date(Math.round(unix * 1000)).toISOString().replace('.000Z', 'Z');
}

/** Problems with a parsed verdict document; empty when it is usable. */
export function verdictProblems(doc: unknown, rb: Runbook): string[] {
  const p: string[] = [];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return ['not a JSON object'];
  const d = doc as Record<string, unknown>;
  if (!VERDICTS.includes(d.verdict as Verdict)) p.push(`"verdict" must be one of ${VERDICTS.join(', ')}`);
  if (typeof d.checkpoint !== 'string' || !Object.hasOwn(rb.checkpoints, d.checkpoint)) p.push(`"checkpoint" must be one of ${Object.keys(rb.checkpoints).join(', ')}`);
  if (typeof d.phase !== 'number') p.push('"phase" must be a number');
  if (typeof d.next_phase !== 'number') p.push('"next_phase" must be a number');
  const w = d.window as Record<string, unknown> | undefined;
  if (!w || typeof w !== 'object') p.push('"window" must be an object with start and end');
  else
    for (const k of ['start', 'end'])
      if ((typeof w[k] !== 'string' && typeof w[k] !== 'number') || Number.isNaN(toUnix(w[k] as string))) p.push(`"window.${k}" must be an RFC3339 time`);
  const m = d.metrics as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object') p.push('"metrics" must be an object');
  else for (const k of METRIC_KEYS) if (m[k] !== null && typeof m[k] !== 'number') p.push(`"metrics.${k}" must be a number or null`);
  if (!Array.isArray(d.checks)) p.push('"checks" must be a list');
  else
    d.checks.forEach((c: Record<string, unknown>, i) => {
      if (!c || typeof c.name !== 'string' || !STATUSES.includes(c.status as CheckStatus)) p.push(`"checks[${i}]" needs a name and a status (${STATUSES.join('|')})`);
    });
  if (!Array.isArray(d.reasons) || d.reasons.some((r) => typeof r !== 'string')) p.push('"reasons" must be a list of strings');
  if (p.length) return p;
  return consistencyProblems(d as unknown as VerdictDoc, rb);
}

// how far a verdict is from "go ahead"; a recorded verdict may be more careful than its checks, never less
const SEVERITY: Record<Verdict, number> = { promote: 0, continue: 0, marginal: 1, inconclusive: 2, rollback: 3 };

/** A hand-edited verdict (rollback turned into promote, a promote at T+30m) must not reach a report or an evidence folder. */
function consistencyProblems(d: VerdictDoc, rb: Runbook): string[] {
  const rule = checkpointRule(rb, d.phase, d.checkpoint);
  if ('error' in rule) return [`"phase"/"checkpoint": ${rule.error.replace(/--/g, "")}`];
  const w = verdictWindow(d);
  if (!(w.end > w.start)) return ['"window.end" must be after "window.start"'];
  const expected = verdictOf(d.checks, rule.final, Array.isArray(d.skipped) ? d.skipped : []);
  const goAhead = d.verdict === 'promote' || d.verdict === 'continue';
  if ((goAhead && d.verdict !== expected) || SEVERITY[d.verdict] < SEVERITY[expected]) {
    const bad = d.checks.filter((c) => c.status !== 'pass').map((c) => `${c.name} ${c.status}`);
    return [`"verdict" is ${d.verdict}, but its checks at T+${d.checkpoint} of the ${d.phase}% phase make it ${expected}${bad.length ? ` (${bad.join(', ')})` : ''}`];
  }
  const next = d.verdict === 'promote' ? (rule.phase.next ?? d.phase) : d.verdict === 'rollback' ? 0 : d.phase;
  if (d.next_phase !== next) return [`"next_phase" is ${d.next_phase}, but a ${d.verdict} at ${d.phase}% leads to ${next}`];
  return [];
}

/** Window of a verdict in unix seconds. */
export function verdictWindow(v: VerdictDoc): { start: number; end: number } {
  return { start: toUnix(v.window.start), end: toUnix(v.window.end) };
}
