// The burn-rate policy, as data: the SRE workbook's multiwindow, multi-burn-rate parameters
// (its recommended table, in Sloth's AlertWindows shape) for each period an SLO may use.
// Factors (14.4, 6, 1, 1 for 30 days) are computed from these rows and the period, never typed.
import type { AlertWindowsSpec, BurnPolicy } from '../../src/slo/types.ts';

const workbook = (sloPeriod: string): AlertWindowsSpec => ({
  sloPeriod,
  page: {
    // 2% of the budget in 1 hour, still burning over the last 5 minutes
    quick: { errorBudgetPercent: 2, longWindow: '1h', shortWindow: '5m' },
    // 5% in 6 hours, still burning over the last 30 minutes
    slow: { errorBudgetPercent: 5, longWindow: '6h', shortWindow: '30m' },
  },
  ticket: {
    // 10% in 1 day, still burning over the last 2 hours
    quick: { errorBudgetPercent: 10, longWindow: '1d', shortWindow: '2h' },
    // 10% in 3 days, still burning over the last 6 hours
    slow: { errorBudgetPercent: 10, longWindow: '3d', shortWindow: '6h' },
  },
});

/** The periods with a windows spec. An SLO on any other period must bring its own `alertWindows`. */
export const windows30d = workbook('30d');
export const windows28d = workbook('28d');

export const burnPolicy: BurnPolicy = {
  windows: [windows30d, windows28d],
  // the runbook's severities: a page wakes someone (critical), a ticket waits for working hours (warning)
  severity: { page: 'critical', ticket: 'warning' },
};
