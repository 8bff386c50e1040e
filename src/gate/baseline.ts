// Canary vs baseline: the canary's per-minute success rate and p95 against the baseline's
// over the same window (Mann-Whitney, classified as Kayenta does), and whether a breached
// absolute threshold is breached by the baseline too (a shared dependency, not the canary).
// Pure: series and settings in, a check row and a report out.
import type { BaselinePolicy, GateThresholds } from '../contract/runbook.ts';
import { compareSamples, type Classification } from '../stats/mann-whitney.ts';

// the decision core's shapes, restated here so the two modules don't import each other
type Point = [number, number];
type Measured<T> = { ok: true; value: T } | { ok: false; reason: string };
type CheckStatus = 'pass' | 'warn' | 'fail' | 'critical' | 'no_data';

/** The baseline's evidence over the canary's window. */
export interface BaselineEvidence {
  /** The baseline's label matchers, `{...}`. */
  selector: string;
  /** Success rate in percent per step (the gate's per-minute series). */
  successRateSeries: Measured<readonly Point[]>;
  /** p95 in seconds per step. */
  p95Series: Measured<readonly Point[]>;
  /** Window totals, for the shared-dependency reason. */
  deliveries: Measured<number>;
  successes: Measured<number>;
  p95Seconds: Measured<number>;
}

export interface MetricComparison {
  metric: 'success_rate' | 'p95_latency';
  unit: '%' | 'ms';
  /** Kayenta's classification of the canary against the baseline. */
  classification: Classification;
  /** Significantly worse beyond the allowed effect. */
  worse: boolean;
  /** Canary minus baseline (percentage points, or ms), and its interval. */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  /** mean(canary) / mean(baseline). */
  effect_size: number | null;
  /** The mean ratio past which a significant difference counts. */
  allowed_effect: number;
  /** Steps with a value on each side. */
  canary_minutes: number;
  baseline_minutes: number;
  p_value: number | null;
}

export interface BaselineReport {
  selector: string;
  confidence: number;
  tolerance: number;
  min_minutes: number;
  comparisons: MetricComparison[];
  /** The baseline's window success rate (%) and p95 (ms), when measured. */
  success_rate: number | null;
  p95_ms: number | null;
}

export interface BaselineCheckRow {
  value: number | null;
  status: CheckStatus;
  target: string;
  detail: string;
}

const finite = (m: Measured<readonly Point[]>) => (m.ok ? m.value.map(([, v]) => v).filter((v) => Number.isFinite(v)) : []);
const r = (n: number | null, d = 2) => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);
const fmt = (n: number, d = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(d));

/** The baseline's window success rate in percent, or null. */
export function baselineSuccessRate(b: BaselineEvidence): number | null {
  if (!b.deliveries.ok || !b.successes.ok || !(b.deliveries.value > 0)) return null;
  return (b.successes.value / b.deliveries.value) * 100;
}

/** The baseline's window p95 in ms, or null. */
export function baselineP95Ms(b: BaselineEvidence): number | null {
  return b.p95Seconds.ok && Number.isFinite(b.p95Seconds.value) ? b.p95Seconds.value * 1000 : null;
}

export interface BaselineInput {
  canarySuccessRate: Measured<readonly Point[]>;
  canaryP95: Measured<readonly Point[]>;
  baseline: BaselineEvidence;
  policy: BaselinePolicy;
  /** warn before the final checkpoint, fail at it */
  missStatus: CheckStatus;
  /** Minutes one step of the series stands for (1 for the runbook's 60 s step, also when time-scaled). */
  stepMinutes: number;
  /** `minutes` or `scaled minutes`. */
  minutesWord: string;
}

/**
 * The `canary_vs_baseline` check: warn (fail at the final checkpoint) when the canary is
 * significantly worse on success rate or p95 beyond the allowed effect; pass when it is not;
 * no_data when either side has fewer than `minMinutes` minutes with traffic.
 */
export function canaryVsBaseline(i: BaselineInput): { row: BaselineCheckRow; report: BaselineReport } {
  const p = i.policy;
  const b = i.baseline;
  const settings = { confidence: p.confidence, tolerance: p.tolerance, allowedIncrease: p.p95AllowedIncrease, allowedDecrease: p.successRateAllowedDecrease };
  const target = `not worse than ${b.selector} at ${p.confidence * 100}% confidence (success rate ratio > ${p.successRateAllowedDecrease}, p95 ratio < ${p.p95AllowedIncrease})`;
  const bsr = baselineSuccessRate(b);
  const bp95 = baselineP95Ms(b);
  const report: BaselineReport = { selector: b.selector, confidence: p.confidence, tolerance: p.tolerance, min_minutes: p.minMinutes, comparisons: [], success_rate: r(bsr, 4), p95_ms: r(bp95, 1) };

  const sides = [
    { metric: 'success_rate' as const, unit: '%' as const, canary: finite(i.canarySuccessRate), base: finite(b.successRateSeries), worse: 'low' as Classification, scale: 1, allowed: p.successRateAllowedDecrease },
    { metric: 'p95_latency' as const, unit: 'ms' as const, canary: finite(i.canaryP95), base: finite(b.p95Series), worse: 'high' as Classification, scale: 1000, allowed: p.p95AllowedIncrease },
  ];
  const minutes = (n: number) => n * i.stepMinutes;
  // fail closed: too little traffic on either side is no evidence of sameness
  const fewestBase = Math.min(...sides.map((s) => minutes(s.base.length)));
  const fewestCanary = Math.min(...sides.map((s) => minutes(s.canary.length)));
  if (fewestBase < p.minMinutes) {
    const why = !b.successRateSeries.ok ? ` (${b.successRateSeries.reason})` : '';
    return { row: { value: null, status: 'no_data', target, detail: `Canary vs baseline: fewer than ${p.minMinutes} ${i.minutesWord} of baseline traffic (${fmt(fewestBase, 0)} with ${b.selector})${why}.` }, report };
  }
  if (fewestCanary < p.minMinutes) {
    return { row: { value: null, status: 'no_data', target, detail: `Canary vs baseline: fewer than ${p.minMinutes} ${i.minutesWord} of canary traffic (${fmt(fewestCanary, 0)}).` }, report };
  }

  for (const s of sides) {
    const c = compareSamples(
      s.base.map((v) => v * s.scale),
      s.canary.map((v) => v * s.scale),
      settings,
    );
    report.comparisons.push({
      metric: s.metric,
      unit: s.unit,
      classification: c.classification,
      worse: c.classification === s.worse,
      estimate: r(c.estimate, 3),
      lower: r(c.lower, 3),
      upper: r(c.upper, 3),
      effect_size: r(c.effectSize, 4),
      allowed_effect: s.allowed,
      canary_minutes: minutes(c.experimentCount),
      baseline_minutes: minutes(c.controlCount),
      p_value: c.pValue === null ? null : Number(c.pValue.toPrecision(4)),
    });
  }
  const say = (c: MetricComparison) =>
    `${c.metric === 'success_rate' ? 'success rate' : 'p95'} ${c.estimate! >= 0 ? '+' : ''}${fmt(c.estimate!)}${c.unit === '%' ? ' points' : ' ms'} (${p.confidence * 100}% interval ${fmt(c.lower!)} to ${fmt(c.upper!)}, mean ratio ${fmt(c.effect_size!, 3)}, ${c.canary_minutes} vs ${c.baseline_minutes} ${i.minutesWord})`;
  const worse = report.comparisons.filter((c) => c.worse);
  if (worse.length) {
    return {
      row: { value: worse.length, status: i.missStatus, target, detail: `The canary is significantly worse than the baseline ${b.selector}: ${worse.map(say).join('; ')}.` },
      report,
    };
  }
  return { row: { value: 0, status: 'pass', target, detail: `no significant difference from ${b.selector}: ${report.comparisons.map(say).join('; ')}` }, report };
}

/**
 * The sentence added to a breached absolute check when the baseline misses the same threshold
 * over the same window, or null. The verdict is not changed: the runbook orders the rollback;
 * the sentence sends the operator to the dependency both tracks share.
 */
export function sharedDependencyNote(
  check: { name: string; status: CheckStatus },
  b: BaselineEvidence,
  gates: GateThresholds,
  baselineRun: (series: readonly Point[], bad: (v: number) => boolean) => number,
): string | null {
  if (!['warn', 'fail', 'critical'].includes(check.status)) return null;
  const critical = check.status === 'critical';
  const sr = gates.successRate;
  const lat = gates.p95LatencyMs;
  const bsr = baselineSuccessRate(b);
  const bp95 = baselineP95Ms(b);
  let as: string | null = null;
  switch (check.name) {
    case 'success_rate':
      if (bsr !== null && bsr < (critical ? sr.critical : sr.target)) as = `success rate ${fmt(bsr)}%`;
      break;
    case 'p95_latency':
      if (bp95 !== null && (critical ? bp95 > lat.critical : bp95 >= lat.target)) as = `p95 ${fmt(bp95, 0)} ms`;
      break;
    case 'sustained_success_rate': {
      const run = b.successRateSeries.ok ? baselineRun(b.successRateSeries.value, (v) => v < sr.critical) : 0;
      if (run > sr.sustainedMinutes) as = `success rate below ${sr.critical}% for ${fmt(run)} consecutive minutes`;
      break;
    }
    case 'sustained_p95_latency': {
      const run = b.p95Series.ok ? baselineRun(b.p95Series.value, (v) => v * 1000 > lat.critical) : 0;
      if (run > lat.sustainedMinutes) as = `p95 above ${lat.critical} ms for ${fmt(run)} consecutive minutes`;
      break;
    }
  }
  return as === null ? null : `The baseline ${b.selector} is degraded too (${as}): a dependency both tracks share is the likelier cause; look there first. The runbook's verdict stands.`;
}
