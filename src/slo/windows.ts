// Which burn conditions an SLO is alerted by, and which SLI windows that needs recorded.
import { parseDuration } from '../promql/duration.ts';
import type { AlertWindowsSpec, BurnCondition, BurnPolicy, SloDef } from './types.ts';

/** The SLO's own windows, else the policy's spec for its period (same length, e.g. `4w` = `28d`), else null. */
export function windowsSpecFor(slo: Pick<SloDef, 'timeWindow' | 'alertWindows'>, policy: BurnPolicy): AlertWindowsSpec | null {
  if (slo.alertWindows) return slo.alertWindows;
  const period = safeSeconds(slo.timeWindow);
  return policy.windows.find((w) => safeSeconds(w.sloPeriod) === period) ?? null;
}

function safeSeconds(d: string): number {
  try {
    return parseDuration(d);
  } catch {
    return Number.NaN;
  }
}

/** The four conditions in a fixed order: page quick, page slow, ticket quick, ticket slow. */
export function burnConditions(spec: AlertWindowsSpec, policy: Pick<BurnPolicy, 'severity'>): BurnCondition[] {
  return (['page', 'ticket'] as const).flatMap((tier) =>
    (['quick', 'slow'] as const).map((speed) => ({ ...spec[tier][speed], tier, speed, severity: policy.severity[tier] })),
  );
}

/** Every SLI window the alerts read, shortest first, then the period itself (recorded for the budget). */
export function recordedWindows(spec: AlertWindowsSpec, period: string): string[] {
  const alerting = [...new Set(burnConditions(spec, { severity: { page: 'critical', ticket: 'warning' } }).flatMap((c) => [c.shortWindow, c.longWindow]))];
  alerting.sort((a, b) => parseDuration(a) - parseDuration(b));
  return alerting.includes(period) ? alerting : [...alerting, period];
}

/** The shortest window the policy records: the SLI's "now" (current burn rate, dashboards). */
export const shortestWindow = (spec: AlertWindowsSpec): string => recordedWindows(spec, spec.sloPeriod)[0];
