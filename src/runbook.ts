// The runbook API (`slogate/runbook`): what a runbook module needs to describe a service.
// A runbook is data; these helpers build its PromQL and dashboards from that data.
export {
  defineRunbook,
  canaryMatchersOf,
  serviceMatchersOf,
  instanceName,
  type Runbook,
  type CanaryPhase,
  type CheckpointName,
  type CheckpointTimes,
  type DashboardDef,
  type DashboardPolicy,
  type GateThresholds,
  type RateLimit,
  type RunbookWindows,
} from './contract/runbook.ts';
export type { MetricContract, MetricDef, MetricType, QueryMetrics } from './contract/metrics.ts';
export { selector, regexLabel, matcherKey, type Matchers, type MatchOp } from './contract/selectors.ts';
export type { AlertDef, AlertGroupDef, Severity } from './rules/alert.ts';
export type { SloDef, SliDef, SeriesRef, AlertWindowsSpec, BurnPolicy, BurnWindow, BurnCondition, AlertTier } from './slo/types.ts';
export { burnRateAlertExpr, sloConditions } from './slo/rules.ts';
export { burnAlert, sloAlertName } from './slo/alerts.ts';
export { circuitBreakerOpens, deliveries, firingAlerts, latencyQuantile, successRatio, sumOf } from './promql/query.ts';
export { sloOverview, sloOverviewDashboard, sloOverviewPanelIds, type SloOverviewOptions } from './dashboards/slo-overview.ts';
export * as dashboardKit from './dashboards/kit.ts';
