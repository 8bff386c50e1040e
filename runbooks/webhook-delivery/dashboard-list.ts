// Every dashboard slogate generates. Each is a function of the definitions, so
// tests can build them from other alert groups and SLOs.
import type { DashboardDef } from '../../src/contract/runbook.ts';
import { canaryDashboard } from './dashboard-canary.ts';
import { sloOverview } from '../../src/dashboards/slo-overview.ts';
import { GENERATED_TAGS } from './dashboard-common.ts';
import { SLO_DASHBOARD } from './dashboard-panel-ids.ts';

export const dashboards: readonly DashboardDef[] = [
  { source: 'runbooks/webhook-delivery/dashboard-canary.ts', build: canaryDashboard },
  sloOverview({
    ...SLO_DASHBOARD,
    source: 'runbooks/webhook-delivery/dashboard-list.ts and slos.ts',
    description: 'Webhook SLOs: SLI against the objective, error budget left and burn rate per alerting window.',
    tags: GENERATED_TAGS,
  }),
];
