// The recovery runs: the pure rules in plan.ts applied step by step against the API, every
// step written to the incident record. The shell around it (flags, signals, printing) is the CLI.
import { readFileSync } from 'node:fs';
import type { ReplayConfig } from '../contract/replay.ts';
import { ApiError, type RecoveryApi } from './api.ts';
import {
  batchDecision,
  eventsInWindow,
  latestPerTarget,
  planKeys,
  planWindow,
  providerErrorDecision,
  scopeLabel,
  unchangedTargets,
  verifyBatch,
  widenDecision,
  type Batch,
  type BatchDecision,
  type CallOutcome,
  type Drift,
  type EventRow,
  type Scope,
  type Unchanged,
  type Verification,
  type Window,
} from './plan.ts';
import type { IncidentRecord } from './record.ts';
import { TransportError } from './transport.ts';

/** Exit codes of `slogate replay` (docs/recovery.md). */
export const REPLAY_EXIT = { ok: 0, drift: 1, usage: 2, unverified: 3, escalated: 4, refused: 5, interrupted: 130 } as const;

export type Outcome = 'done' | 'planned' | 'drift' | 'no_drift' | 'unverified' | 'escalated' | 'refused' | 'interrupted' | 'auth_refused' | 'not_found' | 'api_error';

export interface RunResult {
  exit: number;
  outcome: Outcome;
  /** One line for the operator (stderr). */
  message: string;
  /** Machine-readable summary (stdout with --json; also in run.json). */
  summary: Record<string, unknown>;
}

export interface RunContext {
  api: RecoveryApi;
  record: IncidentRecord;
  config: ReplayConfig;
  signal: AbortSignal;
  /** Progress lines (stderr). */
  progress: (line: string) => void;
  /** Service log files searched for snippets about the affected ids when a run escalates. */
  logs?: string[];
}

export type ReplayRequest =
  | { kind: 'one'; scope: Scope; key: string; dryRun: boolean }
  | { kind: 'keys'; scope: Scope; keys: string[]; batchSize: number; dryRun: boolean; override: boolean }
  | { kind: 'window'; scope: Scope; window: Window; batchSize: number; dryRun: boolean; override: boolean };

class Stop extends Error {
  constructor(readonly result: Omit<RunResult, 'summary'> & { summary?: Record<string, unknown> }) {
    super(result.message);
  }
}

/** Builds the record of one batch for the summary and the escalation bundle. */
interface BatchReport {
  batch: number;
  via: Batch['via'];
  keys: number;
  replayed: number;
  failed: CallOutcome['failed'];
  verification?: Pick<Verification, 'verified' | 'problems'> & { verified_keys: number };
  unchanged?: Unchanged[];
  ms: number;
}

const maxIso = (rows: EventRow[]) => new Date(Math.max(...rows.map((r) => Date.parse(r.created_at))) + 1).toISOString();
const minIso = (rows: EventRow[]) => new Date(Math.min(...rows.map((r) => Date.parse(r.created_at)))).toISOString();

function translate(err: unknown): never {
  if (err instanceof ApiError) {
    if (err.kind === 'auth') throw new Stop({ exit: REPLAY_EXIT.usage, outcome: 'auth_refused', message: err.message });
    if (err.kind === 'not_found') throw new Stop({ exit: REPLAY_EXIT.usage, outcome: 'not_found', message: err.message });
    throw new Stop({ exit: REPLAY_EXIT.unverified, outcome: 'api_error', message: err.message });
  }
  if (err instanceof TransportError) {
    if (err.kind === 'interrupted') throw new Stop({ exit: REPLAY_EXIT.interrupted, outcome: 'interrupted', message: 'interrupted' });
    throw new Stop({ exit: REPLAY_EXIT.unverified, outcome: 'api_error', message: err.message });
  }
  throw err;
}

async function guarded<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    translate(err);
  }
}

export class ReplayRun {
  private providerErrors = 0;
  private readonly replayedKeys: string[] = [];
  private readonly reports: BatchReport[] = [];
  private readonly events = new Map<string, EventRow>();

  constructor(private readonly ctx: RunContext) {}

  private get rec() {
    return this.ctx.record;
  }

  private now = () => new Date().toISOString();

  private interrupted(): boolean {
    return this.ctx.signal.aborted;
  }

  /** Runs the request and records its end; never throws for an expected stop. */
  async run(req: ReplayRequest): Promise<RunResult> {
    const t0 = performance.now();
    let result: RunResult;
    try {
      result = req.kind === 'one' ? await this.one(req) : await this.batches(req);
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      result = { summary: {}, ...err.result };
    }
    result.summary = {
      ...result.summary,
      request_id: this.rec.info.request_id,
      run: this.rec.runId,
      outcome: result.outcome,
      provider_errors: this.providerErrors,
      replayed_keys: this.replayedKeys.length,
      elapsed_ms: Math.round(performance.now() - t0),
    };
    await this.rec.finish(result.outcome, result.exit, { message: result.message, summary: result.summary, batches: this.reports, keys_replayed: this.replayedKeys });
    return result;
  }

  private async listScope(scope: Scope, hint?: { from?: string; to?: string }): Promise<EventRow[]> {
    const rows = await guarded(this.ctx.api.listEvents({ provider: scope.provider, org: scope.org, company: scope.company, fromTs: hint?.from, toTs: hint?.to }));
    for (const r of rows) this.events.set(r.event_key, r);
    return rows;
  }

  /** Reconciliation dry run per org/company of the given events, merged (the endpoint needs a scope). */
  private async driftFor(provider: string, rows: readonly EventRow[]): Promise<Map<string, Drift[]>> {
    const out = new Map<string, Drift[]>();
    for (const r of rows) {
      const pair = `${r.org_id}\u0000${r.company_id}`;
      if (out.has(pair)) continue;
      out.set(pair, (await guarded(this.ctx.api.reconcile({ provider, org: r.org_id, company: r.company_id, dryRun: true }))).drift);
    }
    return out;
  }

  /** Drift before the batch is drift after the previous one, fetched only for scopes not seen yet. */
  private readonly driftCache = new Map<string, Drift[]>();

  private async driftBefore(provider: string, rows: readonly EventRow[]): Promise<Drift[]> {
    const missing = rows.filter((r) => !this.driftCache.has(`${r.org_id}\u0000${r.company_id}`));
    for (const [k, v] of await this.driftFor(provider, missing)) this.driftCache.set(k, v);
    return [...new Set(rows.map((r) => `${r.org_id}\u0000${r.company_id}`))].flatMap((k) => this.driftCache.get(k) ?? []);
  }

  private async driftAfter(provider: string, rows: readonly EventRow[]): Promise<Drift[]> {
    const fresh = await this.driftFor(provider, rows);
    for (const [k, v] of fresh) this.driftCache.set(k, v);
    return [...fresh.values()].flat();
  }

  /** Re-lists the batch's keys (narrowed to their time span) and checks them. */
  private async verify(scope: Scope, keys: string[], before: Record<string, number>): Promise<Verification> {
    const rows = keys.map((k) => this.events.get(k)).filter((r): r is EventRow => r !== undefined);
    const after = rows.length ? await this.listScope(scope, { from: minIso(rows), to: maxIso(rows) }) : [];
    return verifyBatch(keys, before, new Map(after.map((r) => [r.event_key, r])));
  }

  /** Interrupted batches of earlier runs: verify what they replayed so it is not replayed again. */
  private resolvePending(listed: ReadonlyMap<string, EventRow>): string[] {
    const resolved: string[] = [];
    for (const p of this.rec.state.pending) {
      if (!p.keys.every((k) => listed.has(k))) continue;
      const v = verifyBatch(p.keys, p.before, listed);
      this.rec.journal({ type: 'batch', run: p.run, batch: p.batch, state: v.verified ? 'verified' : 'unverified', keys: p.keys, verified_keys: v.verifiedKeys, problems: v.problems, at: this.now() });
      for (const k of v.verifiedKeys) this.rec.state.verifiedKeys.add(k);
      resolved.push(...v.verifiedKeys);
      this.ctx.progress(`run ${p.run} batch ${p.batch} was interrupted: ${v.verifiedKeys.length} of ${p.keys.length} events verified replayed now, the rest stay in the plan`);
    }
    return resolved;
  }

  private async one(req: Extract<ReplayRequest, { kind: 'one' }>): Promise<RunResult> {
    const listed = await this.listScope(req.scope);
    const ev = listed.find((r) => r.event_key === req.key);
    if (!ev) throw new Stop({ exit: REPLAY_EXIT.usage, outcome: 'not_found', message: `no event '${req.key}' in ${scopeLabel(req.scope)}` });
    const eventScope: Scope = { provider: req.scope.provider, org: ev.org_id, company: ev.company_id };
    const plan = { event_key: ev.event_key, event_type: ev.event_type, status: ev.status, replay_count: ev.replay_count, org_id: ev.org_id, company_id: ev.company_id };
    if (req.dryRun) {
      return { exit: REPLAY_EXIT.ok, outcome: 'planned', message: `dry run: would replay ${ev.event_key} (${ev.event_type}, ${ev.status}, replay_count ${ev.replay_count}) in ${scopeLabel(eventScope)}; nothing was changed`, summary: { plan } };
    }
    const driftBefore = await this.driftBefore(req.scope.provider, [ev]);
    const before = { [ev.event_key]: ev.replay_count };
    this.rec.journal({ type: 'batch', run: this.rec.runId, batch: 1, state: 'started', keys: [ev.event_key], via: 'bulk', before, at: this.now() });
    const t = performance.now();
    const out = await guarded(this.ctx.api.replayOne(req.scope.provider, ev.event_key));
    this.providerErrors += out.providerErrors;
    this.replayedKeys.push(...out.replayed);
    this.rec.journal({ type: 'batch', run: this.rec.runId, batch: 1, state: 'replayed', keys: [ev.event_key], at: this.now() });
    if (this.interrupted()) return this.stopInterrupted(1, [ev.event_key]);
    const v = await this.verify(eventScope, [ev.event_key], before);
    const driftAfter = await this.driftAfter(req.scope.provider, [ev]);
    const unchanged = v.verified ? unchangedTargets([ev], listed, driftBefore, driftAfter) : [];
    const report: BatchReport = { batch: 1, via: 'bulk', keys: 1, replayed: out.replayed.length, failed: out.failed, verification: { verified: v.verified, problems: v.problems, verified_keys: v.verifiedKeys.length }, unchanged, ms: Math.round(performance.now() - t) };
    this.reports.push(report);
    let decision = providerErrorDecision(this.providerErrors, this.ctx.config);
    if (decision.action === 'continue') decision = batchDecision(v, unchanged);
    if (decision.action === 'continue') {
      this.rec.journal({ type: 'batch', run: this.rec.runId, batch: 1, state: 'verified', keys: [ev.event_key], verified_keys: v.verifiedKeys, ms: report.ms, at: this.now() });
      const single = { provider: req.scope.provider, org_id: ev.org_id, company_id: ev.company_id, event_key: ev.event_key };
      this.rec.journal({ type: 'single_verified', run: this.rec.runId, single, at: this.now() });
      return { exit: REPLAY_EXIT.ok, outcome: 'done', message: `replayed ${ev.event_key}: verified (status replayed, replay_count ${ev.replay_count} -> ${ev.replay_count + 1}); keys and window replays in ${scopeLabel(eventScope)} are now allowed`, summary: { plan, verified: true } };
    }
    const failed = out.failed[0];
    const detail = decision.action === 'stop' && failed ? `replay failed${failed.provider_status ? ` (${failed.provider_status})` : ''}: ${failed.error ?? 'no reason given'}` : decision.detail;
    return this.decided(decision.action === 'stop' ? { ...decision, detail } : decision, 1, [ev.event_key], v, unchanged, eventScope);
  }

  private async batches(req: Extract<ReplayRequest, { kind: 'keys' | 'window' }>): Promise<RunResult> {
    const widen = widenDecision(req.scope, this.rec.state.singles, req.override);
    if (!widen.allowed && !req.dryRun) throw new Stop({ exit: REPLAY_EXIT.refused, outcome: 'refused', message: widen.reason });
    // a window needs nothing older than its start: an older event is never a target's newest
    const listed = await this.listScope(req.scope, req.kind === 'window' ? { from: req.window.from } : undefined);
    const byKey = new Map(listed.map((r) => [r.event_key, r]));
    if (req.kind === 'keys') {
      const unknown = req.keys.filter((k) => !byKey.has(k));
      if (unknown.length) {
        throw new Stop({ exit: REPLAY_EXIT.usage, outcome: 'not_found', message: `${unknown.length} key${unknown.length === 1 ? '' : 's'} not found in ${scopeLabel(req.scope)}: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ', …' : ''}` });
      }
    }
    const resumed = req.dryRun ? [] : this.resolvePending(byKey);
    const done = this.rec.state.verifiedKeys;
    const plan = req.kind === 'keys' ? planKeys(req.keys, req.batchSize, done) : planWindow(listed, req.window, req.batchSize, done);
    const total = plan.reduce((n, b) => n + b.keys.length, 0);
    const skipped = req.kind === 'keys' ? req.keys.filter((k) => done.has(k)).length : 0;
    const planSummary = { batches: plan.map((b) => ({ batch: b.index, via: b.via, keys: b.keys, ...(b.from ? { from: b.from, to: b.to } : {}) })), events: total, batch_size: req.batchSize, already_verified: skipped || undefined, resumed: resumed.length || undefined };
    if (req.dryRun) {
      const note = widen.allowed ? '' : `; note: a real run would be ${widen.reason}`;
      return { exit: REPLAY_EXIT.ok, outcome: 'planned', message: `dry run: would replay ${total} event${total === 1 ? '' : 's'} in ${plan.length} batch${plan.length === 1 ? '' : 'es'} of at most ${req.batchSize} in ${scopeLabel(req.scope)}; nothing was changed${note}`, summary: { plan: planSummary } };
    }
    if (widen.allowed && widen.by === 'override') this.ctx.progress(`--i-have-verified-a-single-replay: widening in ${scopeLabel(req.scope)} without a verified single replay in this incident`);
    if (!plan.length) {
      const wanted = req.kind === 'keys' ? req.keys.length : eventsInWindow(listed, req.window).length;
      return { exit: REPLAY_EXIT.ok, outcome: 'done', message: `nothing to replay in ${scopeLabel(req.scope)}: ${wanted ? 'every event is already verified replayed in this incident' : 'no events matched'}`, summary: { plan: planSummary } };
    }
    const latest = latestPerTarget(listed);
    for (const b of plan) {
      if (this.interrupted()) return this.stopInterrupted(b.index, [], true);
      const rows = b.keys.map((k) => byKey.get(k)!);
      const driftBefore = await this.driftBefore(req.scope.provider, rows);
      const before = Object.fromEntries(rows.map((r) => [r.event_key, r.replay_count]));
      this.rec.journal({ type: 'batch', run: this.rec.runId, batch: b.index, state: 'started', keys: b.keys, via: b.via, from: b.from, to: b.to, before, at: this.now() });
      const t = performance.now();
      const out = await guarded(
        b.via === 'query'
          ? this.ctx.api.replayQuery({ provider: req.scope.provider, org: req.scope.org, company: req.scope.company, from: b.from!, to: b.to!, limit: b.keys.length }, b.keys)
          : this.ctx.api.replayBulk(req.scope.provider, b.keys),
      );
      this.providerErrors += out.providerErrors;
      this.replayedKeys.push(...out.replayed);
      this.rec.journal({ type: 'batch', run: this.rec.runId, batch: b.index, state: 'replayed', keys: b.keys, at: this.now() });
      if (this.interrupted()) return this.stopInterrupted(b.index, b.keys);
      const early = providerErrorDecision(this.providerErrors, this.ctx.config);
      // both checks only read, so they go out together; after an escalation only the listing (for the record)
      const [v, driftAfter] = await Promise.all([this.verify(req.scope, b.keys, before), early.action === 'continue' ? this.driftAfter(req.scope.provider, rows) : Promise.resolve([])]);
      let unchanged: Unchanged[] = [];
      let decision: BatchDecision = early;
      if (early.action === 'continue') {
        const verified = new Set(v.verifiedKeys);
        unchanged = unchangedTargets(rows.filter((r) => verified.has(r.event_key)), latest, driftBefore, driftAfter);
        decision = batchDecision(v, unchanged);
      }
      const report: BatchReport = { batch: b.index, via: b.via, keys: b.keys.length, replayed: out.replayed.length, failed: out.failed, verification: { verified: v.verified, problems: v.problems, verified_keys: v.verifiedKeys.length }, unchanged, ms: Math.round(performance.now() - t) };
      this.reports.push(report);
      if (decision.action !== 'continue') return this.decided(decision, b.index, b.keys, v, unchanged, req.scope, { plan: planSummary });
      this.rec.journal({ type: 'batch', run: this.rec.runId, batch: b.index, state: 'verified', keys: b.keys, verified_keys: v.verifiedKeys, ms: report.ms, at: this.now() });
      this.ctx.progress(`batch ${b.index}/${plan.length}: ${b.keys.length} event${b.keys.length === 1 ? '' : 's'} replayed (${b.via}) and verified in ${report.ms} ms`);
    }
    return { exit: REPLAY_EXIT.ok, outcome: 'done', message: `replayed and verified ${total} event${total === 1 ? '' : 's'} in ${plan.length} batch${plan.length === 1 ? '' : 'es'} in ${scopeLabel(req.scope)}`, summary: { plan: planSummary } };
  }

  private stopInterrupted(batch: number, keys: string[], between = false): RunResult {
    if (!between) this.rec.journal({ type: 'batch', run: this.rec.runId, batch, state: 'interrupted', keys, at: this.now() });
    const message = between
      ? `interrupted before batch ${batch}; every earlier batch is verified; run the same command again to go on`
      : `interrupted in batch ${batch}: its replay call finished but was not verified; run the same command again: it verifies that batch first and does not replay what it replayed`;
    return { exit: REPLAY_EXIT.interrupted, outcome: 'interrupted', message, summary: {} };
  }

  /** Records a stop or an escalation of one batch; writes the escalation bundle. */
  private async decided(d: Exclude<BatchDecision, { action: 'continue' }>, batch: number, keys: string[], v: Verification, unchanged: Unchanged[], scope: Scope, extra: Record<string, unknown> = {}): Promise<RunResult> {
    this.rec.journal({ type: 'batch', run: this.rec.runId, batch, state: d.action === 'escalate' ? 'escalated' : 'unverified', keys, verified_keys: v.verifiedKeys, problems: v.problems, at: this.now() });
    if (d.action === 'stop') {
      return { exit: REPLAY_EXIT.unverified, outcome: 'unverified', message: `batch ${batch} not verified, stopped before widening: ${d.detail}`, summary: { ...extra, problems: v.problems } };
    }
    const file = await this.escalate(d, batch, keys, v, unchanged, scope);
    return { exit: REPLAY_EXIT.escalated, outcome: 'escalated', message: `escalate: ${d.detail}; nothing more was replayed; bundle: ${file}`, summary: { ...extra, escalation: file, reason: d.reason } };
  }

  private async escalate(d: Extract<BatchDecision, { action: 'escalate' }>, batch: number, keys: string[], v: Verification, unchanged: Unchanged[], scope: Scope): Promise<string> {
    const failedKeys = this.reports.flatMap((r) => r.failed.map((f) => f.event_key));
    const affectedKeys = [...new Set([...failedKeys, ...unchanged.map((u) => u.event_key), ...v.problems.map((p) => p.event_key)])];
    const rows = (affectedKeys.length ? affectedKeys : keys).map((k) => this.events.get(k)).filter((r): r is EventRow => r !== undefined);
    const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();
    const affected = {
      org_ids: uniq(rows.map((r) => r.org_id)),
      company_ids: uniq(rows.map((r) => r.company_id)),
      campaign_ids: uniq([...rows.map((r) => r.campaign_id), ...unchanged.map((u) => u.drift.campaign_id)]),
      lead_ids: uniq([...rows.map((r) => r.lead_id), ...unchanged.map((u) => u.drift.lead_id)]),
      event_keys: affectedKeys,
    };
    const snippets = [
      ...rows.filter((r) => r.last_error).map((r) => `event ${r.event_key} last_error: ${r.last_error}`),
      ...logSnippets(this.ctx.logs ?? [], [...affected.event_keys, ...affected.campaign_ids, ...affected.lead_ids]),
    ].slice(0, 200);
    return this.rec.writeEscalation({
      reason: d.reason,
      detail: d.detail,
      request_id: this.rec.info.request_id,
      run: this.rec.runId,
      scope,
      batch,
      escalation_threshold: { provider_errors: this.ctx.config.escalation.providerErrors },
      provider_errors: this.providerErrors,
      event_keys_replayed: this.replayedKeys,
      affected,
      unchanged: unchanged.map((u) => ({ event_key: u.event_key, drift: u.drift })),
      verification: { verified: v.verified, problems: v.problems },
      endpoint_responses: this.rec.callLines().map((c) => ({ endpoint: c.endpoint, method: c.method, path: c.path, status: c.status, response: c.response })),
      log_snippets: snippets,
    });
  }
}

/** Lines of the given log files that mention one of the ids (at most 100), for the bundle; redacted there. */
export function logSnippets(files: readonly string[], ids: readonly string[]): string[] {
  const out: string[] = [];
  const wanted = ids.filter((x) => x.length >= 3);
  if (!wanted.length) return out;
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (err) {
      out.push(`(${f}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      continue;
    }
    const lines = text.split('\n');
    for (let i = 0; i < lines.length && out.length < 100; i++) {
      if (wanted.some((id) => lines[i].includes(id))) out.push(`${f}:${i + 1}: ${lines[i].slice(0, 2000)}`);
    }
  }
  return out;
}

export type ReconcileRequest = { scope: Scope; apply: boolean };

class ReconcileEscalation extends Error {}

/**
 * Reconciliation: the dry run reports drift (exit 1 when any); --apply fixes it and checks with a
 * second dry run. A dry run answered with 5xx (the provider fetch behind it failed) is tried again;
 * at the escalation count of such answers the run escalates. An apply is never retried.
 */
export async function runReconcile(ctx: RunContext, req: ReconcileRequest): Promise<RunResult & { drift: Drift[] }> {
  const t0 = performance.now();
  const limit = ctx.config.escalation.providerErrors;
  let providerErrors = 0;
  const q = { provider: req.scope.provider, org: req.scope.org, company: req.scope.company };
  const call = async (dryRun: boolean) => {
    for (;;) {
      try {
        return await ctx.api.reconcile({ ...q, dryRun });
      } catch (err) {
        if (!(err instanceof ApiError && err.kind === 'server' && (err.status ?? 0) >= 500)) return translate(err);
        providerErrors++;
        if (providerErrors >= limit) throw new ReconcileEscalation(`${providerErrors} reconciliation answers ${err.status} in a row (escalation at ${limit}): the provider fetch keeps failing`);
        if (!dryRun || ctx.signal.aborted) return translate(err);
        ctx.progress(`reconciliation answered ${err.status}; trying the dry run again (${providerErrors} of ${limit})`);
        await new Promise((r) => setTimeout(r, 250 * providerErrors));
      }
    }
  };
  const bundle = (reason: string, detail: string, drift: Drift[]) =>
    ctx.record.writeEscalation({
      reason,
      detail,
      request_id: ctx.record.info.request_id,
      run: ctx.record.runId,
      scope: req.scope,
      provider_errors: providerErrors,
      affected: {
        org_ids: req.scope.org ? [req.scope.org] : [],
        company_ids: req.scope.company ? [req.scope.company] : [],
        campaign_ids: [...new Set(drift.map((d) => d.campaign_id).filter(Boolean))].sort(),
        lead_ids: [...new Set(drift.map((d) => d.lead_id).filter(Boolean))].sort(),
      },
      drift,
      endpoint_responses: ctx.record.callLines().map((c) => ({ endpoint: c.endpoint, method: c.method, path: c.path, status: c.status, response: c.response })),
      log_snippets: logSnippets(ctx.logs ?? [], [...(req.scope.org ? [req.scope.org] : []), ...(req.scope.company ? [req.scope.company] : []), ...drift.flatMap((d) => [d.campaign_id ?? '', d.lead_id ?? ''])]),
    });
  let result: RunResult & { drift: Drift[] };
  try {
    const first = await call(!req.apply);
    if (!req.apply) {
      const n = first.drift.length;
      result = n
        ? { exit: REPLAY_EXIT.drift, outcome: 'drift', message: `reconciliation dry run: ${n} record${n === 1 ? '' : 's'} differ from the provider in ${scopeLabel(req.scope)}; nothing was changed (--apply fixes them)`, summary: { drift: n }, drift: first.drift }
        : { exit: REPLAY_EXIT.ok, outcome: 'no_drift', message: `reconciliation dry run: no drift in ${scopeLabel(req.scope)}`, summary: { drift: 0 }, drift: [] };
    } else {
      const after = await call(true);
      if (after.drift.length) {
        const file = await bundle('mismatch_persists', `${after.drift.length} records still differ after reconciliation`, after.drift);
        result = { exit: REPLAY_EXIT.escalated, outcome: 'escalated', message: `escalate: reconciliation reported ${first.fixed} fixed but ${after.drift.length} records still differ; bundle: ${file}`, summary: { fixed: first.fixed, drift: after.drift.length, escalation: file }, drift: after.drift };
      } else {
        result = { exit: REPLAY_EXIT.ok, outcome: 'done', message: `reconciliation applied: ${first.fixed} record${first.fixed === 1 ? '' : 's'} fixed, no drift left in ${scopeLabel(req.scope)}`, summary: { fixed: first.fixed, drift: 0 }, drift: first.drift };
      }
    }
  } catch (err) {
    if (err instanceof ReconcileEscalation) {
      const file = await bundle('reconcile_errors', err.message, []);
      result = { exit: REPLAY_EXIT.escalated, outcome: 'escalated', message: `escalate: ${err.message}; bundle: ${file}`, summary: { escalation: file, reason: 'reconcile_errors' }, drift: [] };
    } else if (err instanceof Stop) {
      result = { summary: {}, drift: [], ...err.result };
    } else throw err;
  }
  result.summary = { ...result.summary, request_id: ctx.record.info.request_id, run: ctx.record.runId, outcome: result.outcome, provider_errors: providerErrors, elapsed_ms: Math.round(performance.now() - t0) };
  await ctx.record.finish(result.outcome, result.exit, { message: result.message, summary: result.summary });
  return result;
}
