// The pure core of `slogate replay`: scope rules, the single-replay-first rule, batch plans,
// verification, escalation decisions and the incident journal's state.
import { describe, expect, it } from 'vitest';
import { replay as config } from '../../runbooks/webhook-delivery/replay.ts';
import {
  batchDecision,
  batchSizeProblem,
  eventsInWindow,
  latestPerTarget,
  parseInstant,
  planKeys,
  planWindow,
  providerErrorDecision,
  scopeProblem,
  unchangedTargets,
  verifyBatch,
  widenDecision,
  windowProblem,
  type Drift,
  type EventRow,
} from '../../src/replay/plan.ts';
import { incidentState, parseJournal, scrub, type JournalEntry } from '../../src/replay/record.ts';
import { retryAfterMs } from '../../src/replay/transport.ts';

const T0 = Date.parse('2026-02-16T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function ev(key: string, s: number, extra: Partial<EventRow> = {}): EventRow {
  return { event_key: key, provider_slug: 'smartlead', org_id: 'o1', company_id: 'c1', campaign_id: 'cmp1', lead_id: 'l1', event_type: 'lead.status_changed', status: 'failed', replay_count: 0, last_error: null, created_at: at(s), ...extra };
}

describe('scope rules', () => {
  it('accepts only configured providers', () => {
    expect(scopeProblem('one', { provider: 'smartlead' }, config)).toBeUndefined();
    expect(scopeProblem('one', { provider: 'heyreach' }, config)).toBeUndefined();
    expect(scopeProblem('one', { provider: 'mailchimp' }, config)).toMatch(/unknown provider 'mailchimp' \(configured: smartlead, heyreach\)/);
  });
  it('window and reconcile need org or company; one, keys and list do not', () => {
    for (const cmd of ['window', 'reconcile'] as const) {
      expect(scopeProblem(cmd, { provider: 'smartlead' }, config)).toMatch(/needs a scope: give --org or --company/);
      expect(scopeProblem(cmd, { provider: 'smartlead', org: 'o' }, config)).toBeUndefined();
      expect(scopeProblem(cmd, { provider: 'smartlead', company: 'c' }, config)).toBeUndefined();
    }
    for (const cmd of ['one', 'keys', 'list'] as const) expect(scopeProblem(cmd, { provider: 'smartlead' }, config)).toBeUndefined();
  });
  it('refuses empty org/company', () => {
    expect(scopeProblem('window', { provider: 'smartlead', org: ' ' }, config)).toBe('--org must not be empty');
    expect(scopeProblem('keys', { provider: 'smartlead', company: '' }, config)).toBe('--company must not be empty');
  });
  it('batch size from 1 to the configured maximum', () => {
    expect(config.batch.defaultSize).toBeLessThan(200);
    expect(batchSizeProblem(config.batch.defaultSize, config)).toBeUndefined();
    expect(batchSizeProblem(1, config)).toBeUndefined();
    expect(batchSizeProblem(config.batch.maxSize, config)).toBeUndefined();
    for (const bad of [0, -1, 1.5, config.batch.maxSize + 1, Number.NaN]) expect(batchSizeProblem(bad, config)).toMatch(/--batch-size must be an integer from 1 to 200/);
  });
});

describe('single replay first', () => {
  const single = { provider: 'smartlead', org_id: 'o1', company_id: 'c1', event_key: 'k' };
  it('refuses without a verified single, with one line naming the way out', () => {
    const d = widenDecision({ provider: 'smartlead', org: 'o1' }, [], false);
    expect(d.allowed).toBe(false);
    if (!d.allowed) {
      expect(d.reason).not.toContain('\n');
      expect(d.reason).toMatch(/no verified single replay in provider smartlead, org o1.*replay one smartlead KEY.*--i-have-verified-a-single-replay/);
    }
  });
  it('allows after a single in the same scope', () => {
    for (const scope of [{ provider: 'smartlead' }, { provider: 'smartlead', org: 'o1' }, { provider: 'smartlead', company: 'c1' }, { provider: 'smartlead', org: 'o1', company: 'c1' }]) {
      expect(widenDecision(scope, [single], false)).toMatchObject({ allowed: true, by: 'single' });
    }
  });
  it('a single in another provider, org or company does not count', () => {
    for (const scope of [{ provider: 'heyreach' }, { provider: 'smartlead', org: 'o2' }, { provider: 'smartlead', company: 'c2' }, { provider: 'smartlead', org: 'o1', company: 'c2' }]) {
      expect(widenDecision(scope, [single], false).allowed).toBe(false);
    }
  });
  it('the override allows and says so', () => {
    expect(widenDecision({ provider: 'heyreach' }, [single], true)).toMatchObject({ allowed: true, by: 'override' });
  });
});

describe('windows', () => {
  it('parses ISO instants with a zone only', () => {
    expect(parseInstant('2026-02-16T00:00:00Z')).toBe(T0);
    expect(parseInstant('2026-02-16T01:00:00+01:00')).toBe(T0);
    expect(parseInstant('2026-02-16T00:00:00.250Z')).toBe(T0 + 250);
    for (const bad of ['2026-02-16', '2026-02-16T00:00:00', 'yesterday', '', '1771200000']) expect(parseInstant(bad)).toBeNaN();
  });
  it('names the bad bound', () => {
    expect(windowProblem({ from: 'x', to: at(1) })).toMatch(/^--from/);
    expect(windowProblem({ from: at(0), to: 'y' })).toMatch(/^--to must be/);
    expect(windowProblem({ from: at(5), to: at(5) })).toMatch(/must be after/);
    expect(windowProblem({ from: at(0), to: at(5) })).toBeUndefined();
  });
  it('takes [from, to), oldest first, ties by key', () => {
    const rows = [ev('c', 2), ev('a', 2), ev('z', 0), ev('edge', 10), ev('before', -1)];
    expect(eventsInWindow(rows, { from: at(0), to: at(10) }).map((e) => e.event_key)).toEqual(['z', 'a', 'c']);
  });
});

/** Whether replay-query over [from, to) with limit would replay exactly the batch's keys. */
function queryReplays(all: EventRow[], b: { from?: string; to?: string; keys: string[] }, provider = 'smartlead'): string[] {
  const from = Date.parse(b.from!);
  const to = Date.parse(b.to!);
  return all
    .filter((e) => e.provider_slug === provider && Date.parse(e.created_at) >= from && Date.parse(e.created_at) < to)
    .sort((x, y) => Date.parse(x.created_at) - Date.parse(y.created_at) || (x.event_key < y.event_key ? -1 : 1))
    .slice(0, b.keys.length)
    .map((e) => e.event_key);
}

describe('window plan', () => {
  const w = { from: at(0), to: at(1000) };
  it('cuts a plain window into batches of the size, each a replay-query over its own sub-window', () => {
    const rows = Array.from({ length: 23 }, (_, i) => ev(`k${String(i).padStart(2, '0')}`, i));
    const plan = planWindow(rows, w, 10);
    expect(plan.map((b) => b.keys.length)).toEqual([10, 10, 3]);
    expect(plan.every((b) => b.via === 'query')).toBe(true);
    expect(plan[0].from).toBe(w.from);
    expect(plan[2].to).toBe(w.to);
    for (const b of plan) expect(queryReplays(rows, b)).toEqual(b.keys);
  });

  it('never splits equal timestamps across two query batches', () => {
    // 4 events at t=1 straddle the first cut at 3
    const rows = [ev('a', 0), ev('b', 0), ev('c', 1), ev('d', 1), ev('e', 1), ev('f', 1), ev('g', 2)];
    const plan = planWindow(rows, w, 3);
    for (const b of plan.filter((x) => x.via === 'query')) expect(queryReplays(rows, b)).toEqual(b.keys);
    expect(plan.flatMap((b) => b.keys).sort()).toEqual(rows.map((r) => r.event_key).sort());
  });

  it('falls back to named keys when one timestamp holds more events than a batch', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ev(`k${i}`, 7));
    const plan = planWindow(rows, w, 2);
    expect(plan.map((b) => [b.via, b.keys.length])).toEqual([['bulk', 2], ['bulk', 2], ['bulk', 1]]);
  });

  it('leaves out keys verified earlier, and never lets a query cover one of them', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ev(`k${String(i).padStart(2, '0')}`, i));
    const done = new Set(['k03', 'k04', 'k11']);
    const plan = planWindow(rows, w, 5, done);
    const keys = plan.flatMap((b) => b.keys);
    expect(keys.some((k) => done.has(k))).toBe(false);
    expect(keys.length).toBe(17);
    for (const b of plan.filter((x) => x.via === 'query')) expect(queryReplays(rows, b)).toEqual(b.keys);
  });

  it('holds for random windows: every key once, sizes within bounds, queries replay exactly their batch', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 300; trial++) {
      const n = Math.floor(rnd() * 60);
      const rows = Array.from({ length: n }, (_, i) => ev(`k${i}`, Math.floor(rnd() * 25)));
      const done = new Set(rows.filter(() => rnd() < 0.2).map((r) => r.event_key));
      const size = 1 + Math.floor(rnd() * 8);
      const win = { from: at(2), to: at(22) };
      const plan = planWindow(rows, win, size, done);
      const want = eventsInWindow(rows, win).map((e) => e.event_key).filter((k) => !done.has(k));
      const got = plan.flatMap((b) => b.keys);
      expect(got.sort()).toEqual([...want].sort());
      expect(new Set(got).size).toBe(got.length);
      plan.forEach((b, i) => {
        expect(b.index).toBe(i + 1);
        expect(b.keys.length).toBeGreaterThan(0);
        expect(b.keys.length).toBeLessThanOrEqual(size);
        if (b.via === 'query') expect(queryReplays(rows, b)).toEqual(b.keys);
      });
    }
  });
});

describe('keys plan', () => {
  it('batches in the order given, without repeats or verified keys', () => {
    expect(planKeys(['a', 'b', 'a', 'c', 'd', 'e'], 2, new Set(['d'])).map((b) => b.keys)).toEqual([['a', 'b'], ['c', 'e']]);
    expect(planKeys(['a'], 50, new Set(['a']))).toEqual([]);
  });
});

describe('verification', () => {
  const after = new Map([
    ['ok', ev('ok', 0, { status: 'replayed', replay_count: 2 })],
    ['same', ev('same', 0, { status: 'replayed', replay_count: 1 })],
    ['failed', ev('failed', 0, { status: 'failed', replay_count: 1, last_error: 'provider responded 503' })],
  ]);
  it('needs status replayed and a count above the one before, for every key', () => {
    const v = verifyBatch(['ok', 'same', 'failed', 'gone'], { ok: 1, same: 1, failed: 0, gone: 0 }, after);
    expect(v.verified).toBe(false);
    expect(v.verifiedKeys).toEqual(['ok']);
    expect(v.problems.map((p) => [p.event_key, p.problem])).toEqual([
      ['same', 'count_not_incremented'],
      ['failed', 'not_replayed'],
      ['gone', 'missing'],
    ]);
    expect(verifyBatch(['ok'], { ok: 1 }, after).verified).toBe(true);
  });
  it('stops on an unverified batch, naming the first problem', () => {
    const v = verifyBatch(['failed'], { failed: 0 }, after);
    expect(batchDecision(v, [])).toEqual({ action: 'stop', reason: 'unverified', detail: '1 of 1 events not verified; failed shows status failed (provider responded 503)' });
    expect(batchDecision(verifyBatch(['ok'], { ok: 1 }, after), [])).toEqual({ action: 'continue' });
  });
});

describe('escalation', () => {
  it('escalates at the configured count of provider errors, and says how many', () => {
    expect(config.escalation.providerErrors).toBe(3);
    expect(providerErrorDecision(2, config)).toEqual({ action: 'continue' });
    expect(providerErrorDecision(3, config)).toEqual({ action: 'escalate', reason: 'provider_errors', detail: '3 provider 4xx/5xx answers in this run (escalation at 3)' });
    expect(providerErrorDecision(9, config).action).toBe('escalate');
  });

  const lead = (id: string, local: string, provider = 'replied'): Drift => ({ entity: 'lead', id, campaign_id: 'cmp1', lead_id: id, field: 'status', local, provider });
  const scopeEvents = [ev('old', 0, { lead_id: 'l1' }), ev('new', 5, { lead_id: 'l1' }), ev('l2', 3, { lead_id: 'l2' }), ev('camp', 4, { lead_id: null })];

  it('the newest event of a target decides it', () => {
    const latest = latestPerTarget(scopeEvents);
    expect(latest.get('lead:l1')?.event_key).toBe('new');
    expect(latest.get('campaign:cmp1')?.event_key).toBe('camp');
  });

  it('flags a decisive replay whose drift is reported unchanged after it', () => {
    const before = [lead('l1', 'new'), lead('l2', 'new')];
    const u = unchangedTargets([scopeEvents[1]], scopeEvents, before, before);
    expect(u.map((x) => x.event_key)).toEqual(['new']);
    const d = batchDecision(verifyBatch([], {}, new Map()), u);
    expect(d).toMatchObject({ action: 'escalate', reason: 'state_unchanged' });
  });

  it('does not flag an older event (rightly a no-op), fixed drift, moved drift or targets without drift', () => {
    const before = [lead('l1', 'new'), lead('l2', 'new')];
    expect(unchangedTargets([scopeEvents[0]], scopeEvents, before, before)).toEqual([]);
    expect(unchangedTargets([scopeEvents[1]], scopeEvents, before, [lead('l2', 'new')])).toEqual([]);
    expect(unchangedTargets([scopeEvents[1]], scopeEvents, before, [lead('l1', 'opened'), lead('l2', 'new')])).toEqual([]);
    expect(unchangedTargets([scopeEvents[1]], scopeEvents, [lead('l2', 'new')], [lead('l2', 'new')])).toEqual([]);
  });

  it('campaign-level events look at the campaign record only', () => {
    const camp: Drift = { entity: 'campaign', id: 'cmp1', campaign_id: 'cmp1', lead_id: null, field: 'status', local: 'draft', provider: 'active' };
    expect(unchangedTargets([scopeEvents[3]], scopeEvents, [camp, lead('l1', 'x')], [camp])).toHaveLength(1);
    expect(unchangedTargets([scopeEvents[3]], scopeEvents, [lead('l1', 'x')], [lead('l1', 'x')])).toEqual([]);
  });

  it('unchanged state outranks an unverified batch', () => {
    const u = [{ event_key: 'k', drift: lead('l1', 'new') }];
    const v = { verified: false, verifiedKeys: [], problems: [{ event_key: 'z', problem: 'missing' as const }] };
    expect(batchDecision(v, u).action).toBe('escalate');
  });
});

describe('incident journal', () => {
  const run = (r: string): JournalEntry => ({ type: 'run', run: r, request_id: `id-${r}`, command: 'replay window', scope: { provider: 'smartlead', org: 'o1' }, dry_run: false, at: 'x' });
  const batch = (r: string, n: number, state: 'started' | 'replayed' | 'verified' | 'unverified' | 'interrupted', keys: string[], extra = {}): JournalEntry => ({ type: 'batch', run: r, batch: n, state, keys, at: 'x', ...extra });

  it('collects verified keys, singles and request ids', () => {
    const s = incidentState([
      run('001'),
      { type: 'single_verified', run: '001', single: { provider: 'smartlead', org_id: 'o1', company_id: 'c1', event_key: 's' }, at: 'x' },
      run('002'),
      batch('002', 1, 'started', ['a', 'b'], { before: { a: 0, b: 0 } }),
      batch('002', 1, 'replayed', ['a', 'b']),
      batch('002', 1, 'verified', ['a', 'b'], { verified_keys: ['a', 'b'] }),
      batch('002', 2, 'started', ['c', 'd'], { before: { c: 0, d: 1 } }),
      batch('002', 2, 'unverified', ['c', 'd'], { verified_keys: ['c'] }),
    ]);
    expect([...s.verifiedKeys].sort()).toEqual(['a', 'b', 'c', 's']);
    expect(s.singles.map((x) => x.event_key)).toEqual(['s']);
    expect(s.requestIds).toEqual(['id-001', 'id-002']);
    expect(s.runs).toBe(2);
    expect(s.pending).toEqual([]);
  });

  it('keeps an interrupted batch pending, with its counts before, until a later line closes it', () => {
    const lines = [run('001'), batch('001', 1, 'started', ['a', 'b'], { before: { a: 0, b: 2 } }), batch('001', 1, 'replayed', ['a', 'b']), batch('001', 1, 'interrupted', ['a', 'b'])];
    expect(incidentState(lines).pending).toEqual([{ run: '001', batch: 1, keys: ['a', 'b'], before: { a: 0, b: 2 } }]);
    expect(incidentState([...lines, batch('001', 1, 'verified', ['a', 'b'], { verified_keys: ['a', 'b'] })]).pending).toEqual([]);
    // a batch killed before it even recorded "replayed" is pending too
    expect(incidentState([run('001'), batch('001', 1, 'started', ['a'], { before: { a: 0 } })]).pending).toHaveLength(1);
  });

  it('skips a last line cut short by a crash, refuses damage elsewhere', () => {
    expect(parseJournal('{"type":"end","run":"1","outcome":"done","exit":0,"at":"x"}\n{"type":"ba').truncated).toBe(true);
    expect(() => parseJournal('{"type":\n{"type":"end"}\n{"type":"end"}\n')).toThrow(/line 1 is not JSON/);
  });
});

describe('scrubbing', () => {
  it('takes out the token and PII, keeps the rest', () => {
    const out = scrub('{"auth":"Bearer abcdefghijkl","echo":"tok-123456789","err":"no lead for jane.doe@example.com"}', ['tok-123456789']);
    expect(out).not.toContain('abcdefghijkl');
    expect(out).not.toContain('tok-123456789');
    expect(out).not.toContain('jane.doe@example.com');
    expect(out).toContain('"err":"no lead for ');
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
