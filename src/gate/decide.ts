// The gate's decision: plain numbers and series in, a verdict out. No I/O here, so
// every checkpoint x phase x status combination is tested as a table.
import type { CanaryPhase, CheckpointName, GateThresholds, Runbook } from '../contract/runbook.ts';
import { sharedDependencyNote, type BaselineReport } from './baseline.ts';
import { baselineComparison, canaryVsBaselineCheck, checksOf, type Check, type CheckContext, type GateCheck } from './checks/index.ts';
import { DEFAULT_TIME_SCALE, longestRunMinutes, scaledTimes, type GateEvidence, type GateMetrics, type PhaseNumber, type Verdict } from './evidence.ts';
import { fmt, round, showScale } from './format.ts';

export type { Check, CheckName, GateCheck } from './checks/index.ts';
export * from './evidence.ts';
export { showScale };

/** Exit codes of `slogate gate`: pipelines branch on these. */
export const GATE_EXIT = {
  promote: 0,
  continue: 0,
  rollback: 1,
  usage: 2,
  inconclusive: 3,
  marginal: 4,
} as const satisfies Record<Verdict | 'usage', number>;


export interface Decision {
  verdict: Verdict;
  checkpoint: CheckpointName;
  phase: PhaseNumber;
  /** Traffic share after this decision: the next phase on promote, 0 on rollback, else unchanged. */
  next_phase: number;
  /** True at the phase's final checkpoint (promote or rollback, never continue). */
  final: boolean;
  metrics: GateMetrics;
  checks: Check[];
  /** Why the verdict is not a clean pass, then the notes. */
  reasons: string[];
  /** What the gate could not prove without it changing the verdict (also at the end of reasons). */
  notes: string[];
  skipped: string[];
  /** The time scale the rules ran at (1: the runbook's own times). */
  time_scale: number;
  /** The canary-vs-baseline comparison, when a baseline was given. */
  baseline?: BaselineReport;
}

/** The phase's definition, or a sentence saying why the pair is not a runbook checkpoint. */
export function checkpointRule(rb: Runbook, phase: number, checkpoint: string): { phase: CanaryPhase; final: boolean } | { error: string } {
  const p = rb.phases.find((x) => x.phase === phase);
  if (!p) return { error: `--phase ${phase} is not a canary phase (use ${rb.phases.map((x) => x.phase).join(', ')})` };
  if (!Object.hasOwn(rb.checkpoints, checkpoint)) return { error: `--checkpoint ${checkpoint} is not a checkpoint (use ${Object.keys(rb.checkpoints).join(', ')})` };
  if (!p.checkpoints.includes(checkpoint)) {
    return {
      error: p.checkpoints.length
        ? `phase ${phase} has no ${checkpoint} checkpoint (its checkpoints: ${p.checkpoints.join(', ')})`
        : `phase ${phase} has no checkpoints: it is the full rollout`,
    };
  }
  return { phase: p, final: p.finalCheckpoint === checkpoint };
}

/**
 * The verdict from a list of checks. Pure: the evidence and the rules in, the decision
 * out. `checks` defaults to the runbook's list; a runbook may pass its own.
 */
export function decide(e: GateEvidence, rb: Runbook, opts: DecideOptions = {}): Decision {
  const rule = checkpointRule(rb, e.phase, e.checkpoint);
  if ('error' in rule) throw new RangeError(rule.error);
  const final = rule.final;
  const scale = e.timeScale ?? DEFAULT_TIME_SCALE;
  const times = scaledTimes(rb.windows, scale);
  const scaled = scale !== 1;
  // Under a time scale every minute below is a scaled minute: a real minute divided by the
  // factor (at 1/60 a real second stands for a runbook minute). Rounding absorbs 0.0166667 ~ 1/60.
  const toScaled = (m: number) => (scaled ? round(m / scale, 4) : m);
  const said = (m: number, digits = 2) => (scaled ? `${fmt(m, digits)} scaled minutes (${fmt(round(m * scale * 60, 1), 1)} s at time scale ${showScale(scale)})` : `${fmt(m, digits)} minutes`);
  const deliveries = e.deliveries.ok && !Number.isNaN(e.deliveries.value) ? e.deliveries.value : null;
  const ctx: CheckContext = {
    evidence: e,
    checkpoint: e.checkpoint,
    final,
    runbook: rb,
    thresholds: opts.thresholds ?? rb.gates,
    // a missed target is a rollback at the final checkpoint and a warning before it
    missStatus: final ? 'fail' : 'warn',
    windowMinutes: toScaled((e.window.end - e.window.start) / 60),
    times,
    scaled,
    toScaled,
    traffic: {
      deliveries,
      low: deliveries !== null && deliveries < e.minDeliveries,
      note: `not judged: only ${deliveries === null ? 0 : fmt(deliveries, 0)} deliveries`,
    },
    words: {
      min: scaled ? 'scaled min' : 'min',
      minutes: scaled ? 'scaled minutes' : 'minutes',
      said,
      consecutive: (m) => (scaled ? said(m).replace('scaled minutes', 'consecutive scaled minutes') : `${fmt(m)} consecutive minutes`),
    },
  };

  const checks: Check[] = [];
  const reasons: string[] = [];
  const notes: string[] = [];
  const skipped: string[] = [];
  const metrics: GateMetrics = { success_rate: null, p95_ms: null, cb_opens: null, pii_leaks: null, critical_alerts: null, deliveries: null };
  // with a baseline: one more check (unless the runbook leaves it out), and breached thresholds the baseline shares say so
  const withBaseline = e.baseline && !(rb.gateChecks?.omit ?? []).includes('canary_vs_baseline');
  const list = [...(opts.checks ?? checksOf(rb)), ...(withBaseline ? [canaryVsBaselineCheck] : [])];
  const baseline = baselineComparison(ctx);
  const run = (series: readonly [number, number][], bad: (v: number) => boolean) => toScaled(longestRunMinutes(series, bad, times.seriesStepSeconds).minutes);
  for (const check of list) {
    const o = check.evaluate(ctx);
    // the runbook's verdict stands; the reason says where to look
    const shared = e.baseline && check.name !== 'canary_vs_baseline' ? sharedDependencyNote({ name: check.name, status: o.status }, e.baseline, ctx.thresholds, run) : null;
    const detail = shared ? `${o.detail} ${shared}` : o.detail;
    checks.push({ name: check.name, value: o.value, status: o.status, target: o.target, detail });
    if (o.status !== 'pass') reasons.push(shared ? `${o.reason ?? o.detail} ${shared}` : (o.reason ?? o.detail));
    if (o.notes) notes.push(...o.notes);
    if (o.skipped) skipped.push(o.skipped);
    if (o.metrics) Object.assign(metrics, o.metrics);
  }
  notes.push(...(e.notes ?? []));
  // a check the runbook leaves out is said, so a reader knows what the verdict did not look at
  const omitted = (rb.gateChecks?.omit ?? []).filter((n) => !list.some((c) => c.name === n));
  if (omitted.length) notes.push(`The runbook leaves out the ${omitted.join(', ')} check${omitted.length > 1 ? 's' : ''}.`);
  const verdict = verdictOf(checks, final, skipped);
  const next_phase = verdict === 'promote' ? (rule.phase.next ?? e.phase) : verdict === 'rollback' ? 0 : e.phase;
  return {
    verdict,
    checkpoint: e.checkpoint,
    phase: e.phase,
    next_phase,
    final,
    metrics,
    checks,
    // notes come last: they explain what the evidence could not prove, not why the verdict is what it is
    reasons: [...reasons, ...notes],
    notes,
    skipped,
    time_scale: scale,
    ...(baseline ? { baseline: baseline.report } : {}),
  };
}

export interface DecideOptions {
  /** The checks to run (default: the runbook's, see checksOf). */
  checks?: readonly GateCheck[];
  /** The numbers they are built from (default: the runbook's gates). */
  thresholds?: GateThresholds;
}

/**
 * rollback > inconclusive > marginal. A critical breach is a rollback whatever else is
 * missing; at the final checkpoint so is any missed target, because promotion is then
 * impossible whatever the missing evidence would have said. Skipped evidence is left out
 * of the judgement before the final checkpoint only: the final one promotes on full evidence.
 */
export function verdictOf(checks: readonly Pick<Check, 'name' | 'status'>[], final: boolean, skipped: readonly string[] = []): Verdict {
  const judged = checks.filter((c) => final || !(c.status === 'no_data' && skipped.includes(skippedKey(c.name))));
  if (judged.some((c) => c.status === 'critical')) return 'rollback';
  if (final && judged.some((c) => c.status === 'fail')) return 'rollback';
  if (judged.some((c) => c.status === 'no_data')) return 'inconclusive';
  if (judged.some((c) => c.status === 'warn' || c.status === 'fail')) return final ? 'rollback' : 'marginal';
  return final ? 'promote' : 'continue';
}

function skippedKey(checkName: string): string {
  return checkName === 'pii_leaks' ? 'pii' : checkName;
}
