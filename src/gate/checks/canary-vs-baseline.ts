// The canary against its baseline over the same window: Mann-Whitney on the per-minute
// success rate and p95, classified as Kayenta does (src/gate/baseline.ts). It runs only when
// the gate was given a baseline; the runbook's baseline policy says how to compare.
import { canaryVsBaseline, type BaselineEvidence, type BaselineReport, type BaselineCheckRow } from '../baseline.ts';
import type { CheckContext, GateCheck } from './types.ts';

// decide() reads the report and the check reads the row: compute the (costly) test once
const computed = new WeakMap<BaselineEvidence, { row: BaselineCheckRow; report: BaselineReport }>();

/** The comparison for the context's baseline, or null without one. */
export function baselineComparison(ctx: CheckContext): { row: BaselineCheckRow; report: BaselineReport } | null {
  const b = ctx.evidence.baseline;
  if (!b) return null;
  const policy = ctx.runbook.baseline;
  if (!policy) throw new RangeError('the runbook has no baseline policy: it cannot compare the canary with a baseline');
  let c = computed.get(b);
  if (!c) {
    c = canaryVsBaseline({
      canarySuccessRate: ctx.evidence.successRateSeries,
      canaryP95: ctx.evidence.p95Series,
      baseline: b,
      policy,
      missStatus: ctx.missStatus,
      stepMinutes: ctx.runbook.windows.seriesStepSeconds / 60,
      minutesWord: ctx.words.minutes,
    });
    computed.set(b, c);
  }
  return c;
}

export const canaryVsBaselineCheck: GateCheck = {
  name: 'canary_vs_baseline',
  doc: 'The canary is not significantly worse than the baseline on per-minute success rate or p95 (Mann-Whitney, beyond the allowed mean ratio).',
  evaluate(ctx) {
    const c = baselineComparison(ctx);
    if (!c) return { value: null, status: 'no_data', target: 'a baseline', detail: 'Canary vs baseline: no baseline given (--baseline).' };
    return c.row;
  },
};
