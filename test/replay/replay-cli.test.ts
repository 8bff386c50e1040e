// `slogate replay` end to end: the CLI as a child process against the reference webhook API
// (real HTTP, real SQLite store), one incident folder per test.
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replay as config } from '../../runbooks/webhook-delivery/replay.ts';
import { eventKey } from '../../src/webhook-api/seed.ts';
import { cli, SCOPE, SEED, startApi, TOKEN, WINDOW, type Api } from './reference.ts';

const scope = SEED.scopes[0];
const key = (i: number) => eventKey(scope, i);
const SCOPE_FLAGS = ['--org', SCOPE.org, '--company', SCOPE.company];

let api: Api | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

const journal = (inc: string) =>
  readFileSync(path.join(inc, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const counts = (a: Api) => a.store.replayCounts('smartlead');

describe('slogate replay against the reference API', () => {
  it('happy path: single, then keys, then a window in batches, then reconcile; state matches, one request id per run', async () => {
    api = await startApi();
    const inc = path.join(api.dir, 'incident');
    expect(api.store.drift(SCOPE).length).toBeGreaterThan(0);

    const one = await cli(['replay', 'one', 'smartlead', key(2), '--incident', inc], api.env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/replayed evt-org-1-co-1-000002: verified/);
    expect(counts(api).get(key(2))).toBe(1);

    const keys = await cli(['replay', 'keys', 'smartlead', key(5), key(8), key(11), '--org', 'org-1', '--incident', inc, '--batch-size', '2'], api.env);
    expect(keys.code, keys.stderr).toBe(0);
    expect(keys.stderr).toMatch(/batch 1\/2: 2 events replayed \(bulk\) and verified/);
    expect(keys.stderr).toMatch(/batch 2\/2: 1 event replayed \(bulk\) and verified/);

    // the window stops at 00:00:45, so reconciliation has drift left to fix afterwards
    const win = await cli(['replay', 'window', 'smartlead', ...SCOPE_FLAGS, '--from', '2026-02-16T00:00:00Z', '--to', '2026-02-16T00:00:45Z', '--batch-size', '10', '--incident', inc], api.env);
    expect(win.code, win.stderr).toBe(0);
    expect(win.stdout).toMatch(/replayed and verified 41 events in \d+ batches/);
    expect(win.stderr).toMatch(/batch 1\/\d+: \d+ events replayed \(query\) and verified/);
    const c = counts(api);
    for (let i = 0; i < 45; i++) expect(c.get(key(i)), key(i)).toBe(1); // every window event once, none twice
    for (let i = 45; i < 60; i++) expect(c.get(key(i))).toBe(0);
    for (let i = 0; i < 12; i++) expect(c.get(eventKey(SEED.scopes[1], i))).toBe(0); // other org untouched

    const dry = await cli(['replay', 'reconcile', 'smartlead', ...SCOPE_FLAGS, '--incident', inc], api.env);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toMatch(/reconciliation dry run: \d+ records? differ/);
    expect(dry.stdout).toMatch(/^entity\s+id\s+campaign_id/);
    const driftLeft = api.store.drift(SCOPE).length;
    expect(driftLeft).toBeGreaterThan(0);

    const apply = await cli(['replay', 'reconcile', 'smartlead', ...SCOPE_FLAGS, '--apply', '--incident', inc], api.env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain(`reconciliation applied: ${driftLeft} record`);
    expect(api.store.drift(SCOPE)).toEqual([]);
    const after = await cli(['replay', 'reconcile', 'smartlead', ...SCOPE_FLAGS, '--incident', inc], api.env);
    expect(after.code).toBe(0);

    // one request id per run, on every call, and the record names each
    const reqs = api.store.requests();
    expect(reqs.every((r) => r.request_id)).toBe(true);
    const ids = [...new Set(reqs.map((r) => r.request_id))];
    const runs = journal(inc).filter((e) => e.type === 'run');
    expect(runs.map((r) => r.request_id)).toEqual(ids);
    expect(ids).toHaveLength(6);
    const verify = await cli(['evidence', 'verify', inc], {});
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/files match manifest.json \(incident record, 6 runs, last outcome no_drift\)/);
  });

  it('refuses keys and window replays before a verified single replay in the same scope, in one line, calling nothing', async () => {
    api = await startApi();
    const inc = path.join(api.dir, 'incident');
    for (const args of [
      ['replay', 'keys', 'smartlead', key(1), key(2), '--incident', inc],
      ['replay', 'window', 'smartlead', ...SCOPE_FLAGS, ...WINDOW, '--incident', inc],
    ]) {
      const r = await cli(args, api.env);
      expect(r.code).toBe(5);
      const lines = r.stderr.trim().split('\n');
      expect(lines[0]).toMatch(/^slogate: refused: no verified single replay in provider smartlead.*replay one smartlead KEY/);
      expect(r.stdout).toBe('');
    }
    expect(api.store.requests()).toEqual([]);

    // a single verified in another org does not open this one
    const other = await cli(['replay', 'one', 'smartlead', eventKey(SEED.scopes[1], 1), '--incident', inc], api.env);
    expect(other.code, other.stderr).toBe(0);
    const still = await cli(['replay', 'window', 'smartlead', ...SCOPE_FLAGS, ...WINDOW, '--incident', inc], api.env);
    expect(still.code).toBe(5);

    // a scope without org/company is opened by any single of the provider; this one names org-1
    const forced = await cli(['replay', 'keys', 'smartlead', key(1), key(2), '--org', 'org-1', '--incident', inc, '--i-have-verified-a-single-replay'], api.env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/--i-have-verified-a-single-replay: widening/);
    expect(counts(api).get(key(1))).toBe(1);
  });

  it('escalates on repeated provider 5xx: bundle written, nothing replayed after it', async () => {
    api = await startApi({ failKeys: { [key(12)]: 503, [key(14)]: 500, [key(17)]: 502 } });
    const inc = path.join(api.dir, 'incident');
    const logs = path.join(api.dir, 'service.log');
    writeFileSync(logs, [`level=info msg="delivered" event=${key(3)}`, `level=error msg="replay failed" event=${key(14)} lead_email=ops.person@example.org status=500`, 'level=info msg="unrelated"'].join('\n') + '\n');
    const r = await cli(['replay', 'window', 'smartlead', ...SCOPE_FLAGS, ...WINDOW, '--batch-size', '10', '--incident', inc, '--i-have-verified-a-single-replay', '--logs', logs], api.env);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/escalate: 3 provider 4xx\/5xx answers in this run \(escalation at 3\); nothing more was replayed/);
    const c = counts(api);
    for (let i = 0; i < 10; i++) expect(c.get(key(i))).toBe(1);
    for (let i = 20; i < 60; i++) expect(c.get(key(i)), key(i)).toBe(0);
    const bundles = readdirSync(path.join(inc, 'escalation'));
    expect(bundles).toHaveLength(1);
    const b = JSON.parse(readFileSync(path.join(inc, 'escalation', bundles[0]), 'utf8'));
    const runLine = journal(inc).find((e) => e.type === 'run');
    expect(b.request_id).toBe(runLine.request_id);
    expect(b.reason).toBe('provider_errors');
    expect(b.affected.org_ids).toEqual(['org-1']);
    expect(b.affected.company_ids).toEqual(['co-1']);
    expect(b.affected.campaign_ids.length).toBeGreaterThan(0);
    expect(b.affected.event_keys).toEqual(expect.arrayContaining([key(12), key(14), key(17)]));
    expect(b.event_keys_replayed).toEqual(expect.arrayContaining([key(0), key(9)]));
    expect(b.endpoint_responses.some((e: { endpoint: string; response: string }) => e.endpoint === 'replayQuery' && e.response.includes('provider responded 503'))).toBe(true);
    expect(b.log_snippets.some((l: string) => l.includes(`event=${key(14)}`))).toBe(true);
    const raw = readFileSync(path.join(inc, 'escalation', bundles[0]), 'utf8');
    expect(raw).not.toContain('ops.person@example.org');
    expect(raw).not.toContain('@example.com'); // last_error of seeded events names lead addresses
    expect((await cli(['evidence', 'verify', inc], {})).code).toBe(0);
  });

  it('escalates when replays report success but leave the target state unchanged', async () => {
    api = await startApi({ unchangedKeys: '*' });
    const inc = path.join(api.dir, 'incident');
    const r = await cli(['replay', 'window', 'smartlead', ...SCOPE_FLAGS, ...WINDOW, '--batch-size', '10', '--incident', inc, '--i-have-verified-a-single-replay'], api.env);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/escalate: \d+ replayed events? left the target state unchanged \(reconciliation still reports the same drift\)/);
    const escalated = journal(inc).find((e) => e.type === 'batch' && e.state === 'escalated');
    expect(escalated).toBeDefined();
    // every event after the escalating batch is untouched
    const c = counts(api);
    const last = Math.max(...escalated.keys.map((k: string) => Number(k.slice(-6))));
    for (let i = last + 1; i < 60; i++) expect(c.get(key(i))).toBe(0);
    const b = JSON.parse(readFileSync(path.join(inc, 'escalation', readdirSync(path.join(inc, 'escalation'))[0]), 'utf8'));
    expect(b.reason).toBe('state_unchanged');
    expect(b.unchanged.length).toBeGreaterThan(0);
    expect(b.unchanged[0].drift).toMatchObject({ entity: expect.any(String), campaign_id: expect.stringMatching(/^cmp-org-1-co-1-/) });
    expect(b.affected.campaign_ids.length).toBeGreaterThan(0);
  });

  it('escalates on sustained reconciliation errors and on drift left after --apply; a failed single replay stops at exit 3', async () => {
    api = await startApi({ reconcileFailStatus: 502, failKeys: { [key(2)]: 503 } });
    const inc = path.join(api.dir, 'incident');
    const one = await cli(['replay', 'one', 'smartlead', key(2), '--incident', inc], api.env);
    // the dry run taken before the replay fails, so nothing is replayed
    expect(one.code).toBe(3);
    expect(one.stderr).toMatch(/reconciliation \(dry run\) failed: 502/);
    expect(api.store.requests().some((r) => r.method === 'POST' && r.path.startsWith('/api/webhooks/replay'))).toBe(false);

    const dry = await cli(['replay', 'reconcile', 'smartlead', ...SCOPE_FLAGS, '--incident', inc], api.env);
    expect(dry.code, dry.stderr).toBe(4);
    expect(dry.stderr).toMatch(/escalate: 3 reconciliation answers 502 in a row \(escalation at 3\)/);
    expect(api.store.requests().filter((r) => r.path === config.endpoints.reconcile && r.status === 502).length).toBeGreaterThanOrEqual(3);
    const bundles = () => readdirSync(path.join(inc, 'escalation')).map((f) => JSON.parse(readFileSync(path.join(inc, 'escalation', f), 'utf8')));
    expect(bundles().map((b) => b.reason)).toEqual(['reconcile_errors']);
    expect(bundles()[0].affected).toMatchObject({ org_ids: ['org-1'], company_ids: ['co-1'] });

    api.server.faults = { reconcileNoop: true, failKeys: { [key(2)]: 503 } };
    const single = await cli(['replay', 'one', 'smartlead', key(2), '--incident', inc], api.env);
    expect(single.code).toBe(3);
    expect(single.stderr).toMatch(/batch 1 not verified, stopped before widening: replay failed \(503\): provider responded 503/);
    expect(journal(inc).some((e) => e.type === 'single_verified')).toBe(false);

    const apply = await cli(['replay', 'reconcile', 'smartlead', ...SCOPE_FLAGS, '--apply', '--incident', inc], api.env);
    expect(apply.code, apply.stderr).toBe(4);
    expect(apply.stderr).toMatch(/escalate: reconciliation reported \d+ fixed but \d+ records still differ/);
    const persisted = bundles().find((b) => b.reason === 'mismatch_persists');
    expect(persisted.affected.campaign_ids.length).toBeGreaterThan(0);
    expect(persisted.drift.length).toBe(api.store.drift(SCOPE).length);

    const listed = await cli(['replay', 'events', 'list', 'smartlead', '--limit', '3', '--incident', inc], api.env);
    expect(listed.code).toBe(0);
    expect(journal(inc).at(-1)).toMatchObject({ type: 'end', outcome: 'listed', exit: 0 });
    expect((await cli(['evidence', 'verify', inc], {})).code).toBe(0);
  });

  it('a dry run shows keys per batch and changes nothing', async () => {
    api = await startApi();
    const inc = path.join(api.dir, 'incident');
    const before = api.store.stateDigest();
    const r = await cli(['replay', 'window', 'smartlead', ...SCOPE_FLAGS, ...WINDOW, '--batch-size', '25', '--dry-run', '--incident', inc], api.env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^batch 1 \(query 2026-02-16T00:00:00Z \.\. 2026-02-16T00:00:25\.000Z\): 25 keys: evt-org-1-co-1-000000 /m);
    expect(r.stdout).toMatch(/^batch 3 \(query .*\): 10 keys: /m);
    expect(r.stdout).toMatch(/dry run: would replay 60 events in 3 batches of at most 25 .* nothing was changed; note: a real run would be refused/);
    const json = await cli(['replay', 'keys', 'smartlead', key(1), key(2), '--dry-run', '--json', '--incident', inc], api.env);
    expect(JSON.parse(json.stdout).plan.batches).toEqual([{ batch: 1, via: 'bulk', keys: [key(1), key(2)] }]);
    expect(api.store.stateDigest()).toBe(before);
    expect(api.store.requests().every((q) => q.method === 'GET')).toBe(true);
  });

  it('a bad token exits 2 without echoing it; a missing token or a --token flag too', async () => {
    api = await startApi();
    const inc = path.join(api.dir, 'incident');
    const bad = 'not-the-token-7f3a9c1e55';
    const r = await cli(['replay', 'one', 'smartlead', key(2), '--incident', inc], { ...api.env, [config.tokenEnv]: bad });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the API refused the token \(401 on GET \/api\/webhooks\/events\)/);
    expect(r.stdout + r.stderr).not.toContain(bad);
    for (const f of filesUnder(inc)) expect(readFileSync(f, 'utf8'), f).not.toContain(bad);
    const list = await cli(['replay', 'events', 'list', 'smartlead'], { ...api.env, [config.tokenEnv]: bad });
    expect(list.code).toBe(2);
    expect(list.stdout + list.stderr).not.toContain(bad);

    const missing = await cli(['replay', 'events', 'list', 'smartlead'], { ...api.env, [config.tokenEnv]: '' });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`slogate: set ${config.tokenEnv} to the super-admin bearer token (it is read from the environment only)`);
    const flag = await cli(['replay', 'events', 'list', 'smartlead', `--token=${bad}`], api.env);
    expect(flag.code).toBe(2);
    expect(flag.stdout + flag.stderr).not.toContain(bad);
    // the good token never shows either
    const ok = await cli(['replay', 'one', 'smartlead', key(2), '--incident', inc], api.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(TOKEN);
    for (const f of filesUnder(inc)) expect(readFileSync(f, 'utf8')).not.toContain(TOKEN);
  });

  it('Ctrl-C mid-batch leaves the record consistent; a rerun resumes without replaying a verified batch twice', async () => {
    let queries = 0;
    let onThird: (() => void) | undefined;
    api = await startApi({ replayDelayMs: 400 }, SEED, (method, p) => {
      if (method === 'POST' && p === config.endpoints.replayQuery && ++queries === 3) onThird?.();
    });
    const inc = path.join(api.dir, 'incident');
    const args = ['replay', 'window', 'smartlead', ...SCOPE_FLAGS, ...WINDOW, '--batch-size', '10', '--incident', inc, '--i-have-verified-a-single-replay'];
    const r = await cli(args, api.env, (_s, child) => {
      onThird ??= () => child.kill('SIGINT');
    });
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted in batch 3: its replay call finished but was not verified/);
    expect((await cli(['evidence', 'verify', inc], {})).code).toBe(0);
    const lines = journal(inc);
    expect(lines.filter((e) => e.type === 'batch' && e.state === 'verified').map((e) => e.batch)).toEqual([1, 2]);
    expect(lines.at(-2)).toMatchObject({ type: 'batch', batch: 3, state: 'interrupted' });
    expect(lines.at(-1)).toMatchObject({ type: 'end', outcome: 'interrupted', exit: 130 });
    const mid = counts(api);
    for (let i = 0; i < 30; i++) expect(mid.get(key(i))).toBe(1); // batch 3 reached the server
    for (let i = 30; i < 60; i++) expect(mid.get(key(i))).toBe(0);

    api.server.faults = {};
    const again = await cli(args, api.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/batch 3 was interrupted: 10 of 10 events verified replayed now/);
    expect(again.stdout).toMatch(/replayed and verified 30 events in 3 batches/);
    const c = counts(api);
    for (let i = 0; i < 60; i++) expect(c.get(key(i)), key(i)).toBe(1);
    expect((await cli(['evidence', 'verify', inc], {})).code).toBe(0);
    // a third run finds nothing left to do and sends no replay
    const posts = api.store.requests().filter((q) => q.method === 'POST').length;
    const third = await cli(args, api.env);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/nothing to replay in provider smartlead, org org-1, company co-1: every event is already verified replayed in this incident/);
    expect(api.store.requests().filter((q) => q.method === 'POST').length).toBe(posts);
  });

  it('waits out 429 Retry-After, follows pagination, and redacts PII from what it prints and records', async () => {
    api = await startApi({ rateLimit: { every: 5, retryAfterSeconds: 1 }, maxPageSize: 7 });
    const inc = path.join(api.dir, 'incident');
    const list = await cli(['replay', 'events', 'list', 'smartlead', ...SCOPE_FLAGS, '--limit', '30', '--json'], api.env);
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout);
    expect(rows).toHaveLength(30);
    expect(rows[0]).toEqual(expect.objectContaining({ event_key: key(59), event_type: expect.any(String), status: expect.any(String), replay_count: 0, created_at: '2026-02-16T00:00:59.000Z' }));
    expect(new Set(rows.map((r: { event_key: string }) => r.event_key)).size).toBe(30);
    expect(list.stdout).not.toMatch(/@example\.com/);
    expect(list.stdout).toMatch(/lead not found for reply from l\*\*\*@e\*\*\*\.com/);
    const table = await cli(['replay', 'events', 'list', 'smartlead', '--company', 'co-1', '--limit', '5'], api.env);
    expect(table.stdout.split('\n')[0]).toMatch(/^event_key\s+event_type\s+status\s+replay_count\s+last_error\s+created_at$/);
    expect(table.stdout.trim().split('\n')).toHaveLength(6);

    const win = await cli(['replay', 'window', 'smartlead', ...SCOPE_FLAGS, ...WINDOW, '--incident', inc, '--i-have-verified-a-single-replay'], api.env);
    expect(win.code, win.stderr).toBe(0);
    const calls = readdirSync(path.join(inc, 'runs')).flatMap((d) => readFileSync(path.join(inc, 'runs', d, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
    expect(calls.some((c) => c.rate_limited > 0)).toBe(true);
    expect(calls.filter((c) => c.endpoint === 'events').length).toBeGreaterThan(8); // 60 events in pages of 7
    for (const f of filesUnder(inc)) expect(readFileSync(f, 'utf8')).not.toMatch(/[a-z0-9.]+@example\.com/);
    for (let i = 0; i < 60; i++) expect(counts(api).get(key(i))).toBe(1);
  });

  it('evidence verify catches an edited incident record', async () => {
    api = await startApi();
    const inc = path.join(api.dir, 'incident');
    expect((await cli(['replay', 'one', 'smartlead', key(2), '--incident', inc], api.env)).code).toBe(0);
    appendFileSync(path.join(inc, 'journal.jsonl'), JSON.stringify({ type: 'single_verified', run: 'x', single: { provider: 'smartlead', org_id: 'org-1', company_id: 'co-1', event_key: 'forged' }, at: 'x' }) + '\n');
    const v = await cli(['evidence', 'verify', inc], {});
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/changed: .*journal\.jsonl/);
    // the next run notices and says so before resealing
    const next = await cli(['replay', 'one', 'smartlead', key(5), '--incident', inc], api.env);
    expect(next.stderr).toMatch(/note: .*1 file\(s\) changed since the last seal \(journal\.jsonl\)/);
  });

  it('bad input is one line, exit 2, and nothing written', async () => {
    api = await startApi();
    const inc = path.join(api.dir, 'incident');
    const cases: [string[], RegExp][] = [
      [['replay', 'one', 'mailchimp', 'k', '--incident', inc], /unknown provider 'mailchimp' \(configured: smartlead, heyreach\)/],
      [['replay', 'window', 'smartlead', ...WINDOW, '--incident', inc], /replay window needs a scope: give --org or --company/],
      [['replay', 'window', 'smartlead', '--org', 'org-1', '--from', 'monday', '--to', '2026-02-16T01:00:00Z', '--incident', inc], /--from must be an ISO-8601 time/],
      [['replay', 'keys', 'smartlead', 'k', '--batch-size', '500', '--incident', inc], /--batch-size must be an integer from 1 to 200, got 500/],
      [['replay', 'keys', 'smartlead', '--keys-file', path.join(api.dir, 'nope.txt'), '--incident', inc], /--keys-file .*nope.txt: no such file/],
      [['replay', 'reconcile', 'smartlead', '--incident', inc], /reconcile needs a scope/],
      [['replay', 'one', 'smartlead', 'k', '--request-id', 'bad id!', '--incident', inc], /--request-id may only use/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args, api.env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(existsSync(inc)).toBe(false);
    expect(api.store.requests()).toEqual([]);
    // a key the API does not know is input too
    const unknown = await cli(['replay', 'one', 'smartlead', 'evt-nope', '--incident', inc], api.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no event 'evt-nope' in provider smartlead/);
  });
});
