// Incident recovery for the webhook delivery service: the replay settings, as data.
import type { ReplayConfig } from '../../src/contract/replay.ts';

export const replay: ReplayConfig = {
  providers: ['smartlead', 'heyreach'],
  endpoints: {
    events: '/api/webhooks/events',
    replayOne: '/api/webhooks/replay/{provider}/{key}',
    replayBulk: '/api/webhooks/replay-bulk',
    replayQuery: '/api/webhooks/replay-query',
    reconcile: '/api/internal/reconciliation/campaigns-leads',
  },
  tokenEnv: 'SLOGATE_REPLAY_TOKEN',
  baseUrlEnv: 'SLOGATE_REPLAY_URL',
  batch: {
    // 50, a quarter of the 200 the recovery runbook caps a query at: a wrong replay then touches
    // at most 50 leads before verification catches it, and a batch still verifies in one listing page.
    defaultSize: 50,
    maxSize: 200,
  },
  escalation: {
    // One provider error can be a blip; the third within a run is the "repeated" failure to escalate.
    providerErrors: 3,
  },
  http: {
    timeoutMs: 30_000,
    rateLimitRetries: 5,
    maxRetryAfterMs: 60_000,
    pageSize: 200,
  },
};
