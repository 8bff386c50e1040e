// PromQL expressions built from the metric contract. Rules, dashboards and the gate
// all call these, so a query's shape is written once.
import { metrics } from '../contract/metrics.ts';
import { selector, type Matchers } from '../contract/selectors.ts';

/** `sum(rate(metric{sel}[w]))`, or `increase` for a window total. */
export function sumOf(fn: 'rate' | 'increase', metric: string, matchers: Matchers, window: string, by: readonly string[] = []): string {
  const agg = by.length ? `sum by (${by.join(', ')}) ` : 'sum';
  return `${agg}(${fn}(${metric}${selector(matchers)}[${window}]))`;
}

/** Success ratio (0..1): successes over deliveries, summed across series before dividing. */
export function successRatio(matchers: Matchers, window: string, fn: 'rate' | 'increase' = 'rate'): string {
  return `${sumOf(fn, metrics.deliverySuccessTotal.name, matchers, window)} / ${sumOf(fn, metrics.deliveryTotal.name, matchers, window)}`;
}

/** Deliveries per second (rate) or in the window (increase). */
export function deliveries(matchers: Matchers, window: string, fn: 'rate' | 'increase' = 'rate'): string {
  return sumOf(fn, metrics.deliveryTotal.name, matchers, window);
}

/** Latency quantile in seconds over the window's histogram buckets. */
export function latencyQuantile(q: number, matchers: Matchers, window: string, fn: 'rate' | 'increase' = 'rate'): string {
  return `histogram_quantile(${q}, ${sumOf(fn, metrics.deliveryDuration.name + '_bucket', matchers, window, ['le'])})`;
}

/** Circuit breaker opens in the window, summed over endpoints and instances. */
export function circuitBreakerOpens(matchers: Matchers, window: string): string {
  return sumOf('increase', metrics.circuitBreakerOpens.name, matchers, window);
}
