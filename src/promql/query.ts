// PromQL expressions built from a runbook's metric contract. Rules, dashboards and the gate
// all call these, so a query's shape is written once.
import type { QueryMetrics } from '../contract/metrics.ts';
import { regexLabel, renderSelector, selector, type Matchers, type Selector } from '../contract/selectors.ts';

/** `sum(rate(metric{sel}[w]))`, or `increase` for a window total. */
export function sumOf(fn: 'rate' | 'increase', metric: string, sel: Selector, window: string, by: readonly string[] = []): string {
  const agg = by.length ? `sum by (${by.join(', ')}) ` : 'sum';
  return `${agg}(${fn}(${metric}${renderSelector(sel)}[${window}]))`;
}

/** Success ratio (0..1): successes over deliveries, summed across series before dividing. */
export function successRatio(metrics: QueryMetrics, sel: Selector, window: string, fn: 'rate' | 'increase' = 'rate'): string {
  return `${sumOf(fn, metrics.deliverySuccessTotal.name, sel, window)} / ${sumOf(fn, metrics.deliveryTotal.name, sel, window)}`;
}

/** Deliveries per second (rate) or in the window (increase). */
export function deliveries(metrics: QueryMetrics, sel: Selector, window: string, fn: 'rate' | 'increase' = 'rate'): string {
  return sumOf(fn, metrics.deliveryTotal.name, sel, window);
}

/** Latency quantile in seconds over the window's histogram buckets. */
export function latencyQuantile(metrics: QueryMetrics, q: number, sel: Selector, window: string, fn: 'rate' | 'increase' = 'rate'): string {
  return `histogram_quantile(${q}, ${sumOf(fn, metrics.deliveryDuration.name + '_bucket', sel, window, ['le'])})`;
}

/** Circuit breaker opens in the window, summed over endpoints and instances. */
export function circuitBreakerOpens(metrics: QueryMetrics, sel: Selector, window: string): string {
  return sumOf('increase', metrics.circuitBreakerOpens.name, sel, window);
}

/**
 * `ALERTS` series of the named alerts in state firing (ALERTS carries no group label, so
 * alerts are picked by name), plus any further matchers such as severity or team.
 */
export function firingAlerts(names: readonly string[], extra: Matchers = {}): string {
  const alternation = names.map((n) => n.replace(/[\\.^$|?*+()[\]{}]/g, (c) => `\\${c}`)).join('|');
  return `ALERTS${selector({ [regexLabel('alertname')]: alternation, alertstate: 'firing', ...extra })}`;
}
