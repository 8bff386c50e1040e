// `slogate backtest` against a real Prometheus whose history (backfilled with promtool)
// holds a known bad hour and a known slow day: the timeline must flip exactly there, agree
// with the gate run point by point, and fetch each series once.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestReport } from '../../src/backtest/index.ts';
import { runGate, verdictOf } from '../../src/gate/index.ts';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';
import { BACKTEST_T0 as T0, HOUR, backtestHistory } from '../harness/backtest-history.ts';
import { slogateAsync } from '../harness/cli.ts';
import { scenarioSamples } from '../harness/history.ts';
import { startPrometheus, type TsdbServer } from '../harness/tsdb-servers.ts';

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const h = (n: number) => T0 + n * HOUR;
const verdictAt = (r: BacktestReport, t: number) => r.points.find((p) => p.at === t)!.verdict;

describe('slogate backtest against a real Prometheus', () => {
  let server: TsdbServer;
  let tmp: string;
  let twoHour: BacktestReport;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'slogate-backtest-'));
    server = await startPrometheus(scenarioSamples(backtestHistory()));
    twoHour = await runBacktest({ runbook, prometheus: server.url, from: h(3), to: h(95), every: HOUR, checkpoint: '2h', phase: 5 });
  });
  afterAll(async () => {
    await server?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('T+2h: the bad hour rolls back exactly the two windows holding it; the slow day is marginal exactly while 40+ of 120 minutes are slow', () => {
    const r = twoHour;
    expect(r.points).toHaveLength(93);
    const rollback = r.points.filter((p) => p.verdict === 'rollback').map((p) => p.at);
    // windows (9h, 11h] and (10h, 12h] hold the whole bad hour; (11h, 13h] only its 5m-rate tail
    expect(rollback).toEqual([h(11), h(12)]);
    const marginal = r.points.filter((p) => p.verdict === 'marginal').map((p) => p.at);
    // slow minutes (48h, 72h]: windows ending 49h .. 73h hold at least 60 slow minutes
    expect(marginal).toEqual(Array.from({ length: 25 }, (_, i) => h(49 + i)));
    expect(r.summary.counts).toEqual({ promote: 0, continue: 66, marginal: 25, rollback: 2, inconclusive: 0 });
    expect(r.summary.flips.map((f) => [f.at, f.from, f.to])).toEqual([
      [h(11), 'continue', 'rollback'],
      [h(13), 'rollback', 'continue'],
      [h(49), 'continue', 'marginal'],
      [h(74), 'marginal', 'continue'],
    ]);
    expect(r.summary.longestRollback).toMatchObject({ from: h(11), to: h(12), points: 2 });
    // T+2h never promotes: the green run is the longest continue (13h .. 48h)
    expect(r.summary.longestPromote).toMatchObject({ verdict: 'continue', from: h(13), to: h(48), points: 36 });
    // the deciding checks
    const at11 = r.points.find((p) => p.at === h(11))!;
    expect(at11.decidedBy).toBe('success_rate');
    expect(r.points.find((p) => p.at === h(60))!.decidedBy).toBe('p95_latency');
    expect(r.summary.decidedBy.marginal).toEqual({ p95_latency: 25 });
    expect(r.summary.decidedBy.continue).toEqual({ 'all passed': 66 });
  });

  it('PII is reported as not backtested, never as a pass', () => {
    for (const p of twoHour.points) {
      const pii = p.checks.find((c) => c.name === 'pii_leaks')!;
      expect(pii.status).toBe('not_backtested');
    }
    expect(twoHour.pii).toBe('not backtested');
  });

  it('fetches each series once: 8 requests for 93 points (the gate alone needs 9 per point)', () => {
    // 6 window queries evaluated at every point + 2 per-minute series over [from - 2h, to]
    expect(twoHour.http_requests).toBe(8);
  });

  it("every point agrees with the gate run on its own window, check by check (what can't be backtested aside)", async () => {
    // this Prometheus runs no alert rules: the live gate is inconclusive on rules_health, and
    // "none fired" proves nothing; the backtest says both are not backtested
    const unjudged = ['pii_leaks', 'rules_health', 'critical_alerts'];
    for (const t of [h(10), h(11), h(13), h(48), h(49), h(73), h(74)]) {
      const g = await runGate({ runbook, prometheus: server.url, start: t - 2 * HOUR, at: t, checkpoint: '2h', phase: 5, skip: ['pii'] });
      const p = twoHour.points.find((x) => x.at === t)!;
      expect(g.checks.find((c) => c.name === 'rules_health')!.status).toBe('no_data');
      const judged = g.checks.filter((c) => !unjudged.includes(c.name));
      expect(p.verdict, iso(t)).toBe(verdictOf(judged, false));
      const gateChecks = Object.fromEntries(judged.map((c) => [c.name, [c.status, c.value]]));
      const btChecks = Object.fromEntries(p.checks.filter((c) => !unjudged.includes(c.name)).map((c) => [c.name, [c.status, c.value]]));
      expect(btChecks, iso(t)).toEqual(gateChecks);
      for (const name of unjudged) expect(p.checks.find((c) => c.name === name)!.status, name).toBe('not_backtested');
    }
  });

  it('T+24h final checkpoint every 2h: promote and rollback runs where the bad hour and the slow day fall', async () => {
    const r = await runBacktest({ runbook, prometheus: server.url, from: h(25), to: h(95), every: 2 * HOUR, checkpoint: '24h', phase: 5 });
    const rb = r.points.filter((p) => p.verdict === 'rollback').map((p) => (p.at - T0) / HOUR);
    // bad hour (10h, 11h]: every 24h window ending up to 34h. Slow day: its deliveries above 1 s
    // sit in the (2 s, 5 s] bucket, so the p95 is >= 2 s once they pass 5% of the window:
    // 20% of a slow minute's deliveries, so more than a quarter (6 h) of the 24 h slow: 55h .. 89h
    expect(rb).toEqual([25, 27, 29, 31, 33, ...Array.from({ length: 18 }, (_, i) => 55 + 2 * i)]);
    expect(r.points.filter((p) => p.verdict === 'promote')).toHaveLength(36 - rb.length);
    expect(r.summary.longestRollback).toMatchObject({ from: h(55), to: h(89), points: 18 });
    expect(r.summary.longestPromote).toMatchObject({ from: h(35), to: h(53), points: 10 });
    expect(verdictAt(r, h(53))).toBe('promote');
    expect(verdictAt(r, h(91))).toBe('promote');
    expect(r.points.find((p) => p.at === h(55))!.decidedBy).toBe('p95_latency');
    expect(r.points.find((p) => p.at === h(25))!.decidedBy).toBe('sustained_success_rate');
  });

  it('CLI: --set shows the verdicts one threshold changes; --json and --svg', async () => {
    const svg = join(tmp, 'timeline.svg');
    const args = ['backtest', '--prometheus', server.url, '--from', iso(h(3)), '--to', iso(h(95)), '--every', '1h', '--checkpoint', '2h', '--phase', '5'];
    const text = await slogateAsync([...args, '--set', 'p95LatencyMs.target=4500', '--svg', svg]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('with --set p95LatencyMs.target=4500: 25 verdicts change');
    expect(text.stdout).toContain(`${iso(h(49)).replace(':00Z', 'Z')}  marginal -> continue`);
    expect(text.stdout).toMatch(/flips: 4/);
    expect(text.stdout).toContain(`longest continue run: 36 points, ${iso(h(13)).replace(':00Z', 'Z')} .. ${iso(h(48)).replace(':00Z', 'Z')}`);
    expect(text.stdout).toContain('PII: not backtested');
    const chart = await readFile(svg, 'utf8');
    expect(chart.match(/class="verdict verdict-rollback"/g)).toHaveLength(2);
    expect(chart.match(/class="verdict verdict-marginal"/g)).toHaveLength(25);

    const json = await slogateAsync([...args, '--json']);
    const doc = JSON.parse(json.stdout) as BacktestReport;
    expect(doc.summary.counts.rollback).toBe(2);
    expect(doc.points).toHaveLength(93);
  });

  it('--selector adds to the canary matchers, as in the gate: an instance filter halves the deliveries', async () => {
    const one = await runBacktest({ runbook, prometheus: server.url, from: h(5), to: h(5), every: HOUR, checkpoint: '2h', phase: 5, selector: '{instance="webhook-sender-001"}' });
    expect(one.selector).toBe('{job="webhook-sender",track="canary",instance="webhook-sender-001"}');
    const both = twoHour.points.find((p) => p.at === h(5))!;
    expect(one.points[0].deliveries! * 2).toBeCloseTo(both.deliveries!, 0);
  });

  it('bad flags are one-line usage errors', async () => {
    const base = ['backtest', '--prometheus', server.url, '--from', iso(h(3)), '--to', iso(h(5))];
    for (const [extra, msg] of [
      [['--set', 'successRate.nope=1'], /no such threshold/],
      [['--set', 'successRate.target=abc'], /not a number/],
      [['--every', '90s'], /whole number of minutes/],
      [['--checkpoint', '48h'], /phase 5 has no 48h checkpoint/],
      [['--selector', 'up'], /--selector must be label matchers/],
    ] as const) {
      const r = await slogateAsync([...base, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), extra.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });
});
