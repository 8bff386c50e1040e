// The PromQL the gate sends, built from the metric contract and the canary's selector.
// `--selector` is passed as a checked `{...}` string (it may carry regex matchers, which the
// Matchers record cannot), straight to the shared query builders.
import { parser } from '@prometheus-io/lezer-promql';
import type { Runbook } from '../contract/runbook.ts';
import { DEFAULT_CANARY_SELECTOR, regexLabel } from '../contract/selectors.ts';
import { circuitBreakerOpens, deliveries, firingAlerts, latencyQuantile, successRatio, sumOf } from '../promql/query.ts';
import type { AlertDef } from '../rules/alert.ts';
import { DEFAULT_TIME_SCALE, scaledTimes } from './decide.ts';

export interface GateQueries {
  deliveries: string;
  successes: string;
  p95: string;
  /** The window's latency histogram, bucket by bucket (to tell a p95 in the +Inf bucket). */
  latencyBuckets: string;
  cbOpens: string;
  /** Opens in the trailing 24h, evaluated over a range to find the worst 24h. */
  cbOpens24h: string;
  criticalAlerts: string;
  successRateSeries: string;
  p95Series: string;
}

/**
 * `ALERTS` samples exist while an alert is pending or firing; `max_over_time` over the
 * window keeps each firing series that existed at any time in it, and `count by
 * (alertname)` turns them into one row per alert name. Our alert without a `team` label
 * still counts (`team=~"platform|"`: a ruler or relabelling may drop it; failing closed);
 * another team's alert of the same name does not.
 */
export function criticalAlertsQuery(alerts: readonly AlertDef[], window: string, ownerLabels: Runbook['ownerLabels']): string {
  const names = alerts.filter((a) => a.severity === 'critical').map((a) => a.name);
  const team = Object.fromEntries(Object.entries(ownerLabels).map(([k, v]) => [regexLabel(k), `${v}|`]));
  return `count by (alertname) (max_over_time(${firingAlerts(names, { severity: 'critical', ...team })}[${window}]))`;
}

/**
 * Every query of one gate over a window of `windowSeconds` ending at the evaluation time.
 * A time scale shrinks the sustained series' rate window and the sliding 24h; totals over
 * the window need no scaling.
 */
export function gateQueries(rb: Runbook, sel: string, windowSeconds: number, alerts: readonly AlertDef[], timeScale = DEFAULT_TIME_SCALE): GateQueries {
  const w = `${Math.round(windowSeconds)}s`;
  const times = scaledTimes(rb.windows, timeScale);
  const metrics = rb.metrics;
  const q = rb.windows.latencyQuantile;
  const DURATION_BUCKET = `${metrics.deliveryDuration.name}_bucket`;
  const r = times.seriesRateWindow;
  return {
    deliveries: deliveries(metrics, sel, w, 'increase'),
    successes: sumOf('increase', metrics.deliverySuccessTotal.name, sel, w),
    p95: latencyQuantile(metrics, q, sel, w, 'increase'),
    latencyBuckets: sumOf('increase', DURATION_BUCKET, sel, w, ['le']),
    cbOpens: circuitBreakerOpens(metrics, sel, w),
    cbOpens24h: circuitBreakerOpens(metrics, sel, times.day),
    criticalAlerts: criticalAlertsQuery(alerts, w, rb.ownerLabels),
    successRateSeries: `100 * ${successRatio(metrics, sel, r)}`,
    p95Series: latencyQuantile(metrics, q, sel, r),
  };
}

/**
 * A `--selector` must be one `{...}` block of label matchers: it is appended to every
 * metric name, so anything else (`{a="b"} or up`, `[5m]`, `offset 1h`) would change the
 * queries' meaning. Regex syntax is left to the backend (RE2 is not JavaScript's).
 */
export function checkSelector(sel: string): string | null {
  const s = sel.trim();
  const bad = (why: string) => `--selector must be label matchers in braces, e.g. ${DEFAULT_CANARY_SELECTOR}: ${why}; got ${JSON.stringify(sel)}`;
  if (!/^\{.*\}$/s.test(s)) return bad('no {...}');
  const expr = `x${s}`;
  const tree = parser.parse(expr);
  let errorAt = -1;
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && errorAt < 0) errorAt = n.from;
    },
  });
  if (errorAt >= 0) return bad(`not valid PromQL at character ${Math.max(1, errorAt)}`);
  const top = tree.topNode.firstChild;
  if (!top || top.name !== 'VectorSelector' || top.to !== expr.length) return bad('only label matchers may be given');
  return null;
}
