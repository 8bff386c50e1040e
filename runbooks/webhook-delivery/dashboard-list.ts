// Every dashboard slogate generates. Each is a function of the definitions, so
// tests can build them from other alert groups and SLOs.
import type { DashboardDef } from '../../src/contract/runbook.ts';
import { canaryDashboard } from './dashboard-canary.ts';
import { sloOverviewDashboard } from './dashboard-slo-overview.ts';

export const dashboards: readonly DashboardDef[] = [
  { source: 'runbooks/webhook-delivery/dashboard-canary.ts', build: canaryDashboard },
  { source: 'runbooks/webhook-delivery/dashboard-slo-overview.ts', build: sloOverviewDashboard },
];
