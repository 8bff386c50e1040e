// The reference webhook API: the five incident-recovery endpoints over a real SQLite store,
// with faults that can be switched on while it runs (PUT /__faults). For tests and demos;
// docs/webhook-api.md describes every route and answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReplayEndpoints } from '../contract/replay.ts';
import { WebhookStore, type StoredEvent } from './store.ts';

export interface Faults {
  /** Keys whose replay fails as if the provider answered this status (4xx or 5xx). */
  failKeys?: Record<string, number>;
  /** Keys (or '*') whose replay answers "replayed" but leaves campaigns/leads/messages untouched. */
  unchangedKeys?: string[] | '*';
  /** Delay before every answer. */
  delayMs?: number;
  /** Delay before replay answers only (one, bulk, query). */
  replayDelayMs?: number;
  /** Every n-th request (counted over all routes) is refused with 429 and this Retry-After. */
  rateLimit?: { every: number; retryAfterSeconds: number };
  /** Largest page the events listing returns, whatever `limit` asks. */
  maxPageSize?: number;
  /** Reconciliation answers this status (5xx: the provider fetch behind it fails). */
  reconcileFailStatus?: number;
  /** Applied reconciliation reports what it fixed but leaves the records as they were. */
  reconcileNoop?: boolean;
}

export interface ReferenceServerOptions {
  store: WebhookStore;
  token: string;
  endpoints: ReplayEndpoints;
  providers: readonly string[];
  faults?: Faults;
  host?: string;
  port?: number;
  /** Called as each request arrives, before any delay (tests use it to interrupt a client mid-call). */
  onRequest?: (method: string, path: string) => void;
}

export interface ReferenceServer {
  readonly url: string;
  readonly store: WebhookStore;
  faults: Faults;
  stop(): Promise<void>;
}

/** Server-side cap on query replay and page sizes. */
export const SERVER_MAX_LIMIT = 1000;
const MAX_BODY = 1024 * 1024;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function publicEvent(e: StoredEvent) {
  return {
    event_key: e.event_key,
    provider_slug: e.provider_slug,
    org_id: e.org_id,
    company_id: e.company_id,
    campaign_id: e.campaign_id,
    lead_id: e.lead_id,
    event_type: e.event_type,
    status: e.status,
    replay_count: e.replay_count,
    last_error: e.last_error,
    created_at: iso(e.created_ms),
  };
}

function encodeCursor(e: StoredEvent): string {
  return Buffer.from(JSON.stringify([e.created_ms, e.event_key])).toString('base64url');
}

function decodeCursor(c: string): { ms: number; key: string } {
  try {
    const [ms, key] = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (typeof ms === 'number' && typeof key === 'string') return { ms, key };
  } catch {
    // fall through
  }
  throw new HttpProblem(400, 'cursor is not one this server gave out');
}

function instant(name: string, v: unknown): number {
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw new HttpProblem(400, `${name} must be an ISO-8601 time`);
  return ms;
}

function limitOf(v: unknown, dflt: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > SERVER_MAX_LIMIT) throw new HttpProblem(400, `limit must be an integer from 1 to ${SERVER_MAX_LIMIT}`);
  return n;
}

const optStr = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpProblem(413, 'body too large');
    chunks.push(c as Buffer);
  }
  if (!size) return {};
  try {
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof doc === 'object' && doc !== null && !Array.isArray(doc)) return doc;
  } catch {
    // fall through
  }
  throw new HttpProblem(400, 'body must be a JSON object');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startReferenceServer(opts: ReferenceServerOptions): Promise<ReferenceServer> {
  const { store, endpoints } = opts;
  const state = { faults: { ...(opts.faults ?? {}) } as Faults, requests: 0 };
  const oneRe = new RegExp(
    '^' + endpoints.replayOne.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('{provider}', '([^/]+)').replace('{key}', '([^/]+)') + '$',
  );

  const provider = (v: unknown) => {
    const p = optStr(v);
    if (!p) throw new HttpProblem(400, 'provider_slug is required');
    if (!opts.providers.includes(p)) throw new HttpProblem(400, `unknown provider_slug '${p}'`);
    return p;
  };

  /** Replays one stored event, honouring the fault switches. */
  const replay = (e: StoredEvent) => {
    const failStatus = state.faults.failKeys?.[e.event_key];
    if (failStatus !== undefined) {
      const error = `provider responded ${failStatus} while fetching event ${e.event_key}`;
      store.markFailed(e, error);
      return { event_key: e.event_key, status: 'failed' as const, error, provider_status: failStatus };
    }
    const u = state.faults.unchangedKeys;
    const unchanged = u === '*' || (Array.isArray(u) && u.includes(e.event_key));
    const after = store.markReplayed(e, !unchanged);
    return { event_key: e.event_key, status: 'replayed' as const, replay_count: after.replay_count };
  };

  const results = (rs: ReturnType<typeof replay>[]) => ({
    requested: rs.length,
    replayed: rs.filter((r) => r.status === 'replayed').length,
    failed: rs.filter((r) => r.status !== 'replayed').length,
    results: rs,
  });

  async function route(req: IncomingMessage, url: URL): Promise<[number, unknown]> {
    const p = url.pathname;
    const isReplay = p === endpoints.replayBulk || p === endpoints.replayQuery || oneRe.test(p);
    if (isReplay && state.faults.replayDelayMs) await sleep(state.faults.replayDelayMs);

    if (p === '/__faults') {
      if (req.method === 'PUT') state.faults = (await readJson(req)) as Faults;
      return [200, state.faults];
    }
    if (req.method === 'GET' && p === endpoints.events) {
      const q = url.searchParams;
      const cap = Math.min(state.faults.maxPageSize ?? SERVER_MAX_LIMIT, SERVER_MAX_LIMIT);
      const limit = Math.min(limitOf(q.get('limit'), 100), cap);
      const cursor = q.get('cursor');
      const rows = store.listEvents({
        provider: provider(q.get('provider_slug')),
        org: optStr(q.get('org_id')),
        company: optStr(q.get('company_id')),
        eventType: optStr(q.get('event_type')),
        fromMs: q.get('from_ts') ? instant('from_ts', q.get('from_ts')) : undefined,
        toMs: q.get('to_ts') ? instant('to_ts', q.get('to_ts')) : undefined,
        limit: limit + 1,
        after: cursor ? decodeCursor(cursor) : undefined,
      });
      const page = rows.slice(0, limit);
      const next = rows.length > limit ? encodeCursor(page[page.length - 1]) : null;
      return [200, { events: page.map(publicEvent), next_cursor: next }];
    }
    if (req.method !== 'POST') throw new HttpProblem(404, `no route ${req.method} ${p}`);
    const one = oneRe.exec(p);
    if (one) {
      const prov = provider(decodeURIComponent(one[1]));
      const key = decodeURIComponent(one[2]);
      const e = store.getEvent(prov, key);
      if (!e) throw new HttpProblem(404, `no event ${key} for ${prov}`);
      const r = replay(e);
      return [r.status === 'replayed' ? 200 : 502, { provider_slug: prov, ...r }];
    }
    if (p === endpoints.replayBulk) {
      const body = await readJson(req);
      const prov = provider(body.provider_slug);
      const keys = body.event_keys;
      if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string')) throw new HttpProblem(400, 'event_keys must be a non-empty array of strings');
      if (keys.length > SERVER_MAX_LIMIT) throw new HttpProblem(400, `at most ${SERVER_MAX_LIMIT} event_keys`);
      const rs = (keys as string[]).map((k) => {
        const e = store.getEvent(prov, k);
        return e ? replay(e) : { event_key: k, status: 'not_found' as const, error: 'no such event' };
      });
      return [200, { provider_slug: prov, ...results(rs as ReturnType<typeof replay>[]) }];
    }
    if (p === endpoints.replayQuery) {
      const body = await readJson(req);
      const prov = provider(body.provider_slug);
      const org = optStr(body.org_id);
      const company = optStr(body.company_id);
      if (!org && !company) throw new HttpProblem(400, 'org_id or company_id is required');
      const fromMs = instant('from_ts', body.from_ts);
      const toMs = instant('to_ts', body.to_ts);
      if (toMs <= fromMs) throw new HttpProblem(400, 'to_ts must be after from_ts');
      const limit = limitOf(body.limit, 200);
      const rs = store.eventsInWindow({ provider: prov, org, company, fromMs, toMs, limit }).map(replay);
      return [200, { provider_slug: prov, org_id: org ?? null, company_id: company ?? null, from_ts: iso(fromMs), to_ts: iso(toMs), limit, ...results(rs) }];
    }
    if (p === endpoints.reconcile) {
      const body = await readJson(req);
      const prov = provider(body.provider_slug);
      const org = optStr(body.org_id);
      const company = optStr(body.company_id);
      if (!org && !company) throw new HttpProblem(400, 'org_id or company_id is required');
      if (body.dry_run !== undefined && typeof body.dry_run !== 'boolean') throw new HttpProblem(400, 'dry_run must be a boolean');
      const dryRun = body.dry_run !== false;
      if (state.faults.reconcileFailStatus) throw new HttpProblem(state.faults.reconcileFailStatus, `provider fetch failed while reconciling (${state.faults.reconcileFailStatus})`);
      const drift = dryRun || state.faults.reconcileNoop ? store.drift({ provider: prov, org, company }) : store.fixDrift({ provider: prov, org, company });
      return [200, { provider_slug: prov, org_id: org ?? null, company_id: company ?? null, dry_run: dryRun, drift, fixed: dryRun ? 0 : drift.length }];
    }
    throw new HttpProblem(404, `no route ${req.method} ${p}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestId = typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : undefined;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (url.pathname !== '/__faults') store.logRequest({ request_id: requestId, method: req.method ?? '', path: url.pathname, status });
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}), ...headers });
      res.end(text);
    };
    try {
      opts.onRequest?.(req.method ?? '', url.pathname);
      if (state.faults.delayMs) await sleep(state.faults.delayMs);
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { error: 'invalid or missing super-admin token' });
      const rl = state.faults.rateLimit;
      state.requests++;
      if (rl && rl.every > 0 && url.pathname !== '/__faults' && state.requests % rl.every === 0) {
        return send(429, { error: 'rate limited' }, { 'retry-after': String(rl.retryAfterSeconds) });
      }
      const [status, body] = await route(req, url);
      send(status, body);
    } catch (err) {
      if (err instanceof HttpProblem) send(err.status, { error: err.message });
      else send(500, { error: 'internal error' });
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    store,
    get faults() {
      return state.faults;
    },
    set faults(f: Faults) {
      state.faults = { ...f };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
