// The gate's evidence as plain data, and the primitives checks read it with. No I/O,
// no decision: the checks (src/gate/checks/) and decide() build on this.
import type { BaselineEvidence } from './baseline.ts';
import type { CheckpointName, RunbookWindows } from '../contract/runbook.ts';
import { parseDuration } from '../promql/duration.ts';
import type { RuleGroupReport } from '../rules/loaded.ts';

export type Verdict = 'promote' | 'continue' | 'marginal' | 'rollback' | 'inconclusive';
export type { CheckStatus } from '../contract/checks.ts';
export type PhaseNumber = number;

/**
 * The shortest rate window a time-scaled series uses: `rate()` needs two samples in its
 * window, and a few more keep a 1 s scrape interval from making it jumpy.
 */
export const MIN_SCALED_RATE_WINDOW_SECONDS = 4;

/**
 * `--time-scale`: every time constant of the decision is multiplied by this factor, so a
 * rehearsal, a demo or an end-to-end test can prove a checkpoint in seconds (1/60: a
 * runbook minute lasts one second). 1, the default, is the runbook itself.
 */
export const DEFAULT_TIME_SCALE = 1;

/** Why a time scale is unusable, or null. */
export function checkTimeScale(scale: number): string | null {
  return Number.isFinite(scale) && scale > 0 && scale <= 1 ? null : `the time scale must be a number in (0, 1], got ${scale}`;
}

/**
 * The time constants of the decision at a time scale. PromQL durations are whole seconds;
 * at scale 1 they are exactly the runbook's (its rate window, its circuit-breaker day, its step).
 */
export function scaledTimes(windows: RunbookWindows, scale = DEFAULT_TIME_SCALE) {
  const err = checkTimeScale(scale);
  if (err) throw new RangeError(err);
  const unscaled = scale === 1;
  const rateSeconds = parseDuration(windows.rate);
  const daySeconds = parseDuration(windows.circuitBreakerDay);
  const seconds = (s: number, min: number) => Math.max(min, Math.round(s * scale));
  return {
    scale,
    /** Step of the sustained series, in seconds (60 s, at least 1 s). */
    seriesStepSeconds: unscaled ? windows.seriesStepSeconds : seconds(windows.seriesStepSeconds, 1),
    /** Rate window of the sustained series (`5m`, at least a few seconds). */
    seriesRateWindow: unscaled ? windows.rate : `${seconds(rateSeconds, MIN_SCALED_RATE_WINDOW_SECONDS)}s`,
    /** The sliding 24h of a 48h window's circuit breaker check. */
    day: unscaled ? windows.circuitBreakerDay : `${seconds(daySeconds, 1)}s`,
    daySeconds: unscaled ? daySeconds : seconds(daySeconds, 1),
    /** The runbook's day in unscaled minutes (pro-rating of the breaker target). */
    dayMinutes: daySeconds / 60,
  };
}

/** A measurement, or why it is missing. */
export type Measured<T> = { ok: true; value: T } | { ok: false; reason: string };
export const measured = <T>(value: T): Measured<T> => ({ ok: true, value });
export const missing = <T = never>(reason: string): Measured<T> => ({ ok: false, reason });

/** [unix seconds, value] */
export type Point = [number, number];

export interface GateEvidence {
  checkpoint: CheckpointName;
  phase: PhaseNumber;
  /** Unix seconds. */
  window: { start: number; end: number };
  minDeliveries: number;
  /** `--time-scale` (default 1): every time constant of the rules is multiplied by it. */
  timeScale?: number;
  /** Deliveries in the window (sum of `increase`). */
  deliveries: Measured<number>;
  /** Successful deliveries in the window. */
  successes: Measured<number>;
  /** p95 over the window's histogram, in seconds. */
  p95Seconds: Measured<number>;
  /** Circuit breaker opens in the window. */
  cbOpens: Measured<number>;
  /** Most opens in any 24h inside the window; only needed for windows longer than 24h. */
  cbOpensMax24h?: Measured<number>;
  /** Names of our critical alerts that were firing at some time in the window. */
  criticalAlerts: Measured<readonly string[]>;
  /** Log lines with PII, or 'skipped' for `--skip pii`. */
  piiLeaks: Measured<number> | 'skipped';
  /** What keeps a PII scan from being evidence (read errors, no lines, lines not covering the window); findings still count. */
  piiProblems?: readonly string[];
  /** Success rate in percent per minute (5m rates). */
  successRateSeries: Measured<readonly Point[]>;
  /** p95 in seconds per minute (5m rates). */
  p95Series: Measured<readonly Point[]>;
  /**
   * The window's latency histogram, `[upper bound in seconds, cumulative count]` per bucket
   * (`+Inf` as Infinity). `histogram_quantile` answers the largest finite bound when the p95
   * lies in the `+Inf` bucket; with the buckets the gate knows the p95 is *above* it.
   */
  latencyBuckets?: Measured<readonly (readonly [number, number])[]>;
  /** The alert rule group as the backend runs it, and whether its evaluations cover the window. */
  rules: Measured<RulesEvidence>;
  /** Values of the `custom_*` checks' own queries, by key. */
  extra?: Readonly<Record<string, Measured<number>>>;
  /** Things the gate could not prove but that do not change the verdict (said in the reasons). */
  notes?: readonly string[];
  /** The baseline over the same window (`--baseline`): adds the `canary_vs_baseline` check. */
  baseline?: BaselineEvidence;
}

/** Whether the backend recorded the rule group's evaluations over the window, and where it didn't. */
export type RuleCoverage =
  | { recorded: true; source: string; gaps: readonly { from: number; to: number }[] }
  | { recorded: false; why: string };

/** One alert rule group of the runbook as the backend runs it. */
export interface RuleGroupEvidence {
  report: RuleGroupReport;
  coverage: RuleCoverage;
}

/** Every alert rule group of the runbook. */
export interface RulesEvidence {
  groups: readonly RuleGroupEvidence[];
}

/**
 * The largest finite bucket bound (seconds) when the quantile lies above it (in the `+Inf`
 * bucket), or null. Buckets with the same bound (`le="2"` and `le="2.0"`) are merged.
 */
export function quantileAboveLargestBound(buckets: readonly (readonly [number, number])[], q: number): number | null {
  const byBound = new Map<number, number>();
  for (const [le, count] of buckets) if (!Number.isNaN(le) && !Number.isNaN(count)) byBound.set(le, (byBound.get(le) ?? 0) + count);
  const total = byBound.get(Infinity);
  const finite = [...byBound.keys()].filter((le) => Number.isFinite(le));
  if (!total || total <= 0 || finite.length === 0) return null;
  const largest = Math.max(...finite);
  // histogram_quantile's rule: the rank falls in +Inf when the largest finite bucket holds fewer
  return byBound.get(largest)! < q * total ? largest : null;
}

export interface GateMetrics {
  /** Percent. */
  success_rate: number | null;
  p95_ms: number | null;
  cb_opens: number | null;
  pii_leaks: number | null;
  critical_alerts: number | null;
  deliveries: number | null;
}

/** Longest run of consecutive points (no gaps) for which `bad` holds, in minutes (each point standing for its step). */
export function longestRunMinutes(points: readonly Point[], bad: (v: number) => boolean, stepSeconds: number): { minutes: number; from: number | null } {
  const r = longestRun(points, bad, stepSeconds);
  return { minutes: (r.points * stepSeconds) / 60, from: r.from };
}

/** Longest run of consecutive points (no gaps) for which `bad` holds: how many, and the first one's time. */
export function longestRun(points: readonly Point[], bad: (v: number) => boolean, stepSeconds: number): { points: number; from: number | null } {
  let best = 0;
  let bestFrom: number | null = null;
  let run = 0;
  let runFrom = 0;
  let prevT: number | null = null;
  for (const [t, v] of points) {
    const contiguous = prevT !== null && Math.abs(t - prevT - stepSeconds) < 1e-6;
    // NaN (no traffic in the rate window) is not a breach, and breaks a run
    if (!Number.isNaN(v) && bad(v)) {
      if (run > 0 && contiguous) run++;
      else {
        run = 1;
        runFrom = t;
      }
      if (run > best) {
        best = run;
        bestFrom = runFrom;
      }
    } else {
      run = 0;
    }
    prevT = t;
  }
  return { points: best, from: bestFrom };
}

