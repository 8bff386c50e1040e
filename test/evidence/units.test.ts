// The pure parts of the evidence: quantiles, hourly slicing, bundles, manifest drift,
// alert filtering, selectors and charts.
import { describe, expect, it } from 'vitest';
import { histogramQuantile, hourlySnapshots, hourlySteps, bundleGroups, finishedHours } from '../../src/evidence/hourly.ts';
import { compareEntries } from '../../src/evidence/manifest.ts';
import { activeAlerts, firedAlerts } from '../../src/evidence/alerts.ts';
import { ownAlerts, firingAlertsQuery, hourlyQueries } from '../../src/evidence/queries.ts';
import { attemptBars } from '../../src/evidence/fetch.ts';
import { verdictProblems } from '../../src/evidence/verdict.ts';
import { lineChart, barChart, niceTicks } from '../../src/charts/svg.ts';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alerts.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

const T = 1_700_000_000;

describe('histogramQuantile', () => {
  const b = (pairs: [number, number][]) => pairs.map(([le, count]) => ({ le, count }));
  it('interpolates inside the bucket holding the rank, like Prometheus', () => {
    // 100 observations: 60 <= 0.1, 90 <= 0.25, 100 <= 0.5 → rank 95 is halfway through (0.25, 0.5]
    expect(histogramQuantile(0.95, b([[0.1, 60], [0.25, 90], [0.5, 100], [Infinity, 100]]))).toBeCloseTo(0.375, 10);
    expect(histogramQuantile(0.5, b([[1, 100], [Infinity, 100]]))).toBeCloseTo(0.5, 10);
  });
  it('answers the highest finite bound when the rank is in +Inf, NaN without observations', () => {
    expect(histogramQuantile(0.95, b([[1, 10], [5, 50], [Infinity, 100]]))).toBe(5);
    expect(histogramQuantile(0.95, b([[1, 0], [Infinity, 0]]))).toBeNaN();
    expect(histogramQuantile(0.95, b([[1, 10]]))).toBeNaN();
  });
  it('repairs buckets that decrease (extrapolated increases)', () => {
    // le=2 dips below le=1: counted as 50, so rank 60 sits 10/30 into (2, 3]
    expect(histogramQuantile(0.6, b([[1, 50], [2, 40], [3, 80], [Infinity, 100]]))).toBeCloseTo(2 + 1 / 3, 10);
  });
});

describe('hourly snapshots', () => {
  const window = { start: T, end: T + 3 * 3600 + 1200 };
  it('slices finished hours only and evaluates at each hour end', () => {
    expect(finishedHours(window)).toBe(3);
    expect(hourlySteps(window)).toEqual({ start: T + 3600, end: T + 3 * 3600, step: 3600 });
    expect(hourlySteps({ start: T, end: T + 1800 })).toBeNull();
  });
  it('keeps an hour without samples as nulls, not zeros', () => {
    const s = hourlySnapshots({
      window,
      deliveries: [[T + 3600, 1000], [T + 3 * 3600, 500]],
      successes: [[T + 3600, 950], [T + 3 * 3600, 500]],
      cbOpens: [[T + 3600, 0.98], [T + 3 * 3600, 2.04]],
      durationBuckets: [
        { le: 1, points: [[T + 3600, 900], [T + 3 * 3600, 500]] },
        { le: Infinity, points: [[T + 3600, 1000], [T + 3 * 3600, 500]] },
      ],
    });
    expect(s.map((h) => h.label)).toEqual(['T+0h', 'T+1h', 'T+2h']);
    expect(s[0]).toMatchObject({ deliveries: 1000, success_rate: 95, cb_opens: 1, p95_ms: 1000 });
    expect(s[1]).toMatchObject({ deliveries: null, success_rate: null, p95_ms: null, cb_opens: null });
    expect(s[2]).toMatchObject({ deliveries: 500, success_rate: 100, cb_opens: 2 });
    expect(s[2].window).toEqual({ start: new Date((T + 7200) * 1000).toISOString().replace('.000Z', 'Z'), end: new Date((T + 10800) * 1000).toISOString().replace('.000Z', 'Z') });
  });
  it('bundles only complete groups of six hours', () => {
    expect(bundleGroups(24)).toHaveLength(4);
    expect(bundleGroups(23)).toHaveLength(3);
    expect(bundleGroups(48)[7]).toEqual([42, 43, 44, 45, 46, 47]);
    expect(bundleGroups(5)).toEqual([]);
  });
});

describe('manifest drift', () => {
  it('tells changed, missing and extra apart', () => {
    const a = { sha256: 'a'.repeat(64), bytes: 1 };
    const b = { sha256: 'b'.repeat(64), bytes: 1 };
    const d = compareEntries([{ path: 'x', ...a }, { path: 'y', ...a }, { path: 'z', ...a }], [{ path: 'x', ...a }, { path: 'y', ...b }, { path: 'w', ...a }]);
    expect(d).toEqual({ changed: ['y'], missing: ['z'], extra: ['w'], claims: [], grown: [] });
  });

  it('a journal that only grew is not a difference; one whose sealed part changed is', async () => {
    const { journalState } = await import('../../src/evidence/journal.ts');
    const { createHash } = await import('node:crypto');
    const sealedText = Buffer.from('2026-12-01T06:47:22Z - ROLLBACK INITIATED\n');
    const sealed = { path: 'rollback_log.txt', sha256: createHash('sha256').update(sealedText).digest('hex'), bytes: sealedText.length };
    const grown = Buffer.concat([sealedText, Buffer.from('2026-12-01T07:01:00Z - ROLLBACK COMPLETE\n')]);
    const edited = Buffer.from(sealedText.toString().replace('06:47', '06:40'));
    expect(journalState(sealed, sealedText)).toEqual({ state: 'same' });
    expect(journalState(sealed, grown)).toEqual({ state: 'grown', lines: 1 });
    expect(journalState(sealed, edited)).toEqual({ state: 'changed' });
    expect(journalState(sealed, sealedText.subarray(0, 10))).toEqual({ state: 'changed' });
    const now = { path: 'rollback_log.txt', sha256: 'c'.repeat(64), bytes: grown.length };
    expect(compareEntries([sealed], [now], new Map([['rollback_log.txt', journalState(sealed, grown)]]))).toMatchObject({ changed: [], extra: [], grown: [{ path: 'rollback_log.txt', lines: 1 }] });
    expect(compareEntries([sealed], [now], new Map([['rollback_log.txt', journalState(sealed, edited)]]))).toMatchObject({ changed: ['rollback_log.txt'] });
    // another file that grew is changed: only the journal may grow
    expect(compareEntries([{ ...sealed, path: 'summary_T+2h.json' }], [{ ...now, path: 'summary_T+2h.json' }]).changed).toEqual(['summary_T+2h.json']);
  });
});

describe('alerts', () => {
  const own = ownAlerts(flagship);
  const crit = canaryAlertGroup.alerts.find((a) => a.severity === 'critical')!.name;
  it('keeps our alerts that fired, with first and last firing step', () => {
    const fired = firedAlerts(
      [
        { metric: { alertname: crit, alertstate: 'firing', severity: 'critical', team: 'platform' }, points: [[T, 0], [T + 60, 1], [T + 120, 1]] },
        { metric: { alertname: 'PaymentsApiDown', alertstate: 'firing', severity: 'critical' }, points: [[T, 1]] },
        { metric: { alertname: crit, alertstate: 'firing', severity: 'critical', instance: 'x' }, points: [[T, 0]] },
      ],
      60,
      own,
    );
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ alertname: crit, firing_minutes: 2, labels: { alertname: crit, severity: 'critical', team: 'platform' } });
    expect(fired[0].first_firing).toBe(new Date((T + 60) * 1000).toISOString().replace('.000Z', 'Z'));
  });
  it("filters Alertmanager's list to our critical and warning alerts", () => {
    const am = activeAlerts(
      [
        { labels: { alertname: crit, severity: 'critical' }, startsAt: '2025-01-01T00:00:00Z', status: { state: 'active' } },
        { labels: { alertname: 'Other', severity: 'critical' } },
      ],
      own,
    );
    expect(am.map((a) => a.alertname)).toEqual([crit]);
    expect(() => activeAlerts({ error: 'x' }, own)).toThrow(/list/);
  });
  it('queries firing ALERTS of our names only', () => {
    const q = firingAlertsQuery(flagship, 60);
    expect(q).toMatch(/^max_over_time\(ALERTS\{alertname=~"[^"]+",alertstate="firing",severity=~"critical\|warning"\}\[59s\]\)$/);
    for (const a of canaryAlertGroup.alerts) expect(q).toContain(a.name);
  });
});

describe('selectors, attempts, verdict shape', () => {
  it('keeps a regex --selector as given in every query', () => {
    const q = hourlyQueries(flagship, '{job="webhook-sender",instance=~"webhook-sender-00[1-5]"}');
    for (const expr of Object.values(q)) expect(expr).toContain('{job="webhook-sender",instance=~"webhook-sender-00[1-5]"}');
  });
  it('turns cumulative attempt buckets into per-count bars', () => {
    const bars = attemptBars([
      { metric: { le: '1' }, value: 90 },
      { metric: { le: '2' }, value: 96 },
      { metric: { le: '3' }, value: 99 },
      { metric: { le: '4' }, value: 99 },
      { metric: { le: '5' }, value: 99 },
      { metric: { le: '6' }, value: 99 },
      { metric: { le: '+Inf' }, value: 100 },
    ]);
    expect(bars.map((b) => b.value)).toEqual([90, 6, 3, 0, 0, 0, 1]);
    expect(bars.at(-1)!.label).toBe('> 6');
  });
  it('names the first problem of a verdict that is not the gate contract', () => {
    expect(verdictProblems({}, flagship)[0]).toMatch(/verdict/);
    expect(verdictProblems([], flagship)).toEqual(['not a JSON object']);
  });
});

describe('svg charts', () => {
  it('draws thresholds, breaks the line at NaN, and says when there is no data', () => {
    const svg = lineChart({ title: 'S', unit: '%', points: [[T, 99], [T + 60, Number.NaN], [T + 120, 98]], thresholds: [{ value: 95, label: 't', kind: 'warn' }] });
    expect(svg).toMatch(/d="M[\d.]+,[\d.]+ M[\d.]+,[\d.]+"/);
    expect(svg).toContain('threshold-warn');
    expect(lineChart({ title: 'S', unit: '%', points: [] })).toContain('no data in the window');
    expect(barChart({ title: 'B', unit: 'n', bars: [] })).toContain('no data in the window');
    expect(lineChart({ title: '<x>', unit: '&', points: [[T, 1]] })).toContain('&lt;x&gt;');
  });
  it('picks round tick values', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(90, 100)).toEqual([90, 92, 94, 96, 98, 100]);
  });
});
