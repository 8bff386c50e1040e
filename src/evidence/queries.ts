// The PromQL behind the evidence, built from the metric contract and the canary's
// label matchers. One range query per metric; the gate's window totals come from the gate.
import { metrics, ATTEMPT_BUCKETS } from '../contract/metrics.ts';
import { selector, type Matchers } from '../contract/selectors.ts';
import { latencyQuantile, successRatio, sumOf } from '../promql/query.ts';
import { alertGroups } from '../../alerts/index.ts';

/** `{a="x",b="y"}` (equality matchers only, as `--selector` takes them) to matchers. */
export function parseSelector(text: string): Matchers {
  const s = text.trim();
  if (!s.startsWith('{') || !s.endsWith('}')) throw new SyntaxError(`selector must look like {job="webhook-sender",track="canary"}, got ${s}`);
  const out: Record<string, string> = {};
  const body = s.slice(1, -1).trim();
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const m = re.exec(body);
    if (!m) throw new SyntaxError(`selector: cannot read the matcher at "${body.slice(pos)}" (only name="value" matchers are allowed)`);
    out[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    pos = re.lastIndex;
  }
  return out;
}

export const HOURLY_RANGE = '1h';

export const hourlyQueries = (m: Matchers) => ({
  deliveries: sumOf('increase', metrics.deliveryTotal.name, m, HOURLY_RANGE),
  successes: sumOf('increase', metrics.deliverySuccessTotal.name, m, HOURLY_RANGE),
  cbOpens: sumOf('increase', metrics.circuitBreakerOpens.name, m, HOURLY_RANGE),
  durationBuckets: sumOf('increase', metrics.deliveryDuration.name + '_bucket', m, HOURLY_RANGE, ['le']),
});

/** The chart series: the runbook's `[5m]` rates at `step`. */
export const chartQueries = (m: Matchers, stepSeconds: number) => ({
  successRatePercent: `100 * (${successRatio(m, '5m')})`,
  p95Ms: `1000 * ${latencyQuantile(0.95, m, '5m')}`,
  cbOpensPerStep: sumOf('increase', metrics.circuitBreakerOpens.name, m, `${stepSeconds}s`),
});

/** Deliveries by attempt bucket over the whole window (instant query at the window's end). */
export const attemptsQuery = (m: Matchers, windowSeconds: number) =>
  sumOf('increase', metrics.deliveryAttempts.name + '_bucket', m, `${Math.max(1, Math.round(windowSeconds))}s`, ['le']);

export const ATTEMPT_BOUNDS = ATTEMPT_BUCKETS;

/** Our own alerts, by name, with their severity (alerts of other teams are not evidence). */
export function ownAlerts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of alertGroups) for (const a of g.alerts) out.set(a.name, a.severity);
  return out;
}

/**
 * Our critical and warning alerts in state firing, per step. `max_over_time` over one
 * step (less a second, so a sample is not counted at two steps) keeps an alert that
 * fired between two evaluation points.
 */
export function firingAlertsQuery(stepSeconds: number): string {
  const names = [...ownAlerts().keys()].join('|');
  return `max_over_time(ALERTS${selector({ alertstate: 'firing' })}[${stepSeconds - 1}s])`.replace(
    '}',
    `,alertname=~"${names}",severity=~"critical|warning"}`,
  );
}
