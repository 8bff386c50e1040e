// Service alerts of seeds 002 and 003 that the canary's 12 do not cover, in their own
// group `webhook_service`. They watch every instance of the service (both tracks), each
// against a threshold in service-thresholds.ts or against the instance's own previous day.
// Queue backlog and DLQ growth are already two of the canary's 12 (alerts.ts)
// and service-wide there, so they are not repeated here: two rules with one meaning would page twice.
import { CIRCUIT_BREAKER_STATES, metrics } from '../../src/contract/metrics.ts';
import { selector, serviceMatchers } from '../../src/contract/selectors.ts';
import type { AlertDef, AlertGroupDef } from '../../src/rules/alert.ts';
import { serviceAlertThresholds as t } from './service-thresholds.ts';

const sel = selector(serviceMatchers);
const byInstance = 'sum by (instance, track)';
const attempts = metrics.deliveryAttempts.name;
const duration = metrics.deliveryDuration.name;

/** Retries per finished delivery over a window: attempts per delivery minus the first. */
const retriesPerDelivery = (window: string, offset = '') =>
  `(${byInstance} (rate(${attempts}_sum${sel}[${window}]${offset})) / ${byInstance} (rate(${attempts}_count${sel}[${window}]${offset})) - 1)`;

/** An instance's p95 delivery latency over a window, optionally shifted back by an offset. */
const p95 = (window: string, offset = '') =>
  `histogram_quantile(0.95, sum by (instance, track, le) (rate(${duration}_bucket${sel}[${window}]${offset})))`;

export const endpointDownAlert: AlertDef = {
  name: 'WebhookEndpointDown',
  severity: 'warning',
  // a down receiver flips open -> half-open -> open: "not closed" holds across its failed probes
  expr: `${metrics.circuitBreakerState.name}${sel} > ${CIRCUIT_BREAKER_STATES.closed}`,
  for: `${t.endpointDownMinutes}m`,
  summary: `A receiver endpoint's circuit breaker has not closed for ${t.endpointDownMinutes} minutes.`,
  description: `The breaker for {{ $labels.endpoint }} on {{ $labels.instance }} stayed open or half-open for ${t.endpointDownMinutes}m (state now {{ $value }}; 1 half-open, 2 open): the receiver is down and its deliveries are queued or dead-lettered.`,
};

export const retriesRisingAlert: AlertDef = {
  name: 'WebhookRetriesRising',
  severity: 'warning',
  expr:
    `${retriesPerDelivery('15m')} > ${t.retriesPerDeliveryFloor}\n` +
    `and\n` +
    `${retriesPerDelivery('15m')} > ${t.retriesRiseFactor} * ${retriesPerDelivery('1d', ' offset 15m')}`,
  for: '15m',
  summary: `Webhook retries per delivery are over ${t.retriesPerDeliveryFloor} and ${t.retriesRiseFactor} times the previous day's.`,
  description: `Instance {{ $labels.instance }} needs {{ $value | humanize }} retries per delivery over 15m, more than ${t.retriesRiseFactor} times its rate over the previous day.`,
};

export const rateLimitNearAlert: AlertDef = {
  name: 'WebhookRateLimitNear',
  severity: 'warning',
  expr:
    `${byInstance} (rate(${metrics.deliveryTotal.name}${sel}[5m]))\n` +
    `/ on (instance, track)\n` +
    `max by (instance, track) (${metrics.rateLimitQps.name}${sel} > 0)\n` +
    `> ${t.rateLimitUsage}`,
  for: '10m',
  summary: `Webhook deliveries use more than ${t.rateLimitUsage * 100}% of the sender's rate limit.`,
  description: `Instance {{ $labels.instance }} delivers at {{ $value | humanizePercentage }} of its token bucket's refill rate; past 100% jobs wait in the queue.`,
};

export const latencyDegradedAlert: AlertDef = {
  name: 'WebhookLatencyDegraded',
  severity: 'warning',
  expr:
    `${p95('10m')} > ${t.latencyDegradationFloorSeconds}\n` +
    `and\n` +
    `${p95('10m')} > ${t.latencyDegradationFactor} * ${p95('1d', ' offset 10m')}`,
  for: '10m',
  summary: `Webhook p95 delivery latency is ${t.latencyDegradationFactor} times the instance's own over the previous day.`,
  description: `Instance {{ $labels.instance }} has a p95 delivery latency of {{ $value | humanizeDuration }} over 10m, more than ${t.latencyDegradationFactor} times its p95 over the previous day.`,
};

export const serviceAlertGroup: AlertGroupDef = {
  name: 'webhook_service',
  alerts: [endpointDownAlert, retriesRisingAlert, rateLimitNearAlert, latencyDegradedAlert],
  // service-wide: a canary checkpoint neither counts these nor needs them loaded
  gate: false,
};
