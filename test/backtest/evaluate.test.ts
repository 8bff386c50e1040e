// The backtest's pure core: timeline summary, deciding checks, threshold assignment.
import { describe, expect, it } from 'vitest';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';
import { changedVerdicts, decidingCheck, evaluationTimes, summarize, thresholdPaths, withThreshold, type BacktestPoint } from '../../src/backtest/index.ts';
import type { Check, Verdict } from '../../src/gate/index.ts';

const pt = (at: number, verdict: Verdict, decidedBy: string | null = null): BacktestPoint => ({ at, start: at - 7200, verdict, decidedBy, reason: '', checks: [], successRate: null, p95Ms: null, deliveries: null });

describe('summarize', () => {
  const timeline = [pt(1, 'promote'), pt(2, 'promote'), pt(3, 'rollback', 'success_rate'), pt(4, 'promote'), pt(5, 'promote'), pt(6, 'promote'), pt(7, 'inconclusive', 'deliveries'), pt(8, 'rollback', 'p95_latency'), pt(9, 'rollback', 'p95_latency')];
  const s = summarize(timeline);
  it('counts, flips and runs', () => {
    expect(s.counts).toEqual({ promote: 5, continue: 0, marginal: 0, rollback: 3, inconclusive: 1 });
    expect(s.flips.map((f) => `${f.at}:${f.from}>${f.to}`)).toEqual(['3:promote>rollback', '4:rollback>promote', '7:promote>inconclusive', '8:inconclusive>rollback']);
    expect(s.longestPromote).toEqual({ verdict: 'promote', from: 4, to: 6, points: 3 });
    expect(s.longestRollback).toEqual({ verdict: 'rollback', from: 8, to: 9, points: 2 });
    expect(s.decidedBy.rollback).toEqual({ success_rate: 1, p95_latency: 2 });
    expect(s.decidedBy.promote).toEqual({ 'all passed': 5 });
  });
  it('an empty timeline has no runs', () => {
    expect(summarize([])).toMatchObject({ points: 0, flips: [], longestPromote: null, longestRollback: null });
  });
  it('changedVerdicts lists only differing points', () => {
    const after = timeline.map((p) => (p.at === 3 ? pt(3, 'promote') : p));
    expect(changedVerdicts(timeline, after)).toEqual([{ at: 3, before: 'rollback', after: 'promote', decidedByBefore: 'success_rate', decidedByAfter: null }]);
  });
});

describe('decidingCheck', () => {
  const c = (name: string, status: Check['status']): Check => ({ name: name as Check['name'], status, value: null, target: '', detail: name });
  const checks = [c('window', 'pass'), c('deliveries', 'no_data'), c('success_rate', 'warn'), c('p95_latency', 'critical')];
  it('critical decides a rollback over missing data; no_data decides inconclusive; warn decides marginal', () => {
    expect(decidingCheck('rollback', checks, false)?.name).toBe('p95_latency');
    expect(decidingCheck('inconclusive', checks, false)?.name).toBe('deliveries');
    expect(decidingCheck('marginal', checks, false)?.name).toBe('success_rate');
    expect(decidingCheck('rollback', [c('success_rate', 'fail')], true)?.name).toBe('success_rate');
    expect(decidingCheck('promote', [c('window', 'pass')], true)).toBeNull();
  });
});

describe('withThreshold (--set)', () => {
  it('changes one number and leaves the runbook alone', () => {
    const g = withThreshold(runbook, 'successRate.target=94');
    expect('error' in g).toBe(false);
    expect((g as typeof runbook).gates.successRate.target).toBe(94);
    expect(runbook.gates.successRate.target).toBe(95);
    expect((withThreshold(runbook, 'minDeliveries=10') as typeof runbook).gates.minDeliveries).toBe(10);
  });
  it('refuses unknown paths, units and non-numbers', () => {
    expect(withThreshold(runbook, 'successRate.unit=5')).toMatchObject({ error: /no such threshold/ });
    expect(withThreshold(runbook, 'constructor.x=5')).toMatchObject({ error: /no such threshold/ });
    expect(withThreshold(runbook, 'p95LatencyMs.target=fast')).toMatchObject({ error: /not a number/ });
    expect(withThreshold(runbook, 'target')).toMatchObject({ error: /PATH=NUMBER/ });
    expect(thresholdPaths(runbook.gates)).toContain('circuitBreakerOpensPerDay.critical');
  });
});

it('evaluationTimes includes both ends', () => {
  expect(evaluationTimes(0, 7200, 3600)).toEqual([0, 3600, 7200]);
});
