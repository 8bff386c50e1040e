import { metrics, SCRAPE_JOB } from '../../src/contract/metrics.ts';
import type { SloDef } from '../../src/slo/types.ts';

/** The delivery service's own objective: more than 99% of deliveries succeed. */
export const availability: SloDef = {
  name: 'webhook-delivery-availability',
  displayName: 'Webhook delivery availability',
  service: SCRAPE_JOB,
  description: '99% of webhook deliveries reach the receiver successfully, over a rolling 30 days.',
  objective: 99,
  timeWindow: '30d',
  sli: {
    good: { metric: metrics.deliverySuccessTotal.name },
    total: { metric: metrics.deliveryTotal.name },
  },
  matchers: { job: SCRAPE_JOB },
  groupBy: ['track'],
};
