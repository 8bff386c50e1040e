// The reference webhook API's semantics over HTTP, through the library's own client and
// transport: listing and its cursor, replays applying to the target state, reconciliation,
// and each switchable fault.
import { afterEach, describe, expect, it } from 'vitest';
import { replay as config } from '../../runbooks/webhook-delivery/replay.ts';
import { RecoveryApi, type CallRecord } from '../../src/replay/api.ts';
import { NodeTransport, TransportError } from '../../src/replay/transport.ts';
import { eventKey, leadId } from '../../src/webhook-api/seed.ts';
import { SCOPE, SEED, startApi, TOKEN, type Api } from './reference.ts';

const scope = SEED.scopes[0];
const key = (i: number) => eventKey(scope, i);

let api: Api | undefined;
let transport: NodeTransport | undefined;
afterEach(async () => {
  transport?.close();
  await api?.stop();
  api = transport = undefined;
});

function client(a: Api, opts: { token?: string; pageSize?: number; rateLimitRetries?: number } = {}) {
  transport?.close();
  transport = new NodeTransport({ baseUrl: a.server.url, token: opts.token ?? TOKEN, requestId: 'req-test-1', timeoutMs: 5000, rateLimitRetries: opts.rateLimitRetries ?? 3, maxRetryAfterMs: 5000 });
  const calls: CallRecord[] = [];
  return { api: new RecoveryApi(transport, config.endpoints, opts.pageSize ?? 200, (c) => calls.push(c)), calls, transport };
}

async function raw(a: Api, method: string, path: string, body?: unknown, token = TOKEN) {
  const r = await fetch(a.server.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': 'raw-1' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, headers: r.headers, body: await r.json() };
}

describe('reference webhook API', () => {
  it('lists newest first with the six fields, filters by scope and type, and pages with a cursor', async () => {
    api = await startApi();
    const { api: c, calls } = client(api, { pageSize: 7 });
    const all = await c.listEvents({ provider: 'smartlead', org: 'org-1', company: 'co-1' });
    expect(all).toHaveLength(60);
    expect(all[0]).toMatchObject({ event_key: key(59), status: expect.stringMatching(/^(received|failed)$/), replay_count: 0, created_at: '2026-02-16T00:00:59.000Z' });
    expect(all.map((e) => e.created_at)).toEqual([...all.map((e) => e.created_at)].sort().reverse());
    expect(calls.filter((x) => x.endpoint === 'events')).toHaveLength(Math.ceil(60 / 7));
    expect(all.filter((e) => e.status === 'failed').every((e) => typeof e.last_error === 'string')).toBe(true);
    const replies = await c.listEvents({ provider: 'smartlead', org: 'org-1', eventType: 'reply.received' });
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((e) => e.event_type === 'reply.received')).toBe(true);
    expect(await c.listEvents({ provider: 'heyreach', org: 'org-2' })).toEqual([]);
    expect(await c.listEvents({ provider: 'smartlead', limit: 9 })).toHaveLength(9);
    const bad = await raw(api, 'GET', `${config.endpoints.events}?provider_slug=smartlead&cursor=garbage`);
    expect(bad.status).toBe(400);
  });

  it('a replay applies the event to the local records, marks it replayed and counts it', async () => {
    api = await startApi();
    const { api: c } = client(api);
    // event 2 is a failed lead status change: its lead drifts until it is replayed
    const ev = api.store.getEvent('smartlead', key(2))!;
    expect(ev.status).toBe('failed');
    const out = await c.replayOne('smartlead', key(2));
    expect(out).toMatchObject({ status: 200, replayed: [key(2)], providerErrors: 0 });
    const after = api.store.getEvent('smartlead', key(2))!;
    expect(after).toMatchObject({ status: 'replayed', replay_count: 1, last_error: null });
    const again = await c.replayOne('smartlead', key(2));
    expect(again.replayed).toEqual([key(2)]);
    expect(api.store.getEvent('smartlead', key(2))!.replay_count).toBe(2);
    await expect(c.replayOne('smartlead', 'evt-missing')).rejects.toThrow(/no event 'evt-missing' for provider smartlead \(404\)/);
  });

  it('replay-query replays [from, to) oldest first up to the limit; replay-bulk names keys', async () => {
    api = await startApi();
    const { api: c } = client(api);
    const q = await c.replayQuery({ provider: 'smartlead', org: 'org-1', company: 'co-1', from: '2026-02-16T00:00:10Z', to: '2026-02-16T00:00:20Z', limit: 4 }, []);
    expect(q.replayed).toEqual([key(10), key(11), key(12), key(13)]);
    const b = await c.replayBulk('smartlead', [key(40), 'nope']);
    expect(b.replayed).toEqual([key(40)]);
    expect(b.failed).toEqual([{ event_key: 'nope', provider_status: undefined, error: 'no such event' }]);
    expect(b.providerErrors).toBe(0);
    const noScope = await raw(api, 'POST', config.endpoints.replayQuery, { provider_slug: 'smartlead', from_ts: '2026-02-16T00:00:00Z', to_ts: '2026-02-16T01:00:00Z' });
    expect(noScope).toMatchObject({ status: 400, body: { error: 'org_id or company_id is required' } });
    const tooMany = await raw(api, 'POST', config.endpoints.replayQuery, { provider_slug: 'smartlead', org_id: 'org-1', from_ts: '2026-02-16T00:00:00Z', to_ts: '2026-02-16T01:00:00Z', limit: 5000 });
    expect(tooMany.status).toBe(400);
  });

  it('reconciliation reports drift in a dry run and fixes it when applied', async () => {
    api = await startApi();
    const { api: c } = client(api);
    const before = api.store.stateDigest();
    const dry = await c.reconcile({ provider: 'smartlead', org: 'org-1', company: 'co-1', dryRun: true });
    expect(dry.drift.length).toBeGreaterThan(0);
    expect(dry.drift.some((d) => d.entity === 'lead' && d.field === 'status' && d.local !== d.provider)).toBe(true);
    expect(dry.drift.some((d) => d.entity === 'message' && d.local === null)).toBe(true);
    expect(dry.drift.every((d) => d.campaign_id?.startsWith('cmp-org-1-co-1-'))).toBe(true);
    expect(api.store.stateDigest()).toBe(before);
    const applied = await c.reconcile({ provider: 'smartlead', org: 'org-1', company: 'co-1', dryRun: false });
    expect(applied.fixed).toBe(dry.drift.length);
    expect((await c.reconcile({ provider: 'smartlead', company: 'co-1', dryRun: true })).drift).toEqual([]);
    // the other scope still drifts
    expect((await c.reconcile({ provider: 'smartlead', org: 'org-2', dryRun: true })).drift.length).toBeGreaterThan(0);
  });

  it('replaying every failed event of a scope clears its drift', async () => {
    api = await startApi();
    const { api: c } = client(api);
    const failed = (await c.listEvents({ provider: 'smartlead', org: 'org-1', company: 'co-1' })).filter((e) => e.status === 'failed').map((e) => e.event_key);
    await c.replayBulk('smartlead', failed);
    expect(api.store.drift(SCOPE)).toEqual([]);
  });

  it('faults: provider 4xx/5xx for some keys, success that changes nothing, 429 with Retry-After, slow answers', async () => {
    api = await startApi({ failKeys: { [key(3)]: 503, [key(4)]: 422 } });
    const { api: c } = client(api);
    const one = await c.replayOne('smartlead', key(3));
    expect(one).toMatchObject({ status: 502, replayed: [], providerErrors: 1, failed: [{ event_key: key(3), provider_status: 503 }] });
    expect(api.store.getEvent('smartlead', key(3))).toMatchObject({ status: 'failed', replay_count: 0, last_error: `provider responded 503 while fetching event ${key(3)}` });
    const bulk = await c.replayBulk('smartlead', [key(4), key(5)]);
    expect(bulk).toMatchObject({ replayed: [key(5)], providerErrors: 1 });

    // success that leaves the lead as it was
    const target = key(56); // the newest event of its lead, failed on arrival
    const ev = api.store.getEvent('smartlead', target)!;
    expect(ev.status).toBe('failed');
    const drifted = () => api!.store.drift(SCOPE).filter((d) => d.lead_id === ev.lead_id);
    const was = drifted();
    expect(was.length).toBeGreaterThan(0);
    api.server.faults = { unchangedKeys: [target] };
    expect((await c.replayOne('smartlead', target)).replayed).toEqual([target]);
    expect(api.store.getEvent('smartlead', target)).toMatchObject({ status: 'replayed', replay_count: 1 });
    expect(drifted()).toEqual(was);

    api.server.faults = { rateLimit: { every: 2, retryAfterSeconds: 1 } };
    const limited = await raw(api, 'GET', `${config.endpoints.events}?provider_slug=smartlead&limit=1`);
    const second = limited.status === 429 ? limited : await raw(api, 'GET', `${config.endpoints.events}?provider_slug=smartlead&limit=1`);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    const waited = client(api, { pageSize: 2 });
    const rows = await waited.api.listEvents({ provider: 'smartlead', org: 'org-1', limit: 6 });
    expect(rows).toHaveLength(6);
    expect(waited.calls.some((x) => x.rate_limited === 1 && x.status === 200)).toBe(true);

    // a slow answer runs into the client's per-request timeout
    api.server.faults = { delayMs: 1500 };
    transport?.close();
    const impatient = new NodeTransport({ baseUrl: api.server.url, token: TOKEN, requestId: 'req-test-2', timeoutMs: 200, rateLimitRetries: 0, maxRetryAfterMs: 0 });
    transport = impatient;
    await expect(new RecoveryApi(impatient, config.endpoints, 10).listEvents({ provider: 'smartlead', limit: 1 })).rejects.toThrow(/took longer than 200 ms/);
  });

  it('gives up on 429 after the allowed waits, and on a Retry-After longer than allowed', async () => {
    api = await startApi({ rateLimit: { every: 1, retryAfterSeconds: 0 } });
    const { api: c } = client(api, { rateLimitRetries: 2 });
    await expect(c.listEvents({ provider: 'smartlead' })).rejects.toThrow(/rate limited \(429\) 3 times on GET/);
    api.server.faults = { rateLimit: { every: 1, retryAfterSeconds: 3600 } };
    await expect(c.listEvents({ provider: 'smartlead' })).rejects.toThrow(TransportError);
  });

  it('refuses a wrong or missing token with 401, and logs the request id of every call', async () => {
    api = await startApi();
    const { api: bad } = client(api, { token: 'wrong' });
    await expect(bad.listEvents({ provider: 'smartlead' })).rejects.toThrow(/refused the token \(401/);
    const r = await fetch(api.server.url + config.endpoints.events + '?provider_slug=smartlead');
    expect(r.status).toBe(401);
    expect(api.store.requests().map((q) => q.request_id)).toEqual(['req-test-1', null]);
    expect(leadId(scope, 0, 0)).toBe('lead-org-1-co-1-0-0');
  });
});
