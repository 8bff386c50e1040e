// The PromQL the gate sends, built from the metric contract and the canary's selector.
// The selector is a label-matcher string (`{job="webhook-sender",track="canary"}`) because
// `--selector` may carry regex matchers that the Matchers record cannot.
import { parser } from '@prometheus-io/lezer-promql';
import { metrics } from '../contract/metrics.ts';
import { TEAM_LABEL, type AlertDef } from '../rules/alert.ts';
import { DEFAULT_TIME_SCALE, LATENCY_QUANTILE, scaledTimes } from './decide.ts';

const DURATION_BUCKET = `${metrics.deliveryDuration.name}_bucket`;

const sumIncrease = (metric: string, sel: string, window: string) => `sum(increase(${metric}${sel}[${window}]))`;

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

/** Regex alternation of alert names (names are CamelCase identifiers; escape anyway). */
function nameAlternation(names: readonly string[]): string {
  return names.map((n) => n.replace(/[\\.^$|?*+()[\]{}]/g, (c) => `\\\\${c}`)).join('|');
}

/**
 * `ALERTS` samples exist while an alert is pending or firing; `max_over_time` over the
 * window keeps each firing series that existed at any time in it, and `count by
 * (alertname)` turns them into one row per alert name. Our alert without a `team` label
 * still counts (`team=~"platform|"`: a ruler or relabelling may drop it; failing closed);
 * another team's alert of the same name does not.
 */
export function criticalAlertsQuery(alerts: readonly AlertDef[], window: string): string {
  const names = alerts.filter((a) => a.severity === 'critical').map((a) => a.name);
  const team = Object.entries(TEAM_LABEL)
    .map(([k, v]) => `${k}=~"${v}|"`)
    .join(',');
  return `count by (alertname) (max_over_time(ALERTS{alertname=~"${nameAlternation(names)}",alertstate="firing",severity="critical",${team}}[${window}]))`;
}

/**
 * Every query of one gate over a window of `windowSeconds` ending at the evaluation time.
 * A time scale shrinks the sustained series' rate window and the sliding 24h; totals over
 * the window need no scaling.
 */
export function gateQueries(sel: string, windowSeconds: number, alerts: readonly AlertDef[], timeScale = DEFAULT_TIME_SCALE): GateQueries {
  const w = `${Math.round(windowSeconds)}s`;
  const times = scaledTimes(timeScale);
  const r = times.seriesRateWindow;
  const ok = metrics.deliverySuccessTotal.name;
  const all = metrics.deliveryTotal.name;
  return {
    deliveries: sumIncrease(all, sel, w),
    successes: sumIncrease(ok, sel, w),
    p95: `histogram_quantile(${LATENCY_QUANTILE}, sum by (le) (increase(${DURATION_BUCKET}${sel}[${w}])))`,
    latencyBuckets: `sum by (le) (increase(${DURATION_BUCKET}${sel}[${w}]))`,
    cbOpens: sumIncrease(metrics.circuitBreakerOpens.name, sel, w),
    cbOpens24h: sumIncrease(metrics.circuitBreakerOpens.name, sel, times.day),
    criticalAlerts: criticalAlertsQuery(alerts, w),
    successRateSeries: `100 * sum(rate(${ok}${sel}[${r}])) / sum(rate(${all}${sel}[${r}]))`,
    p95Series: `histogram_quantile(${LATENCY_QUANTILE}, sum by (le) (rate(${DURATION_BUCKET}${sel}[${r}])))`,
  };
}

/**
 * A `--selector` must be one `{...}` block of label matchers: it is appended to every
 * metric name, so anything else (`{a="b"} or up`, `[5m]`, `offset 1h`) would change the
 * queries' meaning. Regex syntax is left to the backend (RE2 is not JavaScript's).
 */
export function checkSelector(sel: string): string | null {
  const s = sel.trim();
  const bad = (why: string) => `--selector must be label matchers in braces, e.g. {job="webhook-sender",track="canary"}: ${why}; got ${JSON.stringify(sel)}`;
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
