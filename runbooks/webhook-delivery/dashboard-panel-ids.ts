// Every panel id of the generated dashboards, in one table. Ids are part of the
// dashboards' public interface: the runbook renders panels by id
// (/render/d-solo/<uid>/<slug>?panelId=N), so an id never moves to another panel.

export const CANARY_DASHBOARD = { uid: 'webhook-canary-observability', title: 'Webhooks Canary' } as const;
export const SLO_DASHBOARD = { uid: 'webhook-slo-overview', title: 'Webhook SLOs' } as const;

export const canaryPanelIds = {
  // Gates row. 1, 2, 10 and 11 are fixed by the runbook.
  gatesRow: 100,
  successRate: 1,
  p95Latency: 2,
  retryHistogram: 10,
  circuitBreakerOpens: 11,
  piiLeakLines: 12,
  firingAlerts: 13,
  // Traffic row.
  trafficRow: 101,
  deliveryRate: 20,
  errorRateByOutcome: 21,
  latencyPercentiles: 22,
  latencyHeatmap: 23,
  // Resilience row.
  resilienceRow: 102,
  queueDepth: 30,
  dlqSize: 31,
  inflightDeliveries: 32,
  rateLimited: 33,
  circuitBreakerState: 34,
  // SLO row: per SLO (index k in slos.ts) see canarySloPanelIds.
  sloRow: 103,
} as const;

/** Canary dashboard, SLO row: two panels per SLO, 200 + 10k. Append new SLOs at the end of slos.ts. */
export function canarySloPanelIds(k: number): { budgetRemaining: number; burnRate: number } {
  return { budgetRemaining: 200 + 10 * k, burnRate: 201 + 10 * k };
}

/** SLO dashboard: a row and three panels per SLO (src/dashboards/slo-overview.ts numbers them). */
export { sloOverviewPanelIds } from '../../src/dashboards/slo-overview.ts';

/** Panels the runbook links to, by dashboard uid; the lint fails when one is missing. */
export const RUNBOOK_PANELS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  [CANARY_DASHBOARD.uid]: {
    [canaryPanelIds.successRate]: 'success rate',
    [canaryPanelIds.p95Latency]: 'p95 delivery latency',
    [canaryPanelIds.retryHistogram]: 'retry histogram',
    [canaryPanelIds.circuitBreakerOpens]: 'circuit breaker opens',
  },
};
