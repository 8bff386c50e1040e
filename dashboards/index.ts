// Every dashboard slogate generates. Each is a function of the definitions, so
// tests can build them from other alert groups and SLOs.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Definitions } from '../src/generate/artefacts.ts';
import { canaryDashboard } from './canary.ts';
import { sloOverviewDashboard } from './slo-overview.ts';

export interface DashboardDef {
  /** Where it is defined, named in the generated description and in lint problems. */
  readonly source: string;
  readonly build: (defs: Definitions) => Dashboard;
}

export const dashboards: readonly DashboardDef[] = [
  { source: 'dashboards/canary.ts', build: canaryDashboard },
  { source: 'dashboards/slo-overview.ts', build: sloOverviewDashboard },
];
