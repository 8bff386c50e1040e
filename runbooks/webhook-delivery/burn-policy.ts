// Multiwindow, multi-burn-rate alerting policy (Google SRE workbook, table 5-8).
// Factors (14.4, 6, 1) are computed from these rows and the SLO period.
import type { BurnRateWindow } from '../../src/slo/types.ts';

/** 2% of a 30-day budget in 1 hour: page. */
export const fastBurn: BurnRateWindow = { severity: 'critical', budgetPercent: 2, long: '1h', short: '5m' };
/** 5% of the budget in 6 hours: warning for the canary (the workbook's second page tier). */
export const slowBurn: BurnRateWindow = { severity: 'warning', budgetPercent: 5, long: '6h', short: '30m' };
/** 10% of the budget in 3 days: ticket. */
export const ticketBurn: BurnRateWindow = { severity: 'warning', budgetPercent: 10, long: '3d', short: '6h' };

export const burnRatePolicy: readonly BurnRateWindow[] = [fastBurn, slowBurn, ticketBurn];
