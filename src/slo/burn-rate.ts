// Burn-rate maths, pure. The factors are derived from the period and windows
// (workbook: factor = budget share * period / long window), never copied.
import { div, mul, rational, sub, toDecimal, type Rational } from '../promql/decimal.ts';
import { parseDuration } from '../promql/duration.ts';
import type { BurnWindow, SloDef } from './types.ts';

/** Error budget as a ratio: 1 - objective/100 (0.01 for 99%). */
export function errorBudget(slo: Pick<SloDef, 'objective'>): Rational {
  return sub(rational(1), div(rational(slo.objective), rational(100)));
}

/** Burn factor: how many times faster than "exactly on budget" the window must burn. */
export function burnFactor(w: Pick<BurnWindow, 'errorBudgetPercent' | 'longWindow'>, period: string): Rational {
  return div(mul(div(rational(w.errorBudgetPercent), rational(100)), rational(parseDuration(period))), rational(parseDuration(w.longWindow)));
}

/** Error-ratio threshold for the window: factor * budget. */
export function errorRatioThreshold(slo: Pick<SloDef, 'objective' | 'timeWindow'>, w: Pick<BurnWindow, 'errorBudgetPercent' | 'longWindow'>): Rational {
  return mul(burnFactor(w, slo.timeWindow), errorBudget(slo));
}

export const decimal = (r: Rational): string => toDecimal(r);

/** Time for a burn rate to exhaust a full budget, in seconds (Infinity when not burning). */
export function timeToExhaustion(burnRate: number, period: string): number {
  if (!(burnRate > 0)) return Infinity;
  return parseDuration(period) / burnRate;
}
