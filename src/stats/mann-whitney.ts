// The Mann-Whitney U test (Wilcoxon rank-sum), as scipy's `mannwhitneyu(x, y,
// method='asymptotic', use_continuity=True)` computes it, and the location-shift estimate
// with its confidence interval as Kayenta's classifier takes them (the asymptotic interval of
// R's `wilcox.test(conf.int=TRUE)`). Pure functions over number arrays; no I/O.
import { normalQuantile, normalSf } from './normal.ts';

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface MannWhitneyResult {
  /** scipy's statistic: U of the first sample, R1 - n1(n1+1)/2. */
  u1: number;
  /** U of the second sample, n1*n2 - U1. */
  u2: number;
  /** Sum of the first sample's ranks in the pooled data (ties get their average rank). */
  rankSum1: number;
  n1: number;
  n2: number;
  /** Sum over tie groups of t^3 - t (0 without ties). */
  tieTerm: number;
  /** Standard deviation of U under the null, with the tie correction. */
  sigma: number;
  /** z of the statistic the alternative uses, with the continuity correction. */
  z: number;
  pValue: number;
  alternative: Alternative;
}

/** Average ranks (1-based) of `values`; NaN is not allowed here (callers drop it). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    // positions i..j (0-based) share ranks i+1..j+1: their mean
    const r = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = r;
    i = j + 1;
  }
  return ranks;
}

/** Sum of t^3 - t over the groups of equal values. */
export function tieTerm(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let s = 0;
  for (const t of counts.values()) s += t * t * t - t;
  return s;
}

function sigmaOf(n1: number, n2: number, ties: number): number {
  const n = n1 + n2;
  return Math.sqrt(((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))));
}

function checkSample(name: string, s: readonly number[]): void {
  if (s.length === 0) throw new RangeError(`the ${name} sample is empty`);
  if (s.some((v) => !Number.isFinite(v))) throw new RangeError(`the ${name} sample holds a value that is not a finite number`);
}

/**
 * The U test of `x` against `y`. 'greater': x tends to be larger than y; 'less': smaller.
 * All values tied gives sigma 0: z is -Infinity with the continuity correction (p 1), NaN without.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided', continuity = true): MannWhitneyResult {
  checkSample('first', x);
  checkSample('second', y);
  const n1 = x.length;
  const n2 = y.length;
  const pooled = [...x, ...y];
  const ranks = averageRanks(pooled);
  let rankSum1 = 0;
  for (let i = 0; i < n1; i++) rankSum1 += ranks[i];
  const u1 = rankSum1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const ties = tieTerm(pooled);
  const sigma = sigmaOf(n1, n2, ties);
  const u = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const mu = (n1 * n2) / 2;
  // sigma 0 (every value tied) gives +-Infinity or NaN, and p follows, as in scipy
  const z = (u - mu - (continuity ? 0.5 : 0)) / sigma;
  let p = normalSf(z);
  if (alternative === 'two-sided') p *= 2;
  p = Math.min(1, Math.max(0, p));
  return { u1, u2, rankSum1, n1, n2, tieTerm: ties, sigma, z, pValue: p, alternative };
}

/**
 * The corrected, standardised rank statistic of `x - shift` against `y`, less `quantile`
 * (Kayenta's `wilcoxonDiff`). It falls as the shift grows; its zero for quantile 0 is the
 * shift estimate, its zeros for +-z(1 - alpha/2) the confidence bounds. When every value is
 * tied the statistic is 0 (there is no spread to standardise by, and no difference either).
 */
export function shiftStatistic(shift: number, quantile: number, x: readonly number[], y: readonly number[]): number {
  return shiftStatisticSorted(shift, quantile, [...x].sort((a, b) => a - b), [...y].sort((a, b) => a - b));
}

/**
 * The same on samples sorted ascending: shifting x keeps its order, so one merge of the two
 * gives the ranks, x's rank sum and the tie groups in O(n) (the interval search calls this
 * a few hundred times on up to 2 x 2880 points).
 */
function shiftStatisticSorted(shift: number, quantile: number, xs: readonly number[], ys: readonly number[]): number {
  const n1 = xs.length;
  const n2 = ys.length;
  let i = 0;
  let j = 0;
  let rank = 0;
  let r1 = 0;
  let ties = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && xs[i] - shift <= ys[j]) ? xs[i] - shift : ys[j];
    // the group of values equal to v, from both samples
    let fromX = 0;
    let fromY = 0;
    while (i < n1 && xs[i] - shift === v) {
      i++;
      fromX++;
    }
    while (j < n2 && ys[j] === v) {
      j++;
      fromY++;
    }
    const t = fromX + fromY;
    // ranks rank+1 .. rank+t share their mean
    r1 += fromX * (rank + (t + 1) / 2);
    ties += t * t * t - t;
    rank += t;
  }
  const dz = r1 - (n1 * (n1 + 1)) / 2 - (n1 * n2) / 2;
  const sigma = sigmaOf(n1, n2, ties);
  if (sigma === 0) return -quantile;
  return (dz - Math.sign(dz) * 0.5) / sigma - quantile;
}

/**
 * Where the falling step function f crosses 0 on [lo, hi]: the middle of the shifts where
 * it is exactly 0, else the step where it changes sign (bisection to float precision).
 */
function crossing(f: (m: number) => number, lo: number, hi: number): number {
  if (f(lo) <= 0) return lo;
  if (f(hi) >= 0) return hi;
  // first shift with f <= 0, and last shift with f >= 0
  const search = (pred: (m: number) => boolean) => {
    let a = lo;
    let b = hi;
    for (let i = 0; i < 200 && b - a > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)); i++) {
      const m = (a + b) / 2;
      if (pred(m)) b = m;
      else a = m;
    }
    return (a + b) / 2;
  };
  const first = search((m) => f(m) <= 0);
  const last = search((m) => f(m) < 0);
  return (first + last) / 2;
}

export interface ShiftEstimate {
  /** The shift of `x` against `y` that makes the rank statistic 0 (Hodges-Lehmann style). */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
}

/** The location shift of `x` over `y` and its two-sided confidence interval. */
export function shiftEstimate(x: readonly number[], y: readonly number[], confidence: number): ShiftEstimate {
  checkSample('first', x);
  checkSample('second', y);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`the confidence must be in (0, 1), got ${confidence}`);
  const xs = [...x].sort((a, b) => a - b);
  const ys = [...y].sort((a, b) => a - b);
  const lo = xs[0] - ys[ys.length - 1];
  const hi = xs[xs.length - 1] - ys[0];
  const zq = normalQuantile(1 - (1 - confidence) / 2);
  return {
    estimate: crossing((m) => shiftStatisticSorted(m, 0, xs, ys), lo, hi),
    lower: crossing((m) => shiftStatisticSorted(m, zq, xs, ys), lo, hi),
    upper: crossing((m) => shiftStatisticSorted(m, -zq, xs, ys), lo, hi),
    confidence,
  };
}

const mean = (s: readonly number[]) => s.reduce((a, b) => a + b, 0) / s.length;

/** Effect size as Kayenta measures it: mean(experiment) / mean(control); 1 when the control's mean is 0. */
export function meanRatio(control: readonly number[], experiment: readonly number[]): number {
  const c = mean(control);
  return c === 0 ? 1 : mean(experiment) / c;
}

export interface ComparisonSettings {
  /** Confidence of the interval (Kayenta: 0.98). */
  confidence: number;
  /** The interval must clear this share of |estimate| to count (Kayenta: 0.25). */
  tolerance: number;
  /** An increase counts only at a mean ratio of at least this (Kayenta: 1). */
  allowedIncrease: number;
  /** A decrease counts only at a mean ratio of at most this (Kayenta: 1). */
  allowedDecrease: number;
}

export type Classification = 'high' | 'low' | 'pass' | 'nodata';

export interface Comparison {
  classification: Classification;
  /** experiment - control shift, and its interval. */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  /** mean(experiment) / mean(control). */
  effectSize: number | null;
  experimentCount: number;
  controlCount: number;
  /** Two-sided U-test p-value (for the record; the decision reads the interval). */
  pValue: number | null;
}

/**
 * Kayenta's Mann-Whitney classification of an experiment (canary) against a control
 * (baseline): High when the whole interval lies above tolerance x |estimate| and the mean
 * ratio reaches allowedIncrease; Low the mirror image; Pass otherwise; Nodata when a side is
 * empty. Identical data, or a single value everywhere, is a Pass without a test.
 */
export function compareSamples(control: readonly number[], experiment: readonly number[], s: ComparisonSettings): Comparison {
  const base = { experimentCount: experiment.length, controlCount: control.length };
  if (experiment.length === 0 || control.length === 0) {
    return { classification: 'nodata', estimate: null, lower: null, upper: null, effectSize: null, pValue: null, ...base };
  }
  const sortedE = [...experiment].sort((a, b) => a - b);
  const sortedC = [...control].sort((a, b) => a - b);
  const identical = sortedE.length === sortedC.length && sortedE.every((v, i) => v === sortedC[i]);
  if (identical || new Set([...experiment, ...control]).size === 1) {
    return { classification: 'pass', estimate: 0, lower: 0, upper: 0, effectSize: 1, pValue: 1, ...base };
  }
  const shift = shiftEstimate(experiment, control, s.confidence);
  const effectSize = meanRatio(control, experiment);
  const bound = s.tolerance * Math.abs(shift.estimate);
  const high = shift.lower > bound && effectSize >= s.allowedIncrease;
  const low = shift.upper < -bound && effectSize <= s.allowedDecrease;
  const p = mannWhitneyU(experiment, control, 'two-sided').pValue;
  return {
    classification: high ? 'high' : low ? 'low' : 'pass',
    estimate: shift.estimate,
    lower: shift.lower,
    upper: shift.upper,
    effectSize,
    pValue: Number.isNaN(p) ? null : p,
    ...base,
  };
}
