// Sustained breaches from the per-step series, with the alerts' meaning of "sustained"
// (src/contract/sustained.ts): a run that held for the rule's minutes is a rollback.
import { heldSeconds, isSustained } from '../../contract/sustained.ts';
import { fmt, iso, round } from '../format.ts';
import { longestRun, type Measured, type Point } from '../evidence.ts';
import type { CheckContext, CheckName, GateCheck } from './types.ts';

interface SustainedSpec {
  name: CheckName;
  doc: string;
  series: (ctx: CheckContext) => Measured<readonly Point[]>;
  /** Whether one point breaches. */
  bad: (ctx: CheckContext) => (v: number) => boolean;
  minutes: (ctx: CheckContext) => number;
  /** "below 90%" */
  breach: (ctx: CheckContext) => string;
  /** Sentence start: "Success rate was". */
  subject: string;
}

export function sustainedCheck(spec: SustainedSpec): GateCheck {
  return {
    name: spec.name,
    doc: spec.doc,
    evaluate(ctx) {
      const limit = spec.minutes(ctx);
      const { min } = ctx.words;
      const target = `held < ${limit} ${min} ${spec.breach(ctx)}`;
      const label = spec.name.replace(/_/g, ' ');
      const series = spec.series(ctx);
      if (!series.ok) return { value: null, status: 'no_data', target, detail: `${label}: ${series.reason}.` };
      if (series.value.every(([, v]) => Number.isNaN(v))) {
        return { value: null, status: 'no_data', target, detail: `${label}: the ${ctx.scaled ? `per-${ctx.times.seriesStepSeconds}s` : 'per-minute'} series has no values.` };
      }
      const run = longestRun(series.value, spec.bad(ctx), ctx.times.seriesStepSeconds);
      const held = round(ctx.toScaled(heldSeconds(run.points, ctx.times.seriesStepSeconds) / 60), 4);
      // with too few deliveries a 5m rate is noise, in both directions
      if (ctx.traffic.low) return { value: held, status: 'no_data', target, detail: `${label} is ${ctx.traffic.note}.` };
      if (isSustained(held, limit)) {
        return {
          value: held,
          status: 'critical',
          target,
          detail: `${spec.subject} ${spec.breach(ctx)} for ${ctx.words.consecutive(held)} from ${iso(run.from!)} (rollback once it holds ${limit}${ctx.scaled ? ' scaled' : ''} minutes, as the alert's for).`,
        };
      }
      return { value: held, status: 'pass', target, detail: run.points ? `longest breach held ${fmt(held)} ${min}` : 'no breach' };
    },
  };
}

export const sustainedSuccessRateCheck = sustainedCheck({
  name: 'sustained_success_rate',
  doc: 'The 5m success rate did not stay below the rollback threshold for the sustained minutes.',
  series: (ctx) => ctx.evidence.successRateSeries,
  bad: (ctx) => (v) => round(v, 4) < ctx.thresholds.successRate.critical,
  minutes: (ctx) => ctx.thresholds.successRate.sustainedMinutes,
  breach: (ctx) => `below ${ctx.thresholds.successRate.critical}%`,
  subject: 'Success rate was',
});

export const sustainedP95LatencyCheck = sustainedCheck({
  name: 'sustained_p95_latency',
  doc: 'The 5m p95 latency did not stay above the rollback threshold for the sustained minutes.',
  series: (ctx) => ctx.evidence.p95Series,
  bad: (ctx) => {
    const lat = ctx.thresholds.p95LatencyMs;
    const b = ctx.evidence.latencyBuckets;
    const finite = b?.ok ? b.value.map(([le]) => le).filter((le) => Number.isFinite(le)) : [];
    const largest = finite.length ? Math.max(...finite) : null;
    // histogram_quantile answers the largest finite bound for a p95 in the +Inf bucket: when that
    // bound is the threshold itself, such a minute is above it, not at it
    return (v) => round(v * 1000, 1) > lat.critical || (largest !== null && v === largest && largest * 1000 >= lat.critical);
  },
  minutes: (ctx) => ctx.thresholds.p95LatencyMs.sustainedMinutes,
  breach: (ctx) => `above ${ctx.thresholds.p95LatencyMs.critical} ms`,
  subject: 'p95 latency was',
});
