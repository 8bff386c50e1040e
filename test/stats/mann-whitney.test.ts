// The Mann-Whitney module against scipy 1.17's `mannwhitneyu(x, y, alternative=...,
// method='asymptotic', use_continuity=True)`. For every case the test writes out the rank
// sum of x (ranks in the pooled sample, ties averaged) and the tie groups; U, the tie-corrected
// sigma and the continuity-corrected z follow from them here by the textbook formulas, and
// `p` is the p-value scipy printed for the same samples.
import { describe, expect, it } from 'vitest';
import { compareSamples, mannWhitneyU, meanRatio, shiftEstimate, shiftStatistic, type Alternative } from '../../src/stats/mann-whitney.ts';
import { normalCdf, normalQuantile, normalSf } from '../../src/stats/normal.ts';

interface RefCase {
  name: string;
  x: number[];
  y: number[];
  alternative: Alternative;
  /** Sum of x's ranks, written out. */
  r1: number;
  /** Size of each group of equal values in the pooled sample. */
  ties: number[];
  /** scipy's p-value. */
  p: number;
}

const cases: RefCase[] = [
  { name: 'no ties, x above', x: [8, 9, 10, 11], y: [1, 2, 3, 4, 5], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 6 + 7 + 8 + 9,
    ties: [], // no ties
    p: 0.019964453305216043 },
  { name: 'no ties, interleaved', x: [1, 4, 6, 9], y: [2, 3, 7, 8], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 1 + 4 + 5 + 8,
    ties: [], // no ties
    p: 1.0 },
  { name: 'no ties, greater', x: [12, 15, 17, 20, 22], y: [10, 11, 13, 14, 16], alternative: 'greater',
    // ranks of x in the pooled sample
    r1: 3 + 6 + 8 + 9 + 10,
    ties: [], // no ties
    p: 0.047346471299737944 },
  { name: 'no ties, less', x: [12, 15, 17, 20, 22], y: [10, 11, 13, 14, 16], alternative: 'less',
    // ranks of x in the pooled sample
    r1: 3 + 6 + 8 + 9 + 10,
    ties: [], // no ties
    p: 0.9699485970305668 },
  { name: 'one tie across samples', x: [3, 5, 7, 9], y: [1, 5, 6, 8, 10], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 2 + 3.5 + 6 + 8,
    ties: [2], // 5 x2
    p: 1.0 },
  { name: 'tie group of three', x: [2, 2, 4, 6], y: [2, 3, 5, 7, 8], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 2 + 2 + 5 + 7,
    ties: [3], // 2 x3
    p: 0.383220631285644 },
  { name: 'many ties, percents', x: [100, 100, 99.5, 99, 100, 98.5], y: [100, 97, 96.5, 100, 98, 97.5], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 10 + 10 + 7 + 6 + 10 + 5,
    ties: [5], // 100 x5
    p: 0.15814709582676878 },
  { name: 'many ties, greater', x: [100, 100, 99.5, 99, 100, 98.5], y: [100, 97, 96.5, 100, 98, 97.5], alternative: 'greater',
    // ranks of x in the pooled sample
    r1: 10 + 10 + 7 + 6 + 10 + 5,
    ties: [5], // 100 x5
    p: 0.07907354791338439 },
  { name: 'many ties, less', x: [100, 100, 99.5, 99, 100, 98.5], y: [100, 97, 96.5, 100, 98, 97.5], alternative: 'less',
    // ranks of x in the pooled sample
    r1: 10 + 10 + 7 + 6 + 10 + 5,
    ties: [5], // 100 x5
    p: 0.9426447608939066 },
  { name: 'unequal sizes', x: [0.41, 0.44, 0.39], y: [0.4, 0.42, 0.45, 0.47, 0.43, 0.46, 0.48], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 3 + 6 + 1,
    ties: [], // no ties
    p: 0.17146020606432744 },
  { name: 'latency ms, canary slower', x: [420, 450, 480, 510, 530, 560, 610, 640], y: [380, 400, 410, 430, 440, 455, 470, 490], alternative: 'greater',
    // ranks of x in the pooled sample
    r1: 4 + 7 + 10 + 12 + 13 + 14 + 15 + 16,
    ties: [], // no ties
    p: 0.009064503932485991 },
  { name: 'identical samples', x: [1, 2, 3], y: [1, 2, 3], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 1.5 + 3.5 + 5.5,
    ties: [2, 2, 2], // 1 x2, 2 x2, 3 x2
    p: 1.0 },
  { name: 'U at the mean', x: [1, 4], y: [2, 3], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 1 + 4,
    ties: [], // no ties
    p: 1.0 },
  { name: 'single values', x: [5], y: [3], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 2,
    ties: [], // no ties
    p: 1.0 },
  { name: 'single vs many', x: [10], y: [1, 2, 3, 4, 5, 6, 7, 8, 9], alternative: 'greater',
    // ranks of x in the pooled sample
    r1: 10,
    ties: [], // no ties
    p: 0.08186717716229608 },
  { name: 'two values only', x: [0, 0, 1, 1, 1], y: [0, 0, 0, 1], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 3 + 3 + 7.5 + 7.5 + 7.5,
    ties: [5, 4], // 0 x5, 1 x4
    p: 0.3961439091520741 },
  { name: 'negative numbers', x: [-3.5, -1.25, -0.5, 2], y: [-4, -2.75, -2, -1, -0.75], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 2 + 5 + 8 + 9,
    ties: [], // no ties
    p: 0.3912672792826394 },
  { name: 'x all below', x: [1, 2, 3, 4, 5, 6], y: [7, 8, 9, 10, 11, 12], alternative: 'less',
    // ranks of x in the pooled sample
    r1: 1 + 2 + 3 + 4 + 5 + 6,
    ties: [], // no ties
    p: 0.0025374340489701264 },
  { name: 'x all below, two-sided', x: [1, 2, 3, 4, 5, 6], y: [7, 8, 9, 10, 11, 12], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 1 + 2 + 3 + 4 + 5 + 6,
    ties: [], // no ties
    p: 0.005074868097940253 },
  { name: '30 vs 30 deterministic', x: [0.0, 7.5, 2.0, 8.0, 2.5, 10.0, 3.0, 10.5, 5.0, 11.0, 5.5, 13.0, 6.0, 0.5, 8.0, 1.0, 8.5, 3.0, 9.0, 3.5, 11.0, 4.0, 11.5, 6.0, 12.0, 6.5, 1.0, 7.0, 1.5, 9.0], y: [1, 6, 11, 5, 10, 4, 9, 3, 8, 2, 7, 1, 6, 11, 5, 10, 4, 9, 3, 8, 2, 7, 1, 6, 11, 5, 10, 4, 9, 3], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 1 + 37 + 10 + 39.5 + 12 + 49.5 + 15 + 52 + 24.5 + 55 + 27 + 60 + 30 + 2 + 39.5 + 5 + 42 + 15 + 45 + 18 + 55 + 20.5 + 58 + 30 + 59 + 33 + 5 + 35 + 8 + 45,
    ties: [5, 3, 5, 4, 4, 5, 3, 4, 5, 4, 5], // 1 x5, 2 x3, 3 x5, 4 x4, 5 x4, 6 x5, 7 x3, 8 x4, 9 x5, 10 x4, 11 x5
    p: 0.8588965262250972 },
  { name: '30 vs 30 greater', x: [0.0, 7.5, 2.0, 8.0, 2.5, 10.0, 3.0, 10.5, 5.0, 11.0, 5.5, 13.0, 6.0, 0.5, 8.0, 1.0, 8.5, 3.0, 9.0, 3.5, 11.0, 4.0, 11.5, 6.0, 12.0, 6.5, 1.0, 7.0, 1.5, 9.0], y: [1, 6, 11, 5, 10, 4, 9, 3, 8, 2, 7, 1, 6, 11, 5, 10, 4, 9, 3, 8, 2, 7, 1, 6, 11, 5, 10, 4, 9, 3], alternative: 'greater',
    // ranks of x in the pooled sample
    r1: 1 + 37 + 10 + 39.5 + 12 + 49.5 + 15 + 52 + 24.5 + 55 + 27 + 60 + 30 + 2 + 39.5 + 5 + 42 + 15 + 45 + 18 + 55 + 20.5 + 58 + 30 + 59 + 33 + 5 + 35 + 8 + 45,
    ties: [5, 3, 5, 4, 4, 5, 3, 4, 5, 4, 5], // 1 x5, 2 x3, 3 x5, 4 x4, 5 x4, 6 x5, 7 x3, 8 x4, 9 x5, 10 x4, 11 x5
    p: 0.4294482631125486 },
  { name: 'all tied', x: [4, 4, 4], y: [4, 4], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 3 + 3 + 3,
    ties: [5], // 4 x5
    p: 1.0 },
  { name: 'p capped at 1', x: [1, 2, 3, 4], y: [1, 2, 3, 4, 2.5], alternative: 'two-sided',
    // ranks of x in the pooled sample
    r1: 1.5 + 3.5 + 6.5 + 8.5,
    ties: [2, 2, 2, 2], // 1 x2, 2 x2, 3 x2, 4 x2
    p: 1.0 },
];

describe('mannWhitneyU matches scipy (asymptotic, continuity-corrected)', () => {
  it('has at least 20 reference cases', () => expect(cases.length).toBeGreaterThanOrEqual(20));
  for (const c of cases) {
    it(c.name, () => {
      const n1 = c.x.length;
      const n2 = c.y.length;
      const n = n1 + n2;
      // hand formulas: U1 = R1 - n1(n1+1)/2, ties T = sum(t^3 - t), sigma^2 = n1 n2/12 ((n+1) - T/(n(n-1)))
      const u1 = c.r1 - (n1 * (n1 + 1)) / 2;
      const tieTerm = c.ties.reduce((s, t) => s + t ** 3 - t, 0);
      const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
      const u = c.alternative === 'greater' ? u1 : c.alternative === 'less' ? n1 * n2 - u1 : Math.max(u1, n1 * n2 - u1);
      const z = (u - (n1 * n2) / 2 - 0.5) / sigma;

      const r = mannWhitneyU(c.x, c.y, c.alternative);
      expect(r.rankSum1).toBe(c.r1);
      expect(r.u1).toBe(u1);
      expect(r.u2).toBe(n1 * n2 - u1);
      expect(r.tieTerm).toBe(tieTerm);
      expect(r.sigma).toBeCloseTo(sigma, 12);
      if (Number.isFinite(z)) expect(r.z).toBeCloseTo(z, 12);
      else expect(r.z).toBe(z);
      // scipy prints 16-17 significant digits; the normal tail here agrees to ~1e-14 relative
      expect(Math.abs(r.pValue - c.p)).toBeLessThanOrEqual(1e-13 * Math.max(c.p, 1e-300) + 1e-15);
    });
  }

  it('without the continuity correction, all ties give NaN (scipy: nan)', () => {
    const r = mannWhitneyU([4, 4, 4], [4, 4], 'two-sided', false);
    expect(r.sigma).toBe(0);
    expect(Number.isNaN(r.pValue)).toBe(true);
  });

  it('refuses empty samples and non-numbers', () => {
    expect(() => mannWhitneyU([], [1])).toThrow(/first sample is empty/);
    expect(() => mannWhitneyU([1], [Number.NaN])).toThrow(/not a finite number/);
  });
});

describe('the normal distribution', () => {
  // table values (scipy.stats.norm)
  it('tails and quantiles', () => {
    expect(normalSf(0)).toBe(0.5);
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 15);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 15);
    expect(normalSf(3)).toBeCloseTo(0.0013498980316300946, 16);
    expect(normalSf(8) / 6.22096057427178e-16).toBeCloseTo(1, 12);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263478740408408, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 9);
  });
});

/** Pairwise differences x_i - y_j, ascending. */
const differences = (x: number[], y: number[]) => x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);

describe('shift estimate and interval (Kayenta / R wilcox.test asymptotic)', () => {
  it('an even number of differences without ties: the estimate is their median (Hodges-Lehmann)', () => {
    const x = [8, 9, 10, 11];
    const y = [1, 2, 3, 4, 5];
    const d = differences(x, y); // 20 differences: 3,4,4,5,5,5,...
    const e = shiftEstimate(x, y, 0.98);
    expect(e.estimate).toBeCloseTo((d[9] + d[10]) / 2, 9);
  });

  it('an odd number of differences: the middle of the shifts where the corrected statistic is 0', () => {
    const x = [0.41, 0.44, 0.39];
    const y = [0.4, 0.42, 0.45, 0.47, 0.43, 0.46, 0.48];
    const d = differences(x, y); // 21 differences
    // U(mu) = #{d > mu}; dz = U - 10.5, corrected to 0 for U = 10 and U = 11: mu in [d(10), d(12)] (1-based)
    const e = shiftEstimate(x, y, 0.98);
    expect(e.estimate).toBeCloseTo((d[9] + d[11]) / 2, 9);
  });

  it('the bounds are the differences where the corrected z crosses +-z(0.99)', () => {
    const x = [420, 450, 480, 510, 530, 560, 610, 640];
    const y = [380, 400, 410, 430, 440, 455, 470, 490];
    const d = differences(x, y);
    const n = d.length; // 64
    const sigma = Math.sqrt((8 * 8 * 17) / 12);
    const zq = 2.3263478740408408;
    // lower bound: the largest shift that still leaves (U - 32 - 0.5)/sigma >= zq, with U = #{d > mu}
    const needU = Math.ceil(32 + 0.5 + zq * sigma); // 32.5 + 2.326 * 9.522 = 54.65: 55
    const lower = d[n - needU]; // at d[n - needU] itself U = needU - 1 + 0.5 (a tie with one difference)
    const upper = d[needU - 1];
    const e = shiftEstimate(x, y, 0.98);
    expect(needU).toBe(55);
    expect(e.lower).toBeCloseTo(lower, 6);
    expect(e.upper).toBeCloseTo(upper, 6);
    expect(e.lower).toBeLessThan(e.estimate);
    expect(e.upper).toBeGreaterThan(e.estimate);
    // the statistic falls through the quantile at the bounds
    expect(shiftStatistic(e.lower - 1e-6, zq, x, y)).toBeGreaterThan(0);
    expect(shiftStatistic(e.lower + 1e-6, zq, x, y)).toBeLessThan(0);
  });

  it('a wider confidence gives a wider interval', () => {
    const x = [420, 450, 480, 510, 530, 560, 610, 640];
    const y = [380, 400, 410, 430, 440, 455, 470, 490];
    const a = shiftEstimate(x, y, 0.9);
    const b = shiftEstimate(x, y, 0.98);
    expect(b.lower).toBeLessThanOrEqual(a.lower);
    expect(b.upper).toBeGreaterThanOrEqual(a.upper);
  });

  it('refuses a confidence outside (0, 1)', () => {
    expect(() => shiftEstimate([1], [2], 1)).toThrow(/confidence/);
  });
});

describe("compareSamples: Kayenta's classification", () => {
  const kayenta = { confidence: 0.98, tolerance: 0.25, allowedIncrease: 1, allowedDecrease: 1 };
  const base = Array.from({ length: 30 }, (_, i) => 400 + ((i * 37) % 50));

  it('high when the canary is clearly above the baseline', () => {
    const canary = base.map((v) => v * 1.5);
    const c = compareSamples(base, canary, kayenta);
    expect(c.classification).toBe('high');
    expect(c.effectSize).toBeCloseTo(1.5, 12);
    expect(c.lower!).toBeGreaterThan(0.25 * Math.abs(c.estimate!));
    expect(c.experimentCount).toBe(30);
    expect(c.controlCount).toBe(30);
  });

  it('low when clearly below', () => {
    const c = compareSamples(base, base.map((v) => v * 0.7), kayenta);
    expect(c.classification).toBe('low');
  });

  it('pass for a shifted copy inside the noise', () => {
    const c = compareSamples(base, base.map((v, i) => v + (i % 2 ? 3 : -3)), kayenta);
    expect(c.classification).toBe('pass');
  });

  it('the effect size gate: significant but within the allowed increase passes', () => {
    const canary = base.map((v) => v * 1.5);
    expect(compareSamples(base, canary, { ...kayenta, allowedIncrease: 1.6 }).classification).toBe('pass');
    expect(compareSamples(base, canary, { ...kayenta, allowedIncrease: 1.4 }).classification).toBe('high');
  });

  it('nodata when a side is empty; identical or single-valued data passes without a test', () => {
    expect(compareSamples([], base, kayenta).classification).toBe('nodata');
    expect(compareSamples(base, [], kayenta).classification).toBe('nodata');
    expect(compareSamples(base, [...base].reverse(), kayenta)).toMatchObject({ classification: 'pass', effectSize: 1 });
    expect(compareSamples([100, 100], [100, 100, 100], kayenta)).toMatchObject({ classification: 'pass', estimate: 0 });
  });

  it('two constant but different samples still compare (no noise needed)', () => {
    const c = compareSamples(Array(20).fill(99.5), Array(20).fill(90), kayenta);
    expect(c.classification).toBe('low');
    expect(c.effectSize).toBeCloseTo(90 / 99.5, 12);
  });

  it('mean ratio is 1 when the control mean is 0', () => {
    expect(meanRatio([0, 0], [1, 2])).toBe(1);
    expect(meanRatio([2, 4], [3, 3])).toBe(1);
  });
});
