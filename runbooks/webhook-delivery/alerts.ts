// The runbook's 12 alerts (6 critical, 6 warning) in the `webhook_canary` group.
// Thresholds come from rollout.ts, burn-policy.ts and the SLO definitions.
import { metrics } from '../../src/contract/metrics.ts';
import { canaryMatchers, selector, serviceMatchers } from '../../src/contract/selectors.ts';
import { circuitBreakerOpens, deliveries, latencyQuantile, successRatio } from '../../src/promql/query.ts';
import type { AlertDef, AlertGroupDef } from '../../src/rules/alert.ts';
import type { BurnCondition } from '../../src/slo/types.ts';
import { burnAlert } from '../../src/slo/alerts.ts';
import { sloConditions } from '../../src/slo/rules.ts';
import { canaryGates, canaryWindows as w } from './rollout.ts';
import { availability } from './slo-availability.ts';
import { burnPolicy } from './burn-policy.ts';
import { serviceAlertThresholds } from './service-thresholds.ts';
import { sustainedFor } from '../../src/contract/sustained.ts';

const sr = canaryGates.successRate;
const p95 = canaryGates.p95LatencyMs;
const cb = canaryGates.circuitBreakerOpensPerDay;
const ratio = (percent: number) => String(percent / 100);
const seconds = (ms: number) => String(ms / 1000);

// The canary's burn alerts are the SLO alert generator's, on the availability SLO's page conditions
// for track="canary": the quick one (2% in 1h) pages, the slow one (5% in 6h) is a warning for
// the canary (see docs/generate.md: a 24h canary phase is decided at its checkpoints, not by a page).
const pageConditions = sloConditions(availability, burnPolicy).filter((c) => c.tier === 'page');
const canaryBurn = { matchers: { track: canaryMatchers.track } };
const burnDescription = (c: BurnCondition) =>
  `Canary error ratio over ${c.longWindow} is {{ $value | humanizePercentage }}: ${c.errorBudgetPercent}% of the ${availability.timeWindow} error budget would be gone within ${c.longWindow}.`;

// A ratio over zero deliveries is no evidence of failure: require traffic explicitly.
const withTraffic = (expr: string) => `(${expr})\nand\n${deliveries(metrics, canaryMatchers, w.rate)} > 0`;

// Alerts other modules refer to by name (dashboards, the demo).
export const successRateCriticalAlert: AlertDef = {
  name: 'WebhookCanarySuccessRateCritical',
  severity: 'critical',
  expr: withTraffic(`${successRatio(metrics, canaryMatchers, w.rate)} < ${ratio(sr.critical)}`),
  // the gate's sustained check reads the same rule (src/contract/sustained.ts): the alert fires when the gate says rollback
  for: sustainedFor(sr.sustainedMinutes),
  summary: `Canary webhook success rate is below ${sr.critical}%.`,
  description: `Canary success rate over ${w.rate} is {{ $value | humanizePercentage }}, below the ${sr.critical}% rollback threshold for ${sr.sustainedMinutes}m. Roll the canary back.`,
};

export const queueBacklogAlert: AlertDef = {
  name: 'WebhookQueueBacklog',
  severity: 'warning',
  expr: `${metrics.queueDepth.name}${selector(serviceMatchers)} > ${serviceAlertThresholds.queueDepth}`,
  for: '5m',
  summary: `Webhook delivery queue holds more than ${serviceAlertThresholds.queueDepth} jobs.`,
  description: `Instance {{ $labels.instance }} has {{ $value | humanize }} pending delivery jobs (threshold ${serviceAlertThresholds.queueDepth}).`,
};

export const dlqGrowingAlert: AlertDef = {
  name: 'WebhookDLQGrowing',
  severity: 'warning',
  expr:
    `${metrics.dlqSize.name}${selector(serviceMatchers)} > ${serviceAlertThresholds.dlqSize}\n` +
    `and\n` +
    `delta(${metrics.dlqSize.name}${selector(serviceMatchers)}[15m]) > 0`,
  for: '15m',
  summary: `The webhook dead letter queue holds more than ${serviceAlertThresholds.dlqSize} entries and grows.`,
  description: `Instance {{ $labels.instance }} has {{ $value | humanize }} entries in the dead letter queue, and it grew over the last 15m.`,
};

export const canaryAlertGroup: AlertGroupDef = {
  name: 'webhook_canary',
  alerts: [
    successRateCriticalAlert,
    {
      name: 'WebhookCanaryLatencyP95Critical',
      severity: 'critical',
      expr: `${latencyQuantile(metrics, w.latencyQuantile, canaryMatchers, w.rate)} > ${seconds(p95.critical)}`,
      for: sustainedFor(p95.sustainedMinutes),
      summary: `Canary p95 delivery latency is above ${seconds(p95.critical)} s.`,
      description: `Canary p95 delivery latency over ${w.rate} is {{ $value | humanizeDuration }}, above the ${seconds(p95.critical)} s rollback threshold. Roll the canary back.`,
    },
    {
      name: 'WebhookCanaryCircuitBreakerStorm',
      severity: 'critical',
      expr: `${circuitBreakerOpens(metrics, canaryMatchers, w.circuitBreakerDay)} > ${cb.critical}`,
      summary: `Canary circuit breakers opened more than ${cb.critical} times in ${w.circuitBreakerDay}.`,
      description: `Canary circuit breakers opened {{ $value | humanize }} times in the last ${w.circuitBreakerDay} (rollback above ${cb.critical}).`,
    },
    {
      name: 'WebhookCanaryPIILeak',
      severity: 'critical',
      expr: `max by (category) (${metrics.piiLeakLines.name}) > ${canaryGates.piiLeaks.critical}`,
      summary: 'The canary log scan found personal data in the logs.',
      description: 'The last log scan found {{ $value | humanize }} lines with {{ $labels.category }} data. Any leak means an immediate rollback.',
    },
    burnAlert(availability, {
      ...canaryBurn,
      name: 'WebhookCanaryErrorBudgetFastBurn',
      severity: burnPolicy.severity.page,
      conditions: pageConditions.filter((c) => c.speed === 'quick'),
      summary: 'The canary burns the availability error budget too fast.',
      description: burnDescription(pageConditions.find((c) => c.speed === 'quick')!),
    }),
    {
      name: 'WebhookSenderDown',
      severity: 'critical',
      expr: `${metrics.up.name}${selector(serviceMatchers)} == 0`,
      for: '2m',
      summary: 'A webhook sender instance cannot be scraped.',
      description: 'Instance {{ $labels.instance }} (track {{ $labels.track }}) has been down for 2m (up = {{ $value }}).',
    },
    {
      name: 'WebhookCanarySuccessRateLow',
      severity: 'warning',
      expr: withTraffic(`${successRatio(metrics, canaryMatchers, w.rate)} < ${ratio(sr.target)}`),
      for: w.warningFor,
      summary: `Canary webhook success rate is below ${sr.target}%.`,
      description: `Canary success rate over ${w.rate} is {{ $value | humanizePercentage }}, below the ${sr.target}% target. Apply the runbook's guardrails.`,
    },
    {
      name: 'WebhookCanaryLatencyP95High',
      severity: 'warning',
      expr: `${latencyQuantile(metrics, w.latencyQuantile, canaryMatchers, w.rate)} > ${seconds(p95.target)}`,
      for: w.warningFor,
      summary: `Canary p95 delivery latency is above ${seconds(p95.target)} s.`,
      description: `Canary p95 delivery latency over ${w.rate} is {{ $value | humanizeDuration }}, above the ${seconds(p95.target)} s target.`,
    },
    {
      name: 'WebhookCanaryCircuitBreakerOpens',
      severity: 'warning',
      expr: `${circuitBreakerOpens(metrics, canaryMatchers, w.circuitBreakerDay)} >= ${cb.target}`,
      summary: `Canary circuit breakers opened ${cb.target} or more times in ${w.circuitBreakerDay}.`,
      description: `Canary circuit breakers opened {{ $value | humanize }} times in the last ${w.circuitBreakerDay} (target below ${cb.target}).`,
    },
    burnAlert(availability, {
      ...canaryBurn,
      name: 'WebhookCanaryErrorBudgetSlowBurn',
      severity: 'warning',
      conditions: pageConditions.filter((c) => c.speed === 'slow'),
      summary: 'The canary burns the availability error budget steadily.',
      description: burnDescription(pageConditions.find((c) => c.speed === 'slow')!),
    }),
    queueBacklogAlert,
    dlqGrowingAlert,
  ],
};
