// The recovery runbook's safety rules as pure decisions over plain data: scope checks, the
// "single replay first" rule, batch planning, batch verification and when to escalate.
// Nothing here does I/O; the runner feeds it what the API and the incident record say.
import type { ReplayConfig } from '../contract/replay.ts';

export const EVENT_STATUSES = ['received', 'failed', 'replayed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** One row of the events listing. */
export interface EventRow {
  event_key: string;
  provider_slug: string;
  org_id: string;
  company_id: string;
  campaign_id: string | null;
  lead_id: string | null;
  event_type: string;
  status: EventStatus | string;
  replay_count: number;
  last_error: string | null;
  created_at: string;
}

/** One mismatch the reconciliation reports between local records and the provider. */
export interface Drift {
  entity: string;
  id: string;
  campaign_id: string | null;
  lead_id: string | null;
  field: string;
  local: unknown;
  provider: unknown;
}

export interface Scope {
  provider: string;
  org?: string;
  company?: string;
}

export type ReplayCommand = 'list' | 'one' | 'keys' | 'window' | 'reconcile';

export const scopeLabel = (s: Scope) =>
  [`provider ${s.provider}`, s.org !== undefined ? `org ${s.org}` : '', s.company !== undefined ? `company ${s.company}` : ''].filter(Boolean).join(', ');

/** Why this scope may not be used for this command (undefined: it may). */
export function scopeProblem(cmd: ReplayCommand, scope: Scope, config: Pick<ReplayConfig, 'providers'>): string | undefined {
  if (!config.providers.includes(scope.provider)) {
    return `unknown provider '${scope.provider}' (configured: ${config.providers.join(', ')})`;
  }
  for (const [flag, v] of [['--org', scope.org], ['--company', scope.company]] as const) {
    if (v !== undefined && v.trim() === '') return `${flag} must not be empty`;
  }
  if ((cmd === 'window' || cmd === 'reconcile') && scope.org === undefined && scope.company === undefined) {
    return `${cmd === 'window' ? 'replay window' : 'reconcile'} needs a scope: give --org or --company (or both) besides the provider`;
  }
  return undefined;
}

/** Why this batch size may not be used (undefined: it may). */
export function batchSizeProblem(size: number, config: Pick<ReplayConfig, 'batch'>): string | undefined {
  if (!Number.isInteger(size) || size < 1 || size > config.batch.maxSize) {
    return `--batch-size must be an integer from 1 to ${config.batch.maxSize}, got ${Number.isNaN(size) ? 'not a number' : size}`;
  }
  return undefined;
}

/** A single replay that was verified: its event's scope, as the incident record keeps it. */
export interface VerifiedSingle {
  provider: string;
  org_id: string;
  company_id: string;
  event_key: string;
}

/**
 * The "single replay first" rule: keys and window replays need a verified single replay in
 * the same scope in this incident. A scope without org/company matches any single of the provider.
 */
export function widenDecision(
  scope: Scope,
  singles: readonly VerifiedSingle[],
  override: boolean,
): { allowed: true; by: 'single' | 'override'; single?: VerifiedSingle } | { allowed: false; reason: string } {
  const single = singles.find(
    (s) => s.provider === scope.provider && (scope.org === undefined || s.org_id === scope.org) && (scope.company === undefined || s.company_id === scope.company),
  );
  if (single) return { allowed: true, by: 'single', single };
  if (override) return { allowed: true, by: 'override' };
  return {
    allowed: false,
    reason: `refused: no verified single replay in ${scopeLabel(scope)} in this incident; run 'slogate replay one ${scope.provider} KEY' first (or pass --i-have-verified-a-single-replay)`,
  };
}

export interface Window {
  from: string;
  to: string;
}

/** ISO-8601 instant to epoch ms, or NaN. Needs a date and a time with a zone. */
export function parseInstant(s: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) return Number.NaN;
  return Date.parse(s);
}

export function windowProblem(w: Window): string | undefined {
  const from = parseInstant(w.from);
  const to = parseInstant(w.to);
  if (Number.isNaN(from)) return `--from must be an ISO-8601 time with a zone (2026-02-16T00:00:00Z), got '${w.from}'`;
  if (Number.isNaN(to)) return `--to must be an ISO-8601 time with a zone (2026-02-16T01:00:00Z), got '${w.to}'`;
  if (to <= from) return `--to (${w.to}) must be after --from (${w.from})`;
  return undefined;
}

/** One batch of the plan. `query` batches go to replay-query over [from, to); `bulk` ones name their keys. */
export interface Batch {
  index: number;
  keys: string[];
  via: 'query' | 'bulk';
  from?: string;
  to?: string;
}

const byTime = (a: EventRow, b: EventRow) => {
  const d = Date.parse(a.created_at) - Date.parse(b.created_at);
  return d !== 0 ? d : a.event_key < b.event_key ? -1 : a.event_key > b.event_key ? 1 : 0;
};

/** The events of a scope that fall in [from, to), oldest first (ties by key). */
export function eventsInWindow(events: readonly EventRow[], w: Window): EventRow[] {
  const from = parseInstant(w.from);
  const to = parseInstant(w.to);
  return events
    .filter((e) => {
      const t = Date.parse(e.created_at);
      return t >= from && t < to;
    })
    .sort(byTime);
}

/**
 * Splits a window's events into batches of at most `size`, skipping `done` keys (verified in an
 * earlier run). A batch is sent as a replay-query over its own sub-window only when that
 * sub-window holds exactly its events: no skipped event and no neighbour with the same timestamp
 * inside it. Otherwise it names its keys (replay-bulk), so a query never replays a key twice.
 */
export function planWindow(events: readonly EventRow[], w: Window, size: number, done: ReadonlySet<string> = new Set()): Batch[] {
  const all = eventsInWindow(events, w);
  const t = all.map((e) => Date.parse(e.created_at));
  const batches: Batch[] = [];
  let i = 0;
  while (i < all.length) {
    if (done.has(all[i].event_key)) {
      i++;
      continue;
    }
    // the run of not-yet-done events starting at i
    let runEnd = i;
    while (runEnd + 1 < all.length && !done.has(all[runEnd + 1].event_key)) runEnd++;
    let j = Math.min(i + size - 1, runEnd);
    // cut between two different timestamps when the batch would split a group of equal ones
    if (j < runEnd && t[j] === t[j + 1]) {
      let k = j;
      while (k >= i && t[k] === t[k + 1]) k--;
      if (k >= i) j = k;
    }
    const cleanStart = i === 0 || t[i - 1] < t[i];
    const cleanEnd = j === all.length - 1 || t[j] < t[j + 1];
    const keys = all.slice(i, j + 1).map((e) => e.event_key);
    if (cleanStart && cleanEnd) {
      batches.push({
        index: batches.length + 1,
        keys,
        via: 'query',
        from: i === 0 ? w.from : all[i].created_at,
        to: j === all.length - 1 ? w.to : all[j + 1].created_at,
      });
    } else {
      batches.push({ index: batches.length + 1, keys, via: 'bulk' });
    }
    i = j + 1;
  }
  return batches;
}

/** Explicit keys in batches of at most `size`, without repeats and without `done` keys, in the order given. */
export function planKeys(keys: readonly string[], size: number, done: ReadonlySet<string> = new Set()): Batch[] {
  const todo = [...new Set(keys)].filter((k) => !done.has(k));
  const out: Batch[] = [];
  for (let i = 0; i < todo.length; i += size) out.push({ index: out.length + 1, keys: todo.slice(i, i + size), via: 'bulk' });
  return out;
}

export type KeyProblem = 'missing' | 'not_replayed' | 'count_not_incremented';

export interface Verification {
  verified: boolean;
  /** Keys that show status replayed and a replay_count above the one before. */
  verifiedKeys: string[];
  problems: { event_key: string; problem: KeyProblem; status?: string; replay_count?: number; before?: number; last_error?: string | null }[];
}

/**
 * A batch is verified when every key, re-listed, shows `status: replayed` and a replay_count
 * above the count recorded before the replay.
 */
export function verifyBatch(keys: readonly string[], before: Readonly<Record<string, number>>, after: ReadonlyMap<string, EventRow>): Verification {
  const v: Verification = { verified: true, verifiedKeys: [], problems: [] };
  for (const key of keys) {
    const row = after.get(key);
    const was = before[key] ?? 0;
    if (!row) v.problems.push({ event_key: key, problem: 'missing', before: was });
    else if (row.status !== 'replayed') v.problems.push({ event_key: key, problem: 'not_replayed', status: row.status, replay_count: row.replay_count, before: was, last_error: row.last_error });
    else if (!(row.replay_count > was)) v.problems.push({ event_key: key, problem: 'count_not_incremented', status: row.status, replay_count: row.replay_count, before: was });
    else v.verifiedKeys.push(key);
  }
  v.verified = v.problems.length === 0;
  return v;
}

/** Whether a drift item concerns the records an event writes to: its lead, or its campaign for campaign-level events. */
export function driftTouches(d: Drift, e: Pick<EventRow, 'campaign_id' | 'lead_id'>): boolean {
  if (e.lead_id !== null && e.lead_id !== undefined) return d.lead_id === e.lead_id;
  return e.campaign_id !== null && e.campaign_id !== undefined && d.campaign_id === e.campaign_id && (d.lead_id === null || d.lead_id === undefined);
}

const driftId = (d: Drift) => `${d.entity}\u0000${d.id}\u0000${d.field}\u0000${JSON.stringify(d.local ?? null)}`;

/** The record an event writes to: its lead, or its campaign for campaign-level events. */
export const targetOf = (e: Pick<EventRow, 'campaign_id' | 'lead_id'>) => (e.lead_id ? `lead:${e.lead_id}` : `campaign:${e.campaign_id ?? ''}`);

/** The newest event of each target (created_at, then key): the one whose replay decides the target's state. */
export function latestPerTarget(events: readonly EventRow[]): Map<string, EventRow> {
  const out = new Map<string, EventRow>();
  const ms = new Map<string, number>();
  for (const e of events) {
    const t = targetOf(e);
    const cur = out.get(t);
    const at = Date.parse(e.created_at);
    const curAt = ms.get(t);
    if (!cur || curAt === undefined || at > curAt || (at === curAt && e.event_key > cur.event_key)) {
      out.set(t, e);
      ms.set(t, at);
    }
  }
  return out;
}

export interface Unchanged {
  event_key: string;
  drift: Drift;
}

/**
 * Replayed events that left their target as it was. Only an event that is its target's newest
 * one decides that target's state (an older one is rightly a no-op), so for each such event:
 * the target had drift before the batch and the reconciliation dry run reports the very same
 * drift (same records, same local values) after it.
 */
export function unchangedTargets(
  replayed: readonly EventRow[],
  scopeEvents: readonly EventRow[] | ReadonlyMap<string, EventRow>,
  driftBefore: readonly Drift[],
  driftAfter: readonly Drift[],
): Unchanged[] {
  // a run passes latestPerTarget's map, computed once, instead of the whole listing per batch
  const latest = scopeEvents instanceof Map ? scopeEvents : latestPerTarget(scopeEvents as readonly EventRow[]);
  const out: Unchanged[] = [];
  for (const e of replayed) {
    if (latest.get(targetOf(e))?.event_key !== e.event_key) continue;
    const was = driftBefore.filter((d) => driftTouches(d, e)).map(driftId).sort();
    if (!was.length) continue;
    const now = driftAfter.filter((d) => driftTouches(d, e));
    const nowIds = now.map(driftId).sort();
    if (nowIds.length === was.length && nowIds.every((id, i) => id === was[i])) out.push({ event_key: e.event_key, drift: now[0] });
  }
  return out;
}

/** What a replay call said about each key: replayed, or failed with the provider's status. */
export interface CallOutcome {
  replayed: string[];
  failed: { event_key: string; provider_status?: number; error?: string }[];
  /** Provider 4xx/5xx answers in this call (per failed key, or 1 for a whole failed call). */
  providerErrors: number;
}

export type BatchDecision =
  | { action: 'continue' }
  | { action: 'stop'; reason: 'unverified'; detail: string }
  | { action: 'escalate'; reason: 'provider_errors' | 'state_unchanged'; detail: string };

/** Checked right after each replay call: enough provider errors stop the run before anything else is sent. */
export function providerErrorDecision(providerErrorsInRun: number, config: Pick<ReplayConfig, 'escalation'>): BatchDecision {
  const limit = config.escalation.providerErrors;
  if (providerErrorsInRun >= limit) {
    return { action: 'escalate', reason: 'provider_errors', detail: `${providerErrorsInRun} provider 4xx/5xx answers in this run (escalation at ${limit})` };
  }
  return { action: 'continue' };
}

/** After a batch was re-listed and reconciled (dry run): go on, stop, or escalate. */
export function batchDecision(v: Verification, unchanged: readonly Unchanged[]): BatchDecision {
  if (unchanged.length) {
    const keys = unchanged.map((u) => u.event_key);
    return {
      action: 'escalate',
      reason: 'state_unchanged',
      detail: `${keys.length} replayed event${keys.length === 1 ? '' : 's'} left the target state unchanged (reconciliation still reports the same drift): ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''}`,
    };
  }
  if (!v.verified) {
    const p = v.problems[0];
    const what = p.problem === 'missing' ? 'is not in the listing' : p.problem === 'not_replayed' ? `shows status ${p.status}${p.last_error ? ` (${p.last_error})` : ''}` : `replay_count stayed at ${p.replay_count}`;
    return { action: 'stop', reason: 'unverified', detail: `${v.problems.length} of ${v.problems.length + v.verifiedKeys.length} events not verified; ${p.event_key} ${what}` };
  }
  return { action: 'continue' };
}
