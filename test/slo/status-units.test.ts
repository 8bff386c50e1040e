// slo status and rollback drain decisions, pure: every branch of the daily check's verdict
// and of "has the canary drained".
import { describe, expect, it } from 'vitest';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';
import { sloConditions } from '../../src/slo/rules.ts';
import { currentBurnWindow, sloGroupStatus, sloVerdict, type SloRecords } from '../../src/slo/status.ts';
import { drainOutcome, isDrained, describeSample } from '../../src/rollback/drain.ts';

const slo = runbook.slos[0];
const policy = sloConditions(slo, runbook.burnPolicy);
const rec = (remaining: number | undefined, period: number | undefined, burns: Record<string, number>): SloRecords => ({ budgetRemaining: remaining, periodErrorRatio: period, burnRates: new Map(Object.entries(burns)) });
const calm = { '1h': 0.5, '5m': 0.5, '6h': 0.5, '30m': 0.5, '3d': 0.5 };

describe('slo status (pure)', () => {
  it('the current burn is the fastest page tier’s long window', () => {
    expect(currentBurnWindow(policy)).toBe('1h');
  });

  it('healthy: ok, time left from budget and burn', () => {
    const g = sloGroupStatus(slo, policy, { track: 'stable' }, rec(0.5, 0.005, calm), []);
    expect(g).toMatchObject({ exhausted: false, page_burn: false, problem: null, budget_remaining_percent: 50 });
    expect(g.hours_to_exhaustion).toBeCloseTo(720, 9);
    expect(sloVerdict([g])).toBe('ok');
  });

  it('a critical SLO alert firing is a page-level burn: breach', () => {
    const g = sloGroupStatus(slo, policy, {}, rec(0.9, 0.001, calm), [{ alertname: 'WebhookCanaryErrorBudgetFastBurn', severity: 'critical' }]);
    expect(g.page_burn).toBe(true);
    expect(sloVerdict([g])).toBe('breach');
  });

  it('the page tier’s two windows over 14.4 is a page-level burn even without an alert rule for it', () => {
    const g = sloGroupStatus(slo, policy, {}, rec(0.9, 0.001, { ...calm, '1h': 20, '5m': 30 }), []);
    expect(g.tiers[0]).toMatchObject({ long_window: '1h', short_window: '5m', threshold: 14.4, burning: true });
    expect(g.page_burn).toBe(true);
    // only the long window over: not burning (multiwindow)
    expect(sloGroupStatus(slo, policy, {}, rec(0.9, 0.001, { ...calm, '1h': 20 }), []).page_burn).toBe(false);
  });

  it('a warning alert or a ticket tier alone is no breach', () => {
    const g = sloGroupStatus(slo, policy, {}, rec(0.9, 0.001, { ...calm, '3d': 2, '6h': 2 }), [{ alertname: 'WebhookCanaryErrorBudgetSlowBurn', severity: 'warning' }]);
    expect(g.tiers.find((t) => t.long_window === '3d')?.burning).toBe(true);
    expect(sloVerdict([g])).toBe('ok');
  });

  it('exhausted budget: breach, no time left; missing or NaN records: unknown', () => {
    const gone = sloGroupStatus(slo, policy, {}, rec(-0.2, 0.012, calm), []);
    expect(gone).toMatchObject({ exhausted: true, hours_to_exhaustion: 0 });
    expect(sloVerdict([gone])).toBe('breach');
    const none = sloGroupStatus(slo, policy, {}, rec(undefined, Number.NaN, {}), []);
    expect(none.problem).toMatch(/no 30d SLI or budget series/);
    expect(sloVerdict([none])).toBe('unknown');
    // a breach elsewhere still wins over an unreadable group
    expect(sloVerdict([none, gone])).toBe('breach');
    expect(sloVerdict([])).toBe('unknown');
  });
});

describe('rollback drain (pure)', () => {
  const s = (t: number, per: Record<string, number> | null, error?: string) => ({ t, perInstance: per, ...(error ? { error } : {}) });

  it('drained only when series exist and none is above the limit; NaN is not 0', () => {
    expect(isDrained(s(1, { a: 0, b: 0 }), 0)).toBe(true);
    expect(isDrained(s(1, { a: 0, b: 0.2 }), 0)).toBe(false);
    expect(isDrained(s(1, { a: 0, b: 0.2 }), 0.5)).toBe(true);
    expect(isDrained(s(1, { a: Number.NaN }), 0)).toBe(false);
    expect(isDrained(s(1, {}), 0)).toBe(false);
    expect(isDrained(s(1, null, 'down'), 0)).toBe(false);
  });

  it('the outcome: the first drained poll, else the last known senders, else why nothing was known', () => {
    expect(drainOutcome([s(1, { a: 2 }), s(2, { a: 0 })], 0)).toEqual({ result: 'drained', at: 2 });
    expect(drainOutcome([s(1, { a: 2, b: 1 }), s(2, null, 'timeout')], 0)).toEqual({ result: 'flowing', sending: [{ instance: 'a', rate: 2 }, { instance: 'b', rate: 1 }] });
    expect(drainOutcome([s(1, null, 'ECONNREFUSED')], 0)).toEqual({ result: 'unknown', reason: 'ECONNREFUSED' });
    expect(drainOutcome([], 0)).toEqual({ result: 'unknown', reason: 'no poll was made' });
  });

  it('progress lines say who still sends', () => {
    expect(describeSample(s(1, { a: 2, b: 0 }), 0)).toBe('2.00 deliveries/s from 1 instance (a 2.00/s)');
    expect(describeSample(s(1, { a: 0 }), 0)).toBe('0.00 deliveries/s: traffic stopped on all 1 instances');
  });
});
