import { metrics, SCRAPE_JOB } from '../../src/contract/metrics.ts';
import type { SloDef } from '../../src/slo/types.ts';
import { canaryGates } from './rollout.ts';

const thresholdSeconds = canaryGates.p95LatencyMs.target / 1000;

/** Runbook: p95 under 2 s, i.e. 95% of deliveries finish within the 2 s bucket. */
export const latency: SloDef = {
  name: 'webhook-delivery-latency',
  displayName: 'Webhook delivery latency',
  service: SCRAPE_JOB,
  description: `95% of webhook deliveries reach a final outcome within ${thresholdSeconds} s, over a rolling 30 days.`,
  objective: 95,
  timeWindow: '30d',
  // `le` is matched in both forms (`2` and Prometheus 3's `2.0`), generated from the number
  sli: { latency: { histogram: metrics.deliveryDuration.name, le: thresholdSeconds } },
  matchers: { job: SCRAPE_JOB },
  groupBy: ['track'],
};
