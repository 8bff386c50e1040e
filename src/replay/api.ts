// The five recovery endpoints as typed calls over a Transport. Every call is reported to
// `onCall` (the incident record writes it down, redacted); answers are checked for shape.
import type { ReplayEndpoints } from '../contract/replay.ts';
import type { CallOutcome, Drift, EventRow } from './plan.ts';
import type { HttpRequest, HttpResponse, Transport } from './transport.ts';

export type EndpointName = keyof ReplayEndpoints;

export interface CallRecord {
  endpoint: EndpointName;
  method: HttpRequest['method'];
  path: string;
  query?: HttpRequest['query'];
  body?: unknown;
  status: number;
  response: string;
  ms: number;
  rate_limited: number;
}

/** The API said no in a way the operator must fix: bad token (401/403) or a malformed answer. */
export class ApiError extends Error {
  constructor(
    readonly kind: 'auth' | 'server' | 'malformed' | 'not_found',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface EventFilters {
  provider: string;
  org?: string;
  company?: string;
  eventType?: string;
  /** Narrowing hints; rows are filtered again on this side, so a server that ignores them only costs pages. */
  fromTs?: string;
  toTs?: string;
  /** Stop after this many rows (all pages when absent). */
  limit?: number;
}

export interface ReconcileResult {
  drift: Drift[];
  fixed: number;
  status: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(r: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(r.body);
  } catch {
    throw new ApiError('malformed', `${what}: answer ${r.status} is not JSON`, r.status);
  }
}

function eventRow(v: unknown): EventRow | undefined {
  if (!isObj(v) || typeof v.event_key !== 'string' || typeof v.status !== 'string' || typeof v.replay_count !== 'number' || typeof v.created_at !== 'string') return undefined;
  const str = (x: unknown) => (typeof x === 'string' ? x : x === null || x === undefined ? null : String(x));
  return {
    event_key: v.event_key,
    provider_slug: String(v.provider_slug ?? ''),
    org_id: String(v.org_id ?? ''),
    company_id: String(v.company_id ?? ''),
    campaign_id: str(v.campaign_id),
    lead_id: str(v.lead_id),
    event_type: String(v.event_type ?? ''),
    status: v.status,
    replay_count: v.replay_count,
    last_error: str(v.last_error),
    created_at: v.created_at,
  };
}

function driftItem(v: unknown): Drift | undefined {
  if (!isObj(v) || typeof v.entity !== 'string' || v.id === undefined) return undefined;
  const str = (x: unknown) => (x === null || x === undefined ? null : String(x));
  return { entity: v.entity, id: String(v.id), campaign_id: str(v.campaign_id), lead_id: str(v.lead_id), field: String(v.field ?? ''), local: v.local ?? null, provider: v.provider ?? null };
}

/** Provider failures (4xx/5xx) behind a replay answer, kept apart from our own mistakes (401, 403, 404, 429). */
export const isProviderFailureStatus = (s: number) => s >= 400 && ![401, 403, 404, 429].includes(s);

export class RecoveryApi {
  constructor(
    private readonly transport: Transport,
    private readonly endpoints: ReplayEndpoints,
    private readonly pageSize: number,
    private readonly onCall: (c: CallRecord) => void = () => {},
  ) {}

  private async call(endpoint: EndpointName, req: HttpRequest): Promise<HttpResponse> {
    const r = await this.transport.send(req);
    this.onCall({ endpoint, method: req.method, path: req.path, query: req.query, body: req.body, status: r.status, response: r.body, ms: r.ms, rate_limited: r.rateLimited });
    if (r.status === 401 || r.status === 403) {
      throw new ApiError('auth', `the API refused the token (${r.status} on ${req.method} ${req.path}); check the token's value and that it is a super-admin token`, r.status);
    }
    return r;
  }

  /** Every event matching the filters, following `next_cursor` page by page. */
  async listEvents(f: EventFilters): Promise<EventRow[]> {
    const out: EventRow[] = [];
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const want = f.limit === undefined ? this.pageSize : Math.min(this.pageSize, f.limit - out.length);
      const r = await this.call('events', {
        method: 'GET',
        path: this.endpoints.events,
        query: { provider_slug: f.provider, org_id: f.org, company_id: f.company, event_type: f.eventType, from_ts: f.fromTs, to_ts: f.toTs, limit: String(want), cursor },
      });
      if (r.status !== 200) throw new ApiError('server', `listing events failed: ${r.status} ${r.body.slice(0, 200)}`, r.status);
      const doc = parseJson(r, 'listing events');
      const rows = isObj(doc) && Array.isArray(doc.events) ? doc.events : Array.isArray(doc) ? doc : undefined;
      if (!rows) throw new ApiError('malformed', 'listing events: the answer has no "events" array');
      for (const raw of rows) {
        const row = eventRow(raw);
        if (!row) throw new ApiError('malformed', 'listing events: an event lacks event_key, status, replay_count or created_at');
        // filter again: a server may ignore the narrowing hints
        if (row.provider_slug && row.provider_slug !== f.provider) continue;
        if (f.org !== undefined && row.org_id !== f.org) continue;
        if (f.company !== undefined && row.company_id !== f.company) continue;
        if (f.eventType !== undefined && row.event_type !== f.eventType) continue;
        const t = Date.parse(row.created_at);
        if (f.fromTs !== undefined && t < Date.parse(f.fromTs)) continue;
        if (f.toTs !== undefined && t >= Date.parse(f.toTs)) continue;
        if (seen.has(row.event_key)) continue;
        seen.add(row.event_key);
        out.push(row);
        if (f.limit !== undefined && out.length >= f.limit) return out;
      }
      const next = isObj(doc) && typeof doc.next_cursor === 'string' && doc.next_cursor !== '' ? doc.next_cursor : undefined;
      if (!next || rows.length === 0 || next === cursor) return out;
      cursor = next;
    }
  }

  async replayOne(provider: string, key: string): Promise<CallOutcome & { status: number }> {
    const path = this.endpoints.replayOne.replace('{provider}', encodeURIComponent(provider)).replace('{key}', encodeURIComponent(key));
    const r = await this.call('replayOne', { method: 'POST', path });
    if (r.status === 404) throw new ApiError('not_found', `no event '${key}' for provider ${provider} (404)`, 404);
    let doc: unknown;
    try {
      doc = JSON.parse(r.body);
    } catch {
      doc = undefined;
    }
    if (r.status === 200 && isObj(doc) && doc.status === 'replayed') return { status: r.status, replayed: [key], failed: [], providerErrors: 0 };
    const providerStatus = isObj(doc) && typeof doc.provider_status === 'number' ? doc.provider_status : r.status;
    const error = isObj(doc) && typeof doc.error === 'string' ? doc.error : `answer ${r.status}`;
    const counts = isProviderFailureStatus(r.status) || isProviderFailureStatus(providerStatus);
    return { status: r.status, replayed: [], failed: [{ event_key: key, provider_status: providerStatus, error }], providerErrors: counts ? 1 : 0 };
  }

  async replayBulk(provider: string, keys: string[]): Promise<CallOutcome & { status: number }> {
    const body = { provider_slug: provider, event_keys: keys };
    return this.outcome(await this.call('replayBulk', { method: 'POST', path: this.endpoints.replayBulk, body }), keys);
  }

  async replayQuery(q: { provider: string; org?: string; company?: string; from: string; to: string; limit: number }, keys: string[]): Promise<CallOutcome & { status: number }> {
    const body = { provider_slug: q.provider, org_id: q.org, company_id: q.company, from_ts: q.from, to_ts: q.to, limit: q.limit };
    return this.outcome(await this.call('replayQuery', { method: 'POST', path: this.endpoints.replayQuery, body }), keys);
  }

  /** A bulk or query answer: per-key results when the server gives them; a failed call fails every key. */
  private outcome(r: HttpResponse, keys: string[]): CallOutcome & { status: number } {
    let doc: unknown;
    try {
      doc = JSON.parse(r.body);
    } catch {
      doc = undefined;
    }
    if (r.status !== 200) {
      const error = isObj(doc) && typeof doc.error === 'string' ? doc.error : `answer ${r.status}`;
      return { status: r.status, replayed: [], failed: keys.map((k) => ({ event_key: k, provider_status: r.status, error })), providerErrors: isProviderFailureStatus(r.status) ? 1 : 0 };
    }
    const results = isObj(doc) && Array.isArray(doc.results) ? doc.results : [];
    const out: CallOutcome & { status: number } = { status: r.status, replayed: [], failed: [], providerErrors: 0 };
    for (const raw of results) {
      if (!isObj(raw) || typeof raw.event_key !== 'string') continue;
      if (raw.status === 'replayed') out.replayed.push(raw.event_key);
      else {
        const ps = typeof raw.provider_status === 'number' ? raw.provider_status : undefined;
        out.failed.push({ event_key: raw.event_key, provider_status: ps, error: typeof raw.error === 'string' ? raw.error : undefined });
        if (ps !== undefined && isProviderFailureStatus(ps)) out.providerErrors++;
      }
    }
    return out;
  }

  async reconcile(q: { provider: string; org?: string; company?: string; dryRun: boolean }): Promise<ReconcileResult> {
    const body = { provider_slug: q.provider, org_id: q.org, company_id: q.company, dry_run: q.dryRun };
    const r = await this.call('reconcile', { method: 'POST', path: this.endpoints.reconcile, body });
    if (r.status !== 200) throw new ApiError('server', `reconciliation${q.dryRun ? ' (dry run)' : ''} failed: ${r.status} ${r.body.slice(0, 200)}`, r.status);
    const doc = parseJson(r, 'reconciliation');
    if (!isObj(doc) || !Array.isArray(doc.drift)) throw new ApiError('malformed', 'reconciliation: the answer has no "drift" array');
    const drift: Drift[] = [];
    for (const raw of doc.drift) {
      const d = driftItem(raw);
      if (!d) throw new ApiError('malformed', 'reconciliation: a drift item lacks entity or id');
      drift.push(d);
    }
    return { drift, fixed: typeof doc.fixed === 'number' ? doc.fixed : 0, status: r.status };
  }
}
