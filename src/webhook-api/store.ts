// The reference webhook API's store: webhook events and the small target state they write to
// (campaigns, leads, messages), both as this service holds it ("local") and as the provider
// does. SQLite through better-sqlite3, in a file or in memory; every change is a transaction.
import Database from 'better-sqlite3';

export interface StoredEvent {
  event_key: string;
  provider_slug: string;
  org_id: string;
  company_id: string;
  campaign_id: string;
  lead_id: string | null;
  event_type: EventType;
  payload: EventPayload;
  status: 'received' | 'failed' | 'replayed';
  replay_count: number;
  last_error: string | null;
  created_ms: number;
}

export const EVENT_TYPES = ['lead.status_changed', 'reply.received', 'campaign.status_changed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type EventPayload = { status: string } | { message_id: string; body: string };

export interface DriftRow {
  entity: 'campaign' | 'lead' | 'message';
  id: string;
  campaign_id: string;
  lead_id: string | null;
  field: string;
  local: string | null;
  provider: string | null;
}

export interface ScopeFilter {
  provider: string;
  org?: string;
  company?: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  provider_slug TEXT NOT NULL, event_key TEXT NOT NULL, org_id TEXT NOT NULL, company_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL, lead_id TEXT, event_type TEXT NOT NULL, payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('received','failed','replayed')),
  replay_count INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_ms INTEGER NOT NULL,
  PRIMARY KEY (provider_slug, event_key));
CREATE INDEX IF NOT EXISTS events_time ON events (provider_slug, created_ms, event_key);
CREATE TABLE IF NOT EXISTS campaigns (
  side TEXT NOT NULL CHECK (side IN ('local','provider')), campaign_id TEXT NOT NULL, provider_slug TEXT NOT NULL,
  org_id TEXT NOT NULL, company_id TEXT NOT NULL, status TEXT, applied_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (side, campaign_id));
CREATE TABLE IF NOT EXISTS leads (
  side TEXT NOT NULL CHECK (side IN ('local','provider')), lead_id TEXT NOT NULL, campaign_id TEXT NOT NULL,
  status TEXT, applied_ms INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (side, lead_id));
CREATE TABLE IF NOT EXISTS messages (
  side TEXT NOT NULL CHECK (side IN ('local','provider')), message_id TEXT NOT NULL, lead_id TEXT NOT NULL,
  campaign_id TEXT NOT NULL, PRIMARY KEY (side, message_id));
CREATE INDEX IF NOT EXISTS campaigns_scope ON campaigns (side, provider_slug, org_id, company_id);
CREATE INDEX IF NOT EXISTS leads_campaign ON leads (side, campaign_id);
CREATE INDEX IF NOT EXISTS messages_campaign ON messages (side, campaign_id);
CREATE TABLE IF NOT EXISTS requests (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, request_id TEXT, method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL);
`;

type Row = Record<string, unknown>;

function toEvent(r: Row): StoredEvent {
  return { ...(r as unknown as StoredEvent), payload: JSON.parse(String(r.payload)) };
}

export class WebhookStore {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private db_transaction<A extends unknown[], R>(fn: (...a: A) => R): (...a: A) => R {
    let tx: ((...a: A) => R) | undefined;
    return (...a: A) => (tx ??= this.db.transaction(fn) as unknown as (...a: A) => R)(...a);
  }

  /** Prepared once per SQL text: preparing costs more than running these small queries. */
  private stmt(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  constructor(file = ':memory:') {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
  }

  close(): void {
    this.db.close();
  }

  // ---- seeding -------------------------------------------------------------------------

  ensureCampaign(c: { campaign_id: string; provider_slug: string; org_id: string; company_id: string; status: string }): void {
    const ins = this.stmt('INSERT OR IGNORE INTO campaigns (side, campaign_id, provider_slug, org_id, company_id, status) VALUES (?,?,?,?,?,?)');
    for (const side of ['local', 'provider']) ins.run(side, c.campaign_id, c.provider_slug, c.org_id, c.company_id, c.status);
  }

  ensureLead(l: { lead_id: string; campaign_id: string; status: string }): void {
    const ins = this.stmt('INSERT OR IGNORE INTO leads (side, lead_id, campaign_id, status) VALUES (?,?,?,?)');
    for (const side of ['local', 'provider']) ins.run(side, l.lead_id, l.campaign_id, l.status);
  }

  /**
   * Records an event as it arrived. The provider side always reflects it; the local side only
   * when it was processed (`received`). A `failed` event is the missed update a replay repairs.
   */
  addEvent(e: Omit<StoredEvent, 'replay_count' | 'status' | 'last_error'> & { status: 'received' | 'failed'; last_error?: string | null }): void {
    this.db
      .prepare(
        'INSERT INTO events (provider_slug, event_key, org_id, company_id, campaign_id, lead_id, event_type, payload, status, replay_count, last_error, created_ms) VALUES (?,?,?,?,?,?,?,?,?,0,?,?)',
      )
      .run(e.provider_slug, e.event_key, e.org_id, e.company_id, e.campaign_id, e.lead_id, e.event_type, JSON.stringify(e.payload), e.status, e.last_error ?? null, e.created_ms);
    const ev = { ...e, replay_count: 0, last_error: e.last_error ?? null } as StoredEvent;
    this.apply('provider', ev);
    if (e.status === 'received') this.apply('local', ev);
  }

  /** Writes an event into one side's records; older events never overwrite newer state. */
  apply(side: 'local' | 'provider', e: StoredEvent): void {
    if (e.event_type === 'lead.status_changed' && e.lead_id && 'status' in e.payload) {
      this.stmt('UPDATE leads SET status = ?, applied_ms = ? WHERE side = ? AND lead_id = ? AND applied_ms <= ?').run(e.payload.status, e.created_ms, side, e.lead_id, e.created_ms);
    } else if (e.event_type === 'campaign.status_changed' && 'status' in e.payload) {
      this.stmt('UPDATE campaigns SET status = ?, applied_ms = ? WHERE side = ? AND campaign_id = ? AND applied_ms <= ?').run(e.payload.status, e.created_ms, side, e.campaign_id, e.created_ms);
    } else if (e.event_type === 'reply.received' && e.lead_id && 'message_id' in e.payload) {
      this.stmt('INSERT OR IGNORE INTO messages (side, message_id, lead_id, campaign_id) VALUES (?,?,?,?)').run(side, e.payload.message_id, e.lead_id, e.campaign_id);
    }
  }

  // ---- events --------------------------------------------------------------------------

  /**
   * Events of a scope, newest first (created_at, then key, both descending). `after` is the
   * keyset cursor: the created_ms and key of the last row of the previous page.
   */
  listEvents(f: ScopeFilter & { eventType?: string; fromMs?: number; toMs?: number; limit: number; after?: { ms: number; key: string } }): StoredEvent[] {
    const where = ['provider_slug = @provider'];
    if (f.org !== undefined) where.push('org_id = @org');
    if (f.company !== undefined) where.push('company_id = @company');
    if (f.eventType !== undefined) where.push('event_type = @eventType');
    if (f.fromMs !== undefined) where.push('created_ms >= @fromMs');
    if (f.toMs !== undefined) where.push('created_ms < @toMs');
    if (f.after) where.push('(created_ms < @afterMs OR (created_ms = @afterMs AND event_key < @afterKey))');
    const sql = `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY created_ms DESC, event_key DESC LIMIT @limit`;
    return this.db
      .prepare(sql)
      .all({ provider: f.provider, org: f.org, company: f.company, eventType: f.eventType, fromMs: f.fromMs, toMs: f.toMs, afterMs: f.after?.ms, afterKey: f.after?.key, limit: f.limit })
      .map((r) => toEvent(r as Row));
  }

  getEvent(provider: string, key: string): StoredEvent | undefined {
    const r = this.stmt('SELECT * FROM events WHERE provider_slug = ? AND event_key = ?').get(provider, key) as Row | undefined;
    return r ? toEvent(r) : undefined;
  }

  /** Events of a scope in [fromMs, toMs), oldest first, at most `limit`: what replay-query replays. */
  eventsInWindow(f: ScopeFilter & { fromMs: number; toMs: number; limit: number }): StoredEvent[] {
    const where = ['provider_slug = @provider', 'created_ms >= @fromMs', 'created_ms < @toMs'];
    if (f.org !== undefined) where.push('org_id = @org');
    if (f.company !== undefined) where.push('company_id = @company');
    return this.db
      .prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY created_ms, event_key LIMIT @limit`)
      .all({ provider: f.provider, org: f.org, company: f.company, fromMs: f.fromMs, toMs: f.toMs, limit: f.limit })
      .map((r) => toEvent(r as Row));
  }

  /** A successful replay: the event applied locally (unless `applyState` is false), marked replayed. */
  markReplayed(e: StoredEvent, applyState: boolean): StoredEvent {
    return this.replayTx(e, applyState);
  }

  // created once: building a transaction function prepares its BEGIN/COMMIT statements
  private readonly replayTx = this.db_transaction((e: StoredEvent, applyState: boolean) => {
    if (applyState) this.apply('local', e);
    this.stmt("UPDATE events SET status = 'replayed', replay_count = replay_count + 1, last_error = NULL WHERE provider_slug = ? AND event_key = ?").run(e.provider_slug, e.event_key);
    return this.getEvent(e.provider_slug, e.event_key)!;
  });

  markFailed(e: StoredEvent, error: string): StoredEvent {
    this.stmt("UPDATE events SET status = 'failed', last_error = ? WHERE provider_slug = ? AND event_key = ?").run(error, e.provider_slug, e.event_key);
    return this.getEvent(e.provider_slug, e.event_key)!;
  }

  // ---- reconciliation -------------------------------------------------------------------

  /** Local records that differ from the provider's, within a scope, in a stable order. */
  drift(f: ScopeFilter): DriftRow[] {
    const scope = ['c.provider_slug = @provider'];
    if (f.org !== undefined) scope.push('c.org_id = @org');
    if (f.company !== undefined) scope.push('c.company_id = @company');
    const sc = scope.join(' AND ');
    const params = { provider: f.provider, org: f.org, company: f.company };
    const campaigns = this.db
      .prepare(
        `SELECT 'campaign' AS entity, c.campaign_id AS id, c.campaign_id, NULL AS lead_id, 'status' AS field, c.status AS local, p.status AS provider
         FROM campaigns c JOIN campaigns p ON p.side = 'provider' AND p.campaign_id = c.campaign_id
         WHERE c.side = 'local' AND ${sc} AND c.status IS NOT p.status ORDER BY c.campaign_id`,
      )
      .all(params) as DriftRow[];
    const leads = this.db
      .prepare(
        `SELECT 'lead' AS entity, l.lead_id AS id, l.campaign_id, l.lead_id, 'status' AS field, l.status AS local, p.status AS provider
         FROM leads l JOIN leads p ON p.side = 'provider' AND p.lead_id = l.lead_id
         JOIN campaigns c ON c.side = 'local' AND c.campaign_id = l.campaign_id
         WHERE l.side = 'local' AND ${sc} AND l.status IS NOT p.status ORDER BY l.lead_id`,
      )
      .all(params) as DriftRow[];
    const messages = this.db
      .prepare(
        `SELECT 'message' AS entity, m.message_id AS id, m.campaign_id, m.lead_id, 'present' AS field, NULL AS local, 'yes' AS provider
         FROM messages m JOIN campaigns c ON c.side = 'local' AND c.campaign_id = m.campaign_id
         WHERE m.side = 'provider' AND ${sc}
           AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.side = 'local' AND x.message_id = m.message_id) ORDER BY m.message_id`,
      )
      .all(params) as DriftRow[];
    return [...campaigns, ...leads, ...messages];
  }

  /** Copies the provider's records over the drifted local ones; returns what it fixed. */
  fixDrift(f: ScopeFilter): DriftRow[] {
    return this.db.transaction(() => {
      const found = this.drift(f);
      for (const d of found) {
        if (d.entity === 'campaign') {
          this.stmt("UPDATE campaigns SET status = (SELECT status FROM campaigns WHERE side = 'provider' AND campaign_id = ?), applied_ms = (SELECT applied_ms FROM campaigns WHERE side = 'provider' AND campaign_id = ?) WHERE side = 'local' AND campaign_id = ?").run(d.id, d.id, d.id);
        } else if (d.entity === 'lead') {
          this.stmt("UPDATE leads SET status = (SELECT status FROM leads WHERE side = 'provider' AND lead_id = ?), applied_ms = (SELECT applied_ms FROM leads WHERE side = 'provider' AND lead_id = ?) WHERE side = 'local' AND lead_id = ?").run(d.id, d.id, d.id);
        } else {
          this.stmt("INSERT OR IGNORE INTO messages (side, message_id, lead_id, campaign_id) VALUES ('local', ?, ?, ?)").run(d.id, d.lead_id, d.campaign_id);
        }
      }
      return found;
    })();
  }

  // ---- bookkeeping for tests and demos --------------------------------------------------

  logRequest(r: { request_id: string | undefined; method: string; path: string; status: number }): void {
    this.stmt('INSERT INTO requests (request_id, method, path, status) VALUES (?,?,?,?)').run(r.request_id ?? null, r.method, r.path, r.status);
  }

  requests(): { request_id: string | null; method: string; path: string; status: number }[] {
    return this.stmt('SELECT request_id, method, path, status FROM requests ORDER BY seq').all() as never;
  }

  /** replay_count of every event of a provider, by key. */
  replayCounts(provider: string): Map<string, number> {
    const rows = this.stmt('SELECT event_key, replay_count FROM events WHERE provider_slug = ?').all(provider) as { event_key: string; replay_count: number }[];
    return new Map(rows.map((r) => [r.event_key, r.replay_count]));
  }

  /** A fingerprint of all mutable state (events and local records), to show a dry run changed nothing. */
  stateDigest(): string {
    const parts = [
      this.stmt('SELECT provider_slug, event_key, status, replay_count, last_error FROM events ORDER BY provider_slug, event_key').all(),
      this.stmt("SELECT campaign_id, status FROM campaigns WHERE side = 'local' ORDER BY campaign_id").all(),
      this.stmt("SELECT lead_id, status FROM leads WHERE side = 'local' ORDER BY lead_id").all(),
      this.stmt("SELECT message_id FROM messages WHERE side = 'local' ORDER BY message_id").all(),
    ];
    return JSON.stringify(parts);
  }
}
