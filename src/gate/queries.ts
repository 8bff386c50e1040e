// The PromQL the gate sends, built from the metric contract and the canary's selector.
// `--selector` is passed as a checked `{...}` string (it may carry regex matchers, which the
// Matchers record cannot), straight to the shared query builders.
import { parser } from '@prometheus-io/lezer-promql';
import type { Runbook } from '../contract/runbook.ts';
import { canaryMatchers, DEFAULT_CANARY_SELECTOR, regexLabel, selector, type Matchers } from '../contract/selectors.ts';
import { deliveries, firingAlerts, latencyQuantile, successRatio, sumOf } from '../promql/query.ts';
import type { AlertDef } from '../rules/alert.ts';
import { DEFAULT_TIME_SCALE, scaledTimes } from './evidence.ts';

/**
 * How far before the window the breaker counters are read: a series with a sample in it
 * existed at the start (Prometheus's default lookback); one without was born in the window.
 */
export const CB_LOOKBACK_SECONDS = 300;

export interface GateQueries {
  deliveries: string;
  successes: string;
  p95: string;
  /** The window's latency histogram, bucket by bucket (to tell a p95 in the +Inf bucket). */
  latencyBuckets: string;
  /** The breaker counters' raw samples over the window and a lookback before it (the gate counts opens from them). */
  cbOpens: string;
  criticalAlerts: string;
  /** Prometheus's record of the alert group's evaluations (when it scrapes itself). */
  ruleEvaluations: string;
  /** vmalert's count of the alert group's evaluations (when it is scraped). */
  ruleIterations: string;
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
export function gateQueries(rb: Runbook, sel: string, windowSeconds: number, alerts: readonly AlertDef[], timeScale = DEFAULT_TIME_SCALE, group = rb.alertGroups[0]?.name ?? '', evaluationLimitSeconds = 300): GateQueries {
  const w = `${Math.round(windowSeconds)}s`;
  const times = scaledTimes(rb.windows, timeScale);
  const metrics = rb.metrics;
  const LATENCY_QUANTILE = rb.windows.latencyQuantile;
  const DURATION_BUCKET = `${metrics.deliveryDuration.name}_bucket`;
  const r = times.seriesRateWindow;
  const groupRe = group.replace(/[\\.^$|?*+()[\]{}]/g, (c) => `\\${c}`).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return {
    deliveries: deliveries(metrics, sel, w, 'increase'),
    successes: sumOf('increase', metrics.deliverySuccessTotal.name, sel, w),
    p95: latencyQuantile(metrics, LATENCY_QUANTILE, sel, w, 'increase'),
    latencyBuckets: sumOf('increase', DURATION_BUCKET, sel, w, ['le']),
    cbOpens: `${metrics.circuitBreakerOpens.name}${sel}[${Math.round(windowSeconds) + CB_LOOKBACK_SECONDS}s]`,
    criticalAlerts: criticalAlertsQuery(alerts, w, rb.ownerLabels),
    // rule_group is "<file>;<group>"
    ruleEvaluations: `max(prometheus_rule_group_last_evaluation_timestamp_seconds{rule_group=~".*;${groupRe}"})`,
    ruleIterations: `sum(increase(vmalert_iteration_total{group="${group.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"}[${Math.max(1, Math.round(evaluationLimitSeconds))}s]))`,
    successRateSeries: `100 * ${successRatio(metrics, sel, r)}`,
    p95Series: latencyQuantile(metrics, LATENCY_QUANTILE, sel, r),
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
  // {} would add nothing to the default matchers: almost certainly a mistake in a pipeline
  if (matcherLabels(s).length === 0) return `--selector ${JSON.stringify(sel)} holds no label matchers: leave --selector out for the canary's ${DEFAULT_CANARY_SELECTOR}, or name the labels to add`;
  return null;
}

/** A `--selector` merged with the canary's default matchers. */
export interface CanarySelector {
  /** What every query uses. */
  selector: string;
  /** Default labels the given selector named, and so replaced. */
  replaced: string[];
  /** Set when the selector no longer pins the canary's track (recorded in the verdict). */
  warning?: string;
}

/**
 * The given matchers are added to the default `job` and `track` matchers; a default is
 * replaced only by naming its label. `{region="eu"}` is the canary in eu; `{job="x"}` is
 * job x's canary; dropping the canary track takes an explicit `track` matcher, and earns
 * a warning. `given` must have passed checkSelector.
 */
export function canarySelector(given: string | undefined, defaults: Matchers = canaryMatchers): CanarySelector {
  const def = selector(defaults);
  if (given === undefined) return { selector: def, replaced: [] };
  const block = given.trim();
  const named = matcherLabels(block);
  const kept = Object.fromEntries(Object.entries(defaults).filter(([k]) => !named.some((m) => m.label === k)));
  const inner = block.slice(1, -1).trim().replace(/,\s*$/, '');
  const keptText = selector(kept).slice(1, -1);
  const merged = `{${[keptText, inner].filter(Boolean).join(',')}}`;
  const replaced = Object.keys(defaults).filter((k) => named.some((m) => m.label === k));
  const trackLabel = 'track';
  const track = named.filter((m) => m.label === trackLabel);
  const pinned = track.length > 0 && track.every((m) => m.op === '=' && m.value === defaults[trackLabel]);
  const warning =
    trackLabel in defaults && track.length > 0 && !pinned
      ? `--selector replaces track="${defaults[trackLabel]}" with ${track.map((m) => m.text).join(',')}: the gate may judge other tracks' series as the canary's`
      : undefined;
  return { selector: merged, replaced, ...(warning ? { warning } : {}) };
}

/** The label matchers of a checked `{...}` block: label, operator, value, as written. */
export function matcherLabels(block: string): { label: string; op: string; value: string; text: string }[] {
  const expr = `x${block}`;
  const out: { label: string; op: string; value: string; text: string }[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.name !== 'UnquotedLabelMatcher' && n.name !== 'QuotedLabelMatcher') return undefined;
      const node = n.node;
      const nameNode = node.getChild('LabelName') ?? node.getChild('QuotedLabelName');
      const opNode = node.getChild('MatchOp');
      const strings = node.getChildren('StringLiteral');
      const valueNode = strings[strings.length - 1];
      if (nameNode && opNode && valueNode) {
        const rawName = expr.slice(nameNode.from, nameNode.to);
        const label = nameNode.name === 'QuotedLabelName' ? unquoteString(rawName) : rawName;
        out.push({ label, op: expr.slice(opNode.from, opNode.to), value: unquoteString(expr.slice(valueNode.from, valueNode.to)), text: expr.slice(n.from, n.to) });
      }
      return false;
    },
  });
  return out;
}

function unquoteString(s: string): string {
  if (s.startsWith('`')) return s.slice(1, -1);
  try {
    return JSON.parse(s.startsWith("'") ? `"${s.slice(1, -1).replace(/"/g, '\\"')}"` : s);
  } catch {
    return s.slice(1, -1);
  }
}
