// The window's p95 latency; a p95 in the +Inf bucket is only known to be above the largest bound.
import { fmt, round } from '../format.ts';
import { quantileAboveLargestBound } from '../evidence.ts';
import type { GateCheck } from './types.ts';

export const p95LatencyCheck: GateCheck = {
  name: 'p95_latency',
  doc: "The window's p95 delivery latency: at or above target misses, above critical rolls back.",
  evaluate(ctx) {
    const { evidence: e, final } = ctx;
    const lat = ctx.thresholds.p95LatencyMs;
    const target = `< ${lat.target} ms (rollback > ${lat.critical} ms)`;
    if (!e.p95Seconds.ok) return { value: null, status: 'no_data', target, detail: `p95 latency: ${e.p95Seconds.reason}.` };
    if (Number.isNaN(e.p95Seconds.value)) return { value: null, status: 'no_data', target, detail: 'p95 latency is NaN (no observations in the window).' };
    const v = e.p95Seconds.value * 1000;
    const value = round(v, 1);
    const metrics = { p95_ms: value };
    const aboveS = e.latencyBuckets?.ok ? quantileAboveLargestBound(e.latencyBuckets.value, ctx.runbook.windows.latencyQuantile) : null;
    const above = aboveS === null ? null : aboveS * 1000;
    if (ctx.traffic.low) return { value, status: 'no_data', target, detail: `p95 latency ${fmt(v, 0)} ms is ${ctx.traffic.note}.`, metrics };
    if (above !== null) {
      // the p95 is in the +Inf bucket: all we know is that it is above the largest finite bound
      const beyond = `p95 latency is above ${fmt(above, 0)} ms, the latency histogram's largest finite bucket`;
      if (above >= lat.critical) return { value, status: 'critical', target, detail: `${beyond} (rollback above ${lat.critical} ms).`, metrics };
      if (above >= lat.target && final) return { value, status: 'fail', target, detail: `${beyond}: not below the ${lat.target} ms target.`, metrics };
      const unknown = above >= lat.target ? `above the ${lat.critical} ms rollback threshold` : `below the ${lat.target} ms target`;
      return { value, status: 'no_data', target, detail: `${beyond}: the histogram cannot tell whether it is ${unknown}.`, metrics };
    }
    // judge the value as shown: 1999.9999999997 from interpolation is the 2000 ms it prints
    if (value > lat.critical) return { value, status: 'critical', target, detail: `p95 latency ${fmt(v, 0)} ms is above the ${lat.critical} ms rollback threshold.`, metrics };
    if (value >= lat.target) return { value, status: ctx.missStatus, target, detail: `p95 latency ${fmt(v, 0)} ms is not below the ${lat.target} ms target.`, metrics };
    return { value, status: 'pass', target, detail: `${fmt(v, 0)} ms`, metrics };
  },
};
