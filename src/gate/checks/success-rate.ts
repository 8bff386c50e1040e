// The window's success rate against the target and the rollback threshold.
import { fmt, round } from '../format.ts';
import type { GateCheck } from './types.ts';

export const successRateCheck: GateCheck = {
  name: 'success_rate',
  doc: 'Successful deliveries over all deliveries in the window: below target misses, below critical rolls back.',
  evaluate(ctx) {
    const { evidence: e } = ctx;
    const sr = ctx.thresholds.successRate;
    const target = `>= ${sr.target}% (rollback < ${sr.critical}%)`;
    if (!e.deliveries.ok || !e.successes.ok) {
      const why = !e.deliveries.ok ? e.deliveries.reason : (e.successes as { reason: string }).reason;
      return { value: null, status: 'no_data', target, detail: `Success rate: ${why}.` };
    }
    const v = (e.successes.value / e.deliveries.value) * 100;
    if (Number.isNaN(v)) return { value: null, status: 'no_data', target, detail: 'Success rate is NaN (no deliveries in the window).' };
    const value = round(v, 4);
    const metrics = { success_rate: value };
    // judge the value as shown: 94.99999999999999 from float division is the 95% it prints
    if (ctx.traffic.low) return { value, status: 'no_data', target, detail: `Success rate ${fmt(v)}% is ${ctx.traffic.note}.`, metrics };
    if (value < sr.critical) return { value, status: 'critical', target, detail: `Success rate ${fmt(v)}% is below the ${sr.critical}% rollback threshold.`, metrics };
    if (value < sr.target) return { value, status: ctx.missStatus, target, detail: `Success rate ${fmt(v)}% is below the ${sr.target}% target.`, metrics };
    return { value, status: 'pass', target, detail: `${fmt(v)}%`, metrics };
  },
};
