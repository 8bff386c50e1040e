// The gate's decision: plain numbers and series in, a verdict out. No I/O here, so
// every checkpoint x phase x status combination is tested as a table.
import { canaryGates, canaryPhases, CHECKPOINT_EARLIEST_MINUTES, CHECKPOINT_MINUTES, type CanaryPhase, type CheckpointName } from '../../slo/canary.ts';

export type Verdict = 'promote' | 'continue' | 'marginal' | 'rollback' | 'inconclusive';
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'critical' | 'no_data';
export type PhaseNumber = CanaryPhase['phase'];

/** Exit codes of `slogate gate`: pipelines branch on these. */
export const GATE_EXIT = {
  promote: 0,
  continue: 0,
  rollback: 1,
  usage: 2,
  inconclusive: 3,
  marginal: 4,
} as const satisfies Record<Verdict | 'usage', number>;

export { CHECKPOINT_EARLIEST_MINUTES };

/** The step of the sustained-breach series, in seconds (the runbook's `step=60s`). */
export const SERIES_STEP_SECONDS = 60;
/** The rate window of the sustained-breach series (the runbook's `[5m]`). */
export const SERIES_RATE_WINDOW = '5m';
const SERIES_RATE_WINDOW_SECONDS = 300;
/**
 * The shortest rate window a time-scaled series uses: `rate()` needs two samples in its
 * window, and a few more keep a 1 s scrape interval from making it jumpy.
 */
export const MIN_SCALED_RATE_WINDOW_SECONDS = 4;
const DAY_MINUTES = 1440;
const DAY_SECONDS = DAY_MINUTES * 60;
/** The step of the worst-24h circuit-breaker range query (48h windows). */
const CB_24H_STEP_SECONDS = 300;

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
 * at scale 1 they are exactly the runbook's (`5m`, `24h`, 60 s steps).
 */
export function scaledTimes(scale = DEFAULT_TIME_SCALE) {
  const err = checkTimeScale(scale);
  if (err) throw new RangeError(err);
  const unscaled = scale === 1;
  const seconds = (s: number, min: number) => Math.max(min, Math.round(s * scale));
  return {
    scale,
    /** Step of the sustained series, in seconds (60 s, at least 1 s). */
    seriesStepSeconds: unscaled ? SERIES_STEP_SECONDS : seconds(SERIES_STEP_SECONDS, 1),
    /** Rate window of the sustained series (`5m`, at least a few seconds). */
    seriesRateWindow: unscaled ? SERIES_RATE_WINDOW : `${seconds(SERIES_RATE_WINDOW_SECONDS, MIN_SCALED_RATE_WINDOW_SECONDS)}s`,
    /** The sliding 24h of a 48h window's circuit breaker check. */
    day: unscaled ? '24h' : `${seconds(DAY_SECONDS, 1)}s`,
    daySeconds: unscaled ? DAY_SECONDS : seconds(DAY_SECONDS, 1),
    /** Step of the worst-24h range query. */
    cb24hStepSeconds: unscaled ? CB_24H_STEP_SECONDS : seconds(CB_24H_STEP_SECONDS, 1),
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
}

/** The quantile the latency gate reads. */
export const LATENCY_QUANTILE = 0.95;

/**
 * The largest finite bucket bound (seconds) when the quantile lies above it (in the `+Inf`
 * bucket), or null. Buckets with the same bound (`le="2"` and `le="2.0"`) are merged.
 */
export function quantileAboveLargestBound(buckets: readonly (readonly [number, number])[], q = LATENCY_QUANTILE): number | null {
  const byBound = new Map<number, number>();
  for (const [le, count] of buckets) if (!Number.isNaN(le) && !Number.isNaN(count)) byBound.set(le, (byBound.get(le) ?? 0) + count);
  const total = byBound.get(Infinity);
  const finite = [...byBound.keys()].filter((le) => Number.isFinite(le));
  if (!total || total <= 0 || finite.length === 0) return null;
  const largest = Math.max(...finite);
  // histogram_quantile's rule: the rank falls in +Inf when the largest finite bucket holds fewer
  return byBound.get(largest)! < q * total ? largest : null;
}

export interface Check {
  name: string;
  value: number | null;
  status: CheckStatus;
  target: string;
  detail: string;
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

export interface Decision {
  verdict: Verdict;
  checkpoint: CheckpointName;
  phase: PhaseNumber;
  /** Traffic share after this decision: the next phase on promote, 0 on rollback, else unchanged. */
  next_phase: number;
  /** True at the phase's final checkpoint (promote or rollback, never continue). */
  final: boolean;
  metrics: GateMetrics;
  checks: Check[];
  reasons: string[];
  skipped: string[];
  /** The time scale the rules ran at (1: the runbook's own times). */
  time_scale: number;
}

/** The phase's definition, or a sentence saying why the pair is not a runbook checkpoint. */
export function checkpointRule(phase: number, checkpoint: string): { phase: CanaryPhase; final: boolean } | { error: string } {
  const p = canaryPhases.find((x) => x.phase === phase);
  if (!p) return { error: `--phase ${phase} is not a canary phase (use ${canaryPhases.map((x) => x.phase).join(', ')})` };
  if (!(checkpoint in CHECKPOINT_MINUTES)) return { error: `--checkpoint ${checkpoint} is not a checkpoint (use ${Object.keys(CHECKPOINT_MINUTES).join(', ')})` };
  if (!p.checkpoints.includes(checkpoint as CheckpointName)) {
    return {
      error: p.checkpoints.length
        ? `phase ${phase} has no ${checkpoint} checkpoint (its checkpoints: ${p.checkpoints.join(', ')})`
        : `phase ${phase} has no checkpoints: it is the full rollout`,
    };
  }
  return { phase: p, final: p.finalCheckpoint === checkpoint };
}

/** Longest run of consecutive points (no gaps) for which `bad` holds, in minutes. */
export function longestRunMinutes(points: readonly Point[], bad: (v: number) => boolean, stepSeconds = SERIES_STEP_SECONDS): { minutes: number; from: number | null } {
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
  // each point stands for the step that ends at it
  return { minutes: (best * stepSeconds) / 60, from: bestFrom };
}

const fmt = (n: number, digits = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const isNumber = (v: number) => !Number.isNaN(v);
/** A time scale for people: 1/60 reads 0.0166667. */
export const showScale = (scale: number) => String(Number(scale.toPrecision(6)));

export function decide(e: GateEvidence): Decision {
  const rule = checkpointRule(e.phase, e.checkpoint);
  if ('error' in rule) throw new RangeError(rule.error);
  const final = rule.final;
  const scale = e.timeScale ?? DEFAULT_TIME_SCALE;
  const times = scaledTimes(scale);
  const scaled = scale !== 1;
  const realMinutes = (e.window.end - e.window.start) / 60;
  // Under a time scale every minute below is a scaled minute: a real minute divided by the
  // factor (at 1/60 a real second stands for a runbook minute). Rounding absorbs 0.0166667 ~ 1/60.
  const toScaled = (m: number) => (scaled ? round(m / scale, 4) : m);
  const windowMinutes = toScaled(realMinutes);
  const min = scaled ? 'scaled min' : 'min';
  const minutesWord = scaled ? 'scaled minutes' : 'minutes';
  /** "6 scaled minutes (6 s at time scale 0.0166667)", or "6 minutes". */
  const said = (m: number, digits = 2) => (scaled ? `${fmt(m, digits)} scaled minutes (${fmt(round(m * scale * 60, 1), 1)} s at time scale ${showScale(scale)})` : `${fmt(m, digits)} minutes`);
  // a missed target is a rollback at the final checkpoint and a warning before it
  const missStatus: CheckStatus = final ? 'fail' : 'warn';
  const checks: Check[] = [];
  const reasons: string[] = [];
  const add = (c: Check, reason?: string) => {
    checks.push(c);
    if (c.status !== 'pass') reasons.push(reason ?? c.detail);
  };
  const sr = canaryGates.successRate;
  const lat = canaryGates.p95LatencyMs;
  const cb = canaryGates.circuitBreakerOpensPerDay;

  // window: the checkpoint's evidence needs (almost) the checkpoint's duration
  const earliest = CHECKPOINT_EARLIEST_MINUTES[e.checkpoint];
  const windowOk = windowMinutes >= earliest;
  add({
    name: 'window',
    value: round(windowMinutes, 2),
    status: windowOk ? 'pass' : 'no_data',
    target: `>= ${earliest} ${min}`,
    detail: windowOk
      ? `${said(windowMinutes)} from ${iso(e.window.start)} to ${iso(e.window.end)}`
      : `The window covers ${said(windowMinutes)}, but the T+${e.checkpoint} checkpoint needs at least ${earliest}${scaled ? ' scaled minutes' : ''}.`,
  });

  // deliveries: too few is not enough evidence to judge rates
  let enoughTraffic = false;
  let deliveries: number | null = null;
  if (!e.deliveries.ok) {
    add({ name: 'deliveries', value: null, status: 'no_data', target: `>= ${e.minDeliveries}`, detail: `Deliveries: ${e.deliveries.reason}.` });
  } else if (!isNumber(e.deliveries.value)) {
    add({ name: 'deliveries', value: null, status: 'no_data', target: `>= ${e.minDeliveries}`, detail: 'Deliveries in the window are NaN.' });
  } else {
    deliveries = e.deliveries.value;
    enoughTraffic = deliveries >= e.minDeliveries;
    add({
      name: 'deliveries',
      value: round(deliveries, 2),
      status: enoughTraffic ? 'pass' : 'no_data',
      target: `>= ${e.minDeliveries}`,
      detail: enoughTraffic
        ? `${fmt(deliveries, 0)} deliveries in the window`
        : `Only ${fmt(deliveries, 0)} deliveries in the window, fewer than the ${e.minDeliveries} needed to decide.`,
    });
  }
  const lowTraffic = deliveries !== null && !enoughTraffic;
  const lowTrafficNote = `not judged: only ${deliveries === null ? 0 : fmt(deliveries, 0)} deliveries`;

  // success rate over the window
  let successRate: number | null = null;
  {
    const target = `>= ${sr.target}% (rollback < ${sr.critical}%)`;
    if (!e.deliveries.ok || !e.successes.ok) {
      const why = !e.deliveries.ok ? e.deliveries.reason : (e.successes as { reason: string }).reason;
      add({ name: 'success_rate', value: null, status: 'no_data', target, detail: `Success rate: ${why}.` });
    } else {
      const v = (e.successes.value / e.deliveries.value) * 100;
      if (!isNumber(v)) {
        add({ name: 'success_rate', value: null, status: 'no_data', target, detail: 'Success rate is NaN (no deliveries in the window).' });
      } else {
        successRate = v;
        // judge the value as shown: 94.99999999999999 from float division is the 95% it prints
        const shown = round(v, 4);
        if (lowTraffic) {
          add({ name: 'success_rate', value: round(v, 4), status: 'no_data', target, detail: `Success rate ${fmt(v)}% is ${lowTrafficNote}.` });
        } else if (shown < sr.critical) {
          add({ name: 'success_rate', value: round(v, 4), status: 'critical', target, detail: `Success rate ${fmt(v)}% is below the ${sr.critical}% rollback threshold.` });
        } else if (shown < sr.target) {
          add({ name: 'success_rate', value: round(v, 4), status: missStatus, target, detail: `Success rate ${fmt(v)}% is below the ${sr.target}% target.` });
        } else {
          add({ name: 'success_rate', value: round(v, 4), status: 'pass', target, detail: `${fmt(v)}%` });
        }
      }
    }
  }

  // p95 latency over the window
  let p95Ms: number | null = null;
  {
    const target = `< ${lat.target} ms (rollback > ${lat.critical} ms)`;
    if (!e.p95Seconds.ok) {
      add({ name: 'p95_latency', value: null, status: 'no_data', target, detail: `p95 latency: ${e.p95Seconds.reason}.` });
    } else if (!isNumber(e.p95Seconds.value)) {
      add({ name: 'p95_latency', value: null, status: 'no_data', target, detail: 'p95 latency is NaN (no observations in the window).' });
    } else {
      const v = e.p95Seconds.value * 1000;
      p95Ms = v;
      // judge the value as shown: 1999.9999999997 from interpolation is the 2000 ms it prints
      const shown = round(v, 1);
      const aboveS = e.latencyBuckets?.ok ? quantileAboveLargestBound(e.latencyBuckets.value) : null;
      const above = aboveS === null ? null : aboveS * 1000;
      if (lowTraffic) add({ name: 'p95_latency', value: round(v, 1), status: 'no_data', target, detail: `p95 latency ${fmt(v, 0)} ms is ${lowTrafficNote}.` });
      else if (above !== null) {
        // the p95 is in the +Inf bucket: all we know is that it is above the largest finite bound
        const beyond = `p95 latency is above ${fmt(above, 0)} ms, the latency histogram's largest finite bucket`;
        if (above >= lat.critical) add({ name: 'p95_latency', value: round(v, 1), status: 'critical', target, detail: `${beyond} (rollback above ${lat.critical} ms).` });
        else if (above >= lat.target && final) add({ name: 'p95_latency', value: round(v, 1), status: 'fail', target, detail: `${beyond}: not below the ${lat.target} ms target.` });
        else
          add({
            name: 'p95_latency',
            value: round(v, 1),
            status: 'no_data',
            target,
            detail: `${beyond}: the histogram cannot tell whether it is ${above >= lat.target ? `above the ${lat.critical} ms rollback threshold` : `below the ${lat.target} ms target`}.`,
          });
      } else if (shown > lat.critical) add({ name: 'p95_latency', value: round(v, 1), status: 'critical', target, detail: `p95 latency ${fmt(v, 0)} ms is above the ${lat.critical} ms rollback threshold.` });
      else if (shown >= lat.target) add({ name: 'p95_latency', value: round(v, 1), status: missStatus, target, detail: `p95 latency ${fmt(v, 0)} ms is not below the ${lat.target} ms target.` });
      else add({ name: 'p95_latency', value: round(v, 1), status: 'pass', target, detail: `${fmt(v, 0)} ms` });
    }
  }

  // sustained breaches from the per-minute series
  sustained(
    'sustained_success_rate',
    e.successRateSeries,
    (v) => round(v, 4) < sr.critical,
    sr.sustainedMinutes,
    `no run > ${sr.sustainedMinutes} ${min} below ${sr.critical}%`,
    (m, from) => `Success rate was below ${sr.critical}% for ${consecutive(m)} from ${iso(from)} (rollback after more than ${sr.sustainedMinutes}${scaled ? ' scaled minutes' : ''}).`,
  );
  // histogram_quantile answers the largest finite bound for a p95 in the +Inf bucket: when that
  // bound is the 5 s threshold itself, such a minute is above it, not at it
  const largestBound = e.latencyBuckets?.ok ? largestFiniteBound(e.latencyBuckets.value) : null;
  sustained(
    'sustained_p95_latency',
    e.p95Series,
    (v) => round(v * 1000, 1) > lat.critical || (largestBound !== null && v === largestBound && largestBound * 1000 >= lat.critical),
    lat.sustainedMinutes,
    `no run > ${lat.sustainedMinutes} ${min} above ${lat.critical} ms`,
    (m, from) => `p95 latency was above ${lat.critical} ms for ${consecutive(m)} from ${iso(from)} (rollback after more than ${lat.sustainedMinutes}${scaled ? ' scaled minutes' : ''}).`,
  );

  function consecutive(m: number): string {
    return scaled ? said(m).replace('scaled minutes', 'consecutive scaled minutes') : `${fmt(m)} consecutive minutes`;
  }

  function sustained(name: string, series: Measured<readonly Point[]>, bad: (v: number) => boolean, limit: number, target: string, say: (m: number, from: number) => string) {
    if (!series.ok) {
      add({ name, value: null, status: 'no_data', target, detail: `${name.replace(/_/g, ' ')}: ${series.reason}.` });
      return;
    }
    const finite = series.value.filter(([, v]) => !Number.isNaN(v));
    if (finite.length === 0) {
      add({ name, value: null, status: 'no_data', target, detail: `${name.replace(/_/g, ' ')}: the ${scaled ? `per-${times.seriesStepSeconds}s` : 'per-minute'} series has no values.` });
      return;
    }
    const realRun = longestRunMinutes(series.value, bad, times.seriesStepSeconds);
    const run = { minutes: toScaled(realRun.minutes), from: realRun.from };
    // with too few deliveries a 5m rate is noise, in both directions
    if (lowTraffic) add({ name, value: run.minutes, status: 'no_data', target, detail: `${name.replace(/_/g, ' ')} is ${lowTrafficNote}.` });
    else if (run.minutes > limit) add({ name, value: run.minutes, status: 'critical', target, detail: say(run.minutes, run.from!) });
    else add({ name, value: run.minutes, status: 'pass', target, detail: run.minutes ? `longest run ${fmt(run.minutes)} ${min}` : 'no breach' });
  }

  // circuit breaker opens: target pro-rated to the window, rollback above the daily limit
  let cbOpens: number | null = null;
  {
    const allowed = (cb.target * windowMinutes) / DAY_MINUTES;
    const day = scaled ? 'scaled day' : 'day';
    const target = `< ${fmt(allowed, 3)} in ${fmt(windowMinutes, 0)} ${min} (${cb.target}/${day}; rollback > ${cb.critical} in any ${scaled ? 'scaled ' : ''}24h)`;
    const long = windowMinutes > DAY_MINUTES;
    if (!e.cbOpens.ok) {
      add({ name: 'circuit_breaker_opens', value: null, status: 'no_data', target, detail: `Circuit breaker opens: ${e.cbOpens.reason}.` });
    } else if (!isNumber(e.cbOpens.value)) {
      add({ name: 'circuit_breaker_opens', value: null, status: 'no_data', target, detail: 'Circuit breaker opens are NaN.' });
    } else {
      // opens are whole events; increase() extrapolates to the window's edges
      const v = Math.round(e.cbOpens.value);
      cbOpens = v;
      const max24 = long ? e.cbOpensMax24h : measured(v);
      if (max24 && max24.ok && isNumber(max24.value) && Math.round(max24.value) > cb.critical) {
        const m = Math.round(max24.value);
        add({
          name: 'circuit_breaker_opens',
          value: v,
          status: 'critical',
          target,
          detail: long
            ? `Circuit breakers opened ${m} times within ${scaled ? `a scaled 24h (${times.daySeconds} s at time scale ${showScale(scale)})` : '24h'} (rollback above ${cb.critical} in any ${scaled ? 'scaled ' : ''}24h).`
            : `Circuit breakers opened ${v} times in the window (rollback above ${cb.critical}).`,
        });
      } else if (!max24 || !max24.ok || !isNumber(max24.value)) {
        add({
          name: 'circuit_breaker_opens',
          value: v,
          status: 'no_data',
          target,
          detail: `Circuit breaker opens in the worst ${scaled ? 'scaled ' : ''}24h: ${max24 && !max24.ok ? max24.reason : 'not measured'}.`,
        });
      } else if (v >= allowed) {
        add({ name: 'circuit_breaker_opens', value: v, status: missStatus, target, detail: `Circuit breakers opened ${v} times, not below the ${fmt(allowed, 3)} allowed in ${fmt(windowMinutes, 0)} ${minutesWord} (${cb.target} per ${day}).` });
      } else {
        add({ name: 'circuit_breaker_opens', value: v, status: 'pass', target, detail: `${v} opens` });
      }
    }
  }

  // PII: any leak is a rollback
  let pii: number | null = null;
  const skipped: string[] = [];
  {
    const target = `${canaryGates.piiLeaks.target} lines`;
    if (e.piiLeaks === 'skipped') {
      skipped.push('pii');
      checks.push({ name: 'pii_leaks', value: null, status: 'no_data', target, detail: 'skipped (--skip pii)' });
      reasons.push('The PII scan was skipped (--skip pii).');
    } else if (!e.piiLeaks.ok) {
      add({ name: 'pii_leaks', value: null, status: 'no_data', target, detail: `PII scan: ${e.piiLeaks.reason}.` });
    } else {
      // a leak found is a rollback whatever else the scan could not read; a clean scan with
      // problems (read errors, logs not covering the window) proves nothing
      const problems = e.piiProblems ?? [];
      const found = e.piiLeaks.value;
      if (found > canaryGates.piiLeaks.critical) {
        pii = found;
        const also = problems.length ? ` The scan also reports: ${problems.join('; ')}.` : '';
        add({ name: 'pii_leaks', value: pii, status: 'critical', target, detail: `${pii} log lines contain personal data (any leak is a rollback).${also}` });
      } else if (problems.length) add({ name: 'pii_leaks', value: null, status: 'no_data', target, detail: `PII scan: ${problems.join('; ')}.` });
      else {
        pii = found;
        add({ name: 'pii_leaks', value: pii, status: 'pass', target, detail: 'no PII in the logs' });
      }
    }
  }

  // critical alerts: any of ours firing in the window misses the target
  let alerts: number | null = null;
  {
    const target = '0 fired';
    if (!e.criticalAlerts.ok) {
      add({ name: 'critical_alerts', value: null, status: 'no_data', target, detail: `Critical alerts: ${e.criticalAlerts.reason}.` });
    } else {
      const names = [...new Set(e.criticalAlerts.value)].sort();
      alerts = names.length;
      if (alerts > 0) add({ name: 'critical_alerts', value: alerts, status: missStatus, target, detail: `Critical alerts fired in the window: ${names.join(', ')}.` });
      else add({ name: 'critical_alerts', value: 0, status: 'pass', target, detail: 'none fired' });
    }
  }

  const verdict = verdictOf(checks, final, skipped);
  const next_phase = verdict === 'promote' ? (rule.phase.next ?? e.phase) : verdict === 'rollback' ? 0 : e.phase;
  return {
    verdict,
    checkpoint: e.checkpoint,
    phase: e.phase,
    next_phase,
    final,
    metrics: {
      success_rate: successRate === null ? null : round(successRate, 4),
      p95_ms: p95Ms === null ? null : round(p95Ms, 1),
      cb_opens: cbOpens,
      pii_leaks: pii,
      critical_alerts: alerts,
      deliveries: deliveries === null ? null : round(deliveries, 2),
    },
    checks,
    reasons,
    skipped,
    time_scale: scale,
  };
}

/**
 * rollback > inconclusive > marginal. A critical breach is a rollback whatever else is
 * missing; at the final checkpoint so is any missed target, because promotion is then
 * impossible whatever the missing evidence would have said.
 */
export function verdictOf(checks: readonly Check[], final: boolean, skipped: readonly string[] = []): Verdict {
  const judged = checks.filter((c) => !(c.status === 'no_data' && skipped.includes(skippedKey(c.name))));
  if (judged.some((c) => c.status === 'critical')) return 'rollback';
  if (final && judged.some((c) => c.status === 'fail')) return 'rollback';
  if (judged.some((c) => c.status === 'no_data')) return 'inconclusive';
  if (judged.some((c) => c.status === 'warn' || c.status === 'fail')) return final ? 'rollback' : 'marginal';
  return final ? 'promote' : 'continue';
}

function largestFiniteBound(buckets: readonly (readonly [number, number])[]): number | null {
  const finite = buckets.map(([le]) => le).filter((le) => Number.isFinite(le));
  return finite.length ? Math.max(...finite) : null;
}

function skippedKey(checkName: string): string {
  return checkName === 'pii_leaks' ? 'pii' : checkName;
}

function round(n: number, digits: number): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
