// The pure parts of SLO generation: bucket-bound regexes, windows per period, the result labels of a
// raw query, and what is recorded (nothing nobody reads).
import { describe, expect, it } from 'vitest';
import { bucketBoundPattern, goFloat, recordedWindows, resultLabels, sloRecordingGroups, windowsSpecFor, type SloDef } from '../../src/index.ts';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';

const labelsOf = (q: string) => {
  const s = resultLabels(q);
  return s.kind === 'labels' ? [...s.labels].sort() : s.kind;
};

describe('bucket bounds in both forms', () => {
  it('matches what clients and Prometheus 3 write, and nothing else', () => {
    const cases: [number, string[], string[]][] = [
      [2, ['2', '2.0'], ['20', '2.5', '2.00']],
      [0.25, ['0.25'], ['0.250', '0x25']],
      [10, ['10', '10.0'], ['1', '100']],
      [1e-5, ['1e-05'], ['0.00001']],
      [1e6, ['1e+06'], ['1000000']],
    ];
    for (const [le, yes, no] of cases) {
      const re = new RegExp(`^(?:${bucketBoundPattern(le)})$`);
      for (const y of yes) expect(re.test(y), `${le} ~ ${y}`).toBe(true);
      for (const n of no) expect(re.test(n), `${le} !~ ${n}`).toBe(false);
    }
    expect(bucketBoundPattern(2)).toBe('2(\\.0)?');
  });

  it("formats like Go's shortest float", () => {
    expect([0.005, 0.1, 2.5, 100000, 1234567, 0.00001].map(goFloat)).toEqual(['0.005', '0.1', '2.5', '100000', '1.234567e+06', '1e-05']);
  });
});

describe('windows per period', () => {
  const slo = runbook.slos[0];
  it('finds the spec by length (4w is 28d), the SLO’s own first, else none', () => {
    expect(windowsSpecFor({ timeWindow: '4w' }, runbook.burnPolicy)?.sloPeriod).toBe('28d');
    expect(windowsSpecFor({ timeWindow: '7d' }, runbook.burnPolicy)).toBeNull();
    const own = { ...runbook.burnPolicy.windows[0], sloPeriod: '7d' };
    expect(windowsSpecFor({ timeWindow: '7d', alertWindows: own }, runbook.burnPolicy)).toBe(own);
  });

  it('records the alert windows and the period, nothing else', () => {
    expect(recordedWindows(runbook.burnPolicy.windows[0], '30d')).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    const slo28: SloDef = { ...slo, timeWindow: '28d' };
    const records = sloRecordingGroups(slo28, runbook.burnPolicy)[0].rules.map((r) => r.record);
    expect(records).toContain('slo:sli_error:ratio_rate28d');
    expect(records).not.toContain('slo:sli_error:ratio_rate30d');
  });
});

describe('result labels of a query', () => {
  it('follows aggregations, matching and functions', () => {
    expect(labelsOf('sum by (track) (rate(a[5m])) / sum by (track) (rate(b[5m]))')).toEqual(['track']);
    expect(labelsOf('1 - (sum by (track) (rate(a[5m])) / sum by (track) (rate(b[5m])))')).toEqual(['track']);
    expect(labelsOf('sum(rate(a[5m])) / sum(rate(b[5m]))')).toEqual([]);
    expect(labelsOf('sum by (track, job) (rate(a[5m])) / ignoring (job) group_left sum by (track) (rate(b[5m]))')).toEqual(['job', 'track']);
    expect(labelsOf('sum by (track, job) (rate(a[5m])) / on (track) sum by (track, job) (rate(b[5m]))')).toEqual(['track']);
    expect(labelsOf('clamp_max(sum by (track) (rate(a[5m])) / sum by (track) (rate(b[5m])), 1)')).toEqual(['track']);
    expect(labelsOf('(sum by (track) (rate(a[5m])) or 0 * sum by (track) (rate(b[5m]))) / sum by (track) (rate(b[5m]))')).toEqual(['track']);
    expect(labelsOf('rate(a[5m])')).toBe('unknown');
    expect(labelsOf('sum without (instance) (rate(a[5m]))')).toBe('unknown');
    expect(labelsOf('topk(1, sum by (track) (rate(a[5m])))')).toBe('unknown');
    expect(labelsOf('sum by (job) (rate(a[5m])) / sum by (track) (rate(b[5m]))')).toBe('unknown');
    expect(labelsOf('0.5')).toBe('scalar');
  });
});
