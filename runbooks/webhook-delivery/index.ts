// The webhook delivery service's canary runbook as one value: slogate's flagship runbook.
// `slogate generate` and `slogate gate` load this module (package.json "slogate.runbook").
import { defineRunbook } from '../../src/contract/runbook.ts';
import { CANARY_TRACK, SCRAPE_JOB, metrics } from '../../src/contract/metrics.ts';
import { alertGroups, RUNBOOK_BASE_URL } from './alert-groups.ts';
import { burnPolicy } from './burn-policy.ts';
import { JUSTIFIED_WINDOWS } from './dashboard-common.ts';
import { dashboards } from './dashboard-list.ts';
import { CANARY_DASHBOARD, canaryPanelIds, RUNBOOK_PANELS } from './dashboard-panel-ids.ts';
import { canaryBaseline, canaryChannels, canaryCheckpoints, canaryGates, canaryPhases, canaryWindows, INSTANCE_NAME_PATTERN, rollbackDrain } from './rollout.ts';
import { replay } from './replay.ts';
import { webhookDeliveryPiiPolicy } from './pii-policy.ts';
import { slos } from './slos.ts';

export const runbook = defineRunbook({
  source: 'runbooks/webhook-delivery',
  service: { name: 'webhook delivery', job: SCRAPE_JOB, canaryTrack: CANARY_TRACK, instancePattern: INSTANCE_NAME_PATTERN },
  ownerLabels: { team: 'platform' },
  runbookBaseUrl: RUNBOOK_BASE_URL,
  channels: canaryChannels,
  metrics,
  slos,
  burnPolicy,
  alertGroups,
  dashboards,
  dashboardPolicy: {
    justifiedWindows: JUSTIFIED_WINDOWS,
    requiredPanels: RUNBOOK_PANELS,
    evidence: {
      uid: CANARY_DASHBOARD.uid,
      title: CANARY_DASHBOARD.title,
      panels: {
        successRate: canaryPanelIds.successRate,
        p95Latency: canaryPanelIds.p95Latency,
        retryHistogram: canaryPanelIds.retryHistogram,
        circuitBreakerOpens: canaryPanelIds.circuitBreakerOpens,
      },
    },
  },
  phases: canaryPhases,
  checkpoints: canaryCheckpoints,
  gates: canaryGates,
  baseline: canaryBaseline,
  windows: canaryWindows,
  pii: webhookDeliveryPiiPolicy,
  rollback: rollbackDrain,
  replay,
});

export default runbook;
