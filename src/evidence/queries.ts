// The PromQL behind the evidence, built from the metric contract and the canary's
// label matchers. One range query per metric; the gate's window totals come from the gate.
import { ATTEMPT_BUCKETS } from '../contract/metrics.ts';
import type { Runbook } from '../contract/runbook.ts';
import { regexLabel, type Selector } from '../contract/selectors.ts';
import { firingAlerts, latencyQuantile, successRatio, sumOf } from '../promql/query.ts';

export const HOURLY_RANGE = '1h';

export const hourlyQueries = ({ metrics }: Runbook, m: Selector) => ({
  deliveries: sumOf('increase', metrics.deliveryTotal.name, m, HOURLY_RANGE),
  successes: sumOf('increase', metrics.deliverySuccessTotal.name, m, HOURLY_RANGE),
  cbOpens: sumOf('increase', metrics.circuitBreakerOpens.name, m, HOURLY_RANGE),
  durationBuckets: sumOf('increase', metrics.deliveryDuration.name + '_bucket', m, HOURLY_RANGE, ['le']),
});

/** The chart series: the runbook's rate window at `step`. */
export const chartQueries = ({ metrics, windows }: Runbook, m: Selector, stepSeconds: number) => ({
  successRatePercent: `100 * (${successRatio(metrics, m, windows.rate)})`,
  p95Ms: `1000 * ${latencyQuantile(metrics, windows.latencyQuantile, m, windows.rate)}`,
  cbOpensPerStep: sumOf('increase', metrics.circuitBreakerOpens.name, m, `${stepSeconds}s`),
});

/** Deliveries by attempt bucket over the whole window (instant query at the window's end); null without an attempts histogram. */
export const attemptsQuery = ({ metrics }: Runbook, m: Selector, windowSeconds: number): string | null =>
  metrics.deliveryAttempts ? sumOf('increase', metrics.deliveryAttempts.name + '_bucket', m, `${Math.max(1, Math.round(windowSeconds))}s`, ['le']) : null;

export const ATTEMPT_BOUNDS = ATTEMPT_BUCKETS;

/** Our own alerts, by name, with their severity (alerts of other teams are not evidence). */
export function ownAlerts(rb: Runbook): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of rb.alertGroups) for (const a of g.alerts) out.set(a.name, a.severity);
  return out;
}

/**
 * Our critical and warning alerts in state firing, per step. `max_over_time` over one
 * step (less a second, so a sample is not counted at two steps) keeps an alert that
 * fired between two evaluation points.
 */
export function firingAlertsQuery(rb: Runbook, stepSeconds: number): string {
  return `max_over_time(${firingAlerts([...ownAlerts(rb).keys()], { [regexLabel('severity')]: 'critical|warning' })}[${stepSeconds - 1}s])`;
}
