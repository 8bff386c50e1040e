// A four-day canary history with one known bad hour and one known slow day, for the
// backtest's tests and benchmark. Times are minutes after T0 (minute m is the traffic of
// the minute ending at T0 + m).
import { instanceNames, latency, type MinuteTraffic, type ScenarioHistory } from './history.ts';

/** A fixed past date: runs are reproducible. */
export const BACKTEST_T0 = Date.UTC(2025, 7, 1) / 1000;
export const HOUR = 3600;
/** Success ratio 0.5 for minutes (600, 660]: T0+10h to T0+11h. */
export const BAD_HOUR = { from: 600, to: 660 };
/** p95 about 4 s (above the 2 s target, below the 5 s rollback) for minutes (2880, 4320]: day 3. */
export const SLOW_DAY = { from: 2 * 1440, to: 3 * 1440 };

export function traffic(m: number): MinuteTraffic {
  const bad = m > BAD_HOUR.from && m <= BAD_HOUR.to;
  const slow = m > SLOW_DAY.from && m <= SLOW_DAY.to;
  return { deliveries: 100, successRatio: bad ? 0.5 : 0.99, latency: slow ? latency.slowish : latency.fast };
}

export function backtestHistory(days = 4, instances = 2, t0 = BACKTEST_T0): ScenarioHistory {
  return {
    name: 'backtest',
    t0,
    minutes: days * 1440,
    instances: instanceNames(instances).map((instance) => ({ instance, minute: traffic })),
  };
}
