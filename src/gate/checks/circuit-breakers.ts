// Circuit breaker opens: the daily target pro-rated to the window, rollback above the
// daily limit in the window or (for windows over a day) in its worst 24h.
import { fmt, showScale } from '../format.ts';
import { measured } from '../evidence.ts';
import type { GateCheck } from './types.ts';


export const circuitBreakerCheck: GateCheck = {
  name: 'circuit_breaker_opens',
  doc: 'Breaker opens stay below the daily target pro-rated to the window, and at most the daily limit in any 24h.',
  evaluate(ctx) {
    const { evidence: e, windowMinutes, scaled, times, words } = ctx;
    const DAY_MINUTES = times.dayMinutes;
    const cb = ctx.thresholds.circuitBreakerOpensPerDay;
    const allowed = (cb.target * windowMinutes) / DAY_MINUTES;
    const day = scaled ? 'scaled day' : 'day';
    const target = `< ${fmt(allowed, 3)} in ${fmt(windowMinutes, 0)} ${words.min} (${cb.target}/${day}; rollback > ${cb.critical} in any ${scaled ? 'scaled ' : ''}24h)`;
    const long = windowMinutes > DAY_MINUTES;
    if (!e.cbOpens.ok) return { value: null, status: 'no_data', target, detail: `Circuit breaker opens: ${e.cbOpens.reason}.` };
    if (Number.isNaN(e.cbOpens.value)) return { value: null, status: 'no_data', target, detail: 'Circuit breaker opens are NaN.' };
    // opens are whole events; increase() extrapolates to the window's edges
    const v = Math.round(e.cbOpens.value);
    const metrics = { cb_opens: v };
    const max24 = long ? e.cbOpensMax24h : measured(v);
    if (max24 && max24.ok && !Number.isNaN(max24.value) && Math.round(max24.value) > cb.critical) {
      const m = Math.round(max24.value);
      const within = scaled ? `a scaled 24h (${times.daySeconds} s at time scale ${showScale(times.scale)})` : '24h';
      return {
        value: v,
        status: 'critical',
        target,
        detail: long ? `Circuit breakers opened ${m} times within ${within} (rollback above ${cb.critical} in any ${scaled ? 'scaled ' : ''}24h).` : `Circuit breakers opened ${v} times in the window (rollback above ${cb.critical}).`,
        metrics,
      };
    }
    if (!max24 || !max24.ok || Number.isNaN(max24.value)) {
      return { value: v, status: 'no_data', target, detail: `Circuit breaker opens in the worst ${scaled ? 'scaled ' : ''}24h: ${max24 && !max24.ok ? max24.reason : 'not measured'}.`, metrics };
    }
    if (v >= allowed) {
      return { value: v, status: ctx.missStatus, target, detail: `Circuit breakers opened ${v} times, not below the ${fmt(allowed, 3)} allowed in ${fmt(windowMinutes, 0)} ${words.minutes} (${cb.target} per ${day}).`, metrics };
    }
    return { value: v, status: 'pass', target, detail: `${v} opens`, metrics };
  },
};
