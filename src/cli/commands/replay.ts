// `slogate replay`: the incident-recovery runbook's steps (list, replay one/keys/window,
// reconcile) with its safety rules enforced and every run written to an incident record.
import { keepRunningOnClosedPipe } from '../closed-pipe.ts';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { ReplayConfig } from '../../contract/replay.ts';
import { ApiError, RecoveryApi } from '../../replay/api.ts';
import { batchSizeProblem, scopeProblem, windowProblem, type Drift, type EventRow, type ReplayCommand, type Scope } from '../../replay/plan.ts';
import { IncidentRecord, RecordError, scrub } from '../../replay/record.ts';
import { REPLAY_EXIT, ReplayRun, runReconcile, type ReplayRequest, type RunContext, type RunResult } from '../../replay/run.ts';
import { NodeTransport, TransportError } from '../../replay/transport.ts';
import { UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';

interface CommonFlags {
  runbook?: string;
  url?: string;
  incident?: string;
  requestId?: string;
  json?: boolean;
  token?: string;
  org?: string;
  company?: string;
  logs?: string[];
}

interface BatchFlags extends CommonFlags {
  batchSize?: string;
  dryRun?: boolean;
  iHaveVerifiedASingleReplay?: boolean;
}

// The runbook's replay settings, set by `configure` at the start of each action (commands
// are registered before any runbook is loaded, so help texts name the settings, not values).
let config: ReplayConfig;

/**
 * A reader that goes away (`| head`) must not kill a run between a replay and its record:
 * output to a closed pipe is dropped and the run finishes and seals as usual.
 */
async function configure(flag: string | undefined): Promise<ReplayConfig> {
  keepRunningOnClosedPipe();
  const rb = await loadRunbook(flag);
  if (!rb.replay) throw new UserError(`the runbook${rb.source ? ` ${rb.source}` : ''} has no replay settings (runbook.replay)`);
  config = rb.replay;
  return config;
}

const PROVIDER_ARG = "provider slug (one of the runbook's replay.providers: smartlead, heyreach in the flagship)";
const BATCH_HELP = 'events per batch (default: replay.batch.defaultSize, 50 in the flagship; at most replay.batch.maxSize)';
const RUNBOOK_HELP = 'runbook module with the replay settings (default: package.json "slogate.runbook", else the webhook-delivery runbook)';

/** A request id as the runbook makes one: incident-<unix seconds>-<random>. */
export function newRequestId(now = Date.now()): string {
  return `incident-${Math.floor(now / 1000)}-${randomBytes(3).toString('hex')}`;
}

function requestIdOf(flag: string | undefined): string {
  if (flag === undefined) return newRequestId();
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(flag)) throw new UserError(`--request-id may only use letters, digits and . _ : - (1 to 128 of them)`);
  return flag;
}

function tokenFromEnv(): string {
  const token = process.env[config.tokenEnv];
  if (!token || !token.trim()) throw new UserError(`set ${config.tokenEnv} to the super-admin bearer token (it is read from the environment only)`);
  if (/[\r\n]/.test(token)) throw new UserError(`${config.tokenEnv} holds a line break; give the bare token`);
  return token.trim();
}

function baseUrlOf(flag: string | undefined): string {
  const url = flag ?? process.env[config.baseUrlEnv];
  if (!url) throw new UserError(`give --url or set ${config.baseUrlEnv} to the API base URL`);
  return url;
}

function scopeOf(cmd: ReplayCommand, provider: string, f: CommonFlags): Scope {
  const scope: Scope = { provider, org: f.org, company: f.company };
  const problem = scopeProblem(cmd, scope, config);
  if (problem) throw new UserError(problem);
  return scope;
}

function batchSizeOf(raw: string | undefined): number {
  if (raw === undefined) return config.batch.defaultSize;
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  const problem = batchSizeProblem(n, config);
  if (problem) throw new UserError(problem.replace('not a number', `'${raw}'`));
  return n;
}

function readKeysFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`--keys-file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

function addCommon(cmd: Command, scoped: boolean): Command {
  cmd
    .option('--runbook <path>', RUNBOOK_HELP)
    .option('--url <url>', 'API base URL (default: the variable the runbook names, SLOGATE_REPLAY_URL in the flagship)')
    .option('--request-id <id>', 'X-Request-ID sent on every call of this run (default: incident-<unix>-<random>)')
    .option('--json', 'print the result as JSON on stdout')
    // a token given as a flag would land in shell history and process lists: refuse it without echoing it
    .addOption(new Option('--token <token>').hideHelp());
  if (scoped) cmd.option('--org <id>', 'org_id scope').option('--company <id>', 'company_id scope');
  return cmd;
}

function addIncident(cmd: Command): Command {
  return cmd
    .requiredOption('--incident <dir>', 'incident record folder every run appends to (created when new)')
    .option('--logs <file...>', 'service log files searched for snippets about affected ids if the run escalates');
}

function refuseTokenFlag(f: CommonFlags): void {
  if (f.token !== undefined) throw new UserError(`--token is not accepted: put the token in ${config.tokenEnv} (it is read from the environment only)`);
}

interface Session {
  transport: NodeTransport;
  api: RecoveryApi;
  record: IncidentRecord | null;
  controller: AbortController;
  requestId: string;
  token: string;
  dispose(): void;
}

async function session(f: CommonFlags, command: string, scope: Scope, dryRun: boolean, withRecord: boolean): Promise<Session> {
  refuseTokenFlag(f);
  const token = tokenFromEnv();
  const requestId = requestIdOf(f.requestId);
  const controller = new AbortController();
  let transport: NodeTransport;
  try {
    transport = new NodeTransport({ baseUrl: baseUrlOf(f.url), token, requestId, timeoutMs: config.http.timeoutMs, rateLimitRetries: config.http.rateLimitRetries, maxRetryAfterMs: config.http.maxRetryAfterMs, signal: controller.signal });
  } catch (err) {
    if (err instanceof TransportError) throw new UserError(`--url: ${err.message}`);
    throw err;
  }
  let record: IncidentRecord | null = null;
  if (withRecord && f.incident) {
    try {
      record = await IncidentRecord.open(f.incident, { request_id: requestId, command, argv: process.argv.slice(2), scope, dry_run: dryRun }, [token]);
    } catch (err) {
      transport.close();
      if (err instanceof RecordError) throw new UserError(err.message);
      throw err;
    }
    if (record.unsealedBefore) process.stderr.write(`slogate: note: ${f.incident}: ${record.unsealedBefore}; this run reseals it\n`);
  }
  const api = new RecoveryApi(transport, config.endpoints, config.http.pageSize, (c) => record?.call(c));
  // first Ctrl-C: let the call in flight finish, record it, seal; a second one leaves at once
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('slogate: interrupted: finishing the call in flight, then recording and sealing the incident (Ctrl-C again to leave now)\n');
      controller.abort();
    } else {
      record?.release();
      process.exit(REPLAY_EXIT.interrupted);
    }
  };
  process.on('SIGINT', onSigint);
  return {
    transport,
    api,
    record,
    controller,
    requestId,
    token,
    dispose() {
      process.off('SIGINT', onSigint);
      transport.close();
      record?.release();
    },
  };
}

function finishResult(r: RunResult, f: CommonFlags, s: Session, extra?: unknown): void {
  const line = scrub(r.message, [s.token]);
  if (f.json) process.stdout.write(JSON.stringify(extra ?? r.summary, null, 2) + '\n');
  else if (r.exit === REPLAY_EXIT.ok) process.stdout.write(`${line}\n`);
  if (r.exit !== REPLAY_EXIT.ok || f.json) process.stderr.write(`slogate: ${line}\n`);
  // a refusal and bad input stay one line; the run is in the record all the same
  if (r.exit !== REPLAY_EXIT.usage && r.exit !== REPLAY_EXIT.refused) process.stderr.write(`slogate: request id ${s.requestId}; incident record ${s.record?.dir} (${s.record?.runId})\n`);
  process.exitCode = r.exit;
}

function planText(r: RunResult): string {
  const plan = r.summary.plan as { batches?: { batch: number; via: string; keys: string[]; from?: string; to?: string }[] } | undefined;
  if (!plan?.batches) return '';
  return plan.batches.map((b) => `batch ${b.batch} (${b.via}${b.from ? ` ${b.from} .. ${b.to}` : ''}): ${b.keys.length} keys: ${b.keys.join(' ')}`).join('\n') + (plan.batches.length ? '\n' : '');
}

async function runBatches(kind: 'one' | 'keys' | 'window', build: (scope: Scope) => ReplayRequest, provider: string, f: BatchFlags): Promise<void> {
  const scope = scopeOf(kind, provider, f);
  const req = build(scope);
  const s = await session(f, `replay ${kind}`, scope, req.dryRun, true);
  try {
    const ctx: RunContext = { api: s.api, record: s.record!, config, signal: s.controller.signal, progress: (l) => process.stderr.write(`slogate: ${scrub(l, [s.token])}\n`), logs: f.logs };
    const r = await new ReplayRun(ctx).run(req);
    if (req.dryRun && !f.json) process.stdout.write(planText(r));
    finishResult(r, f, s);
  } finally {
    s.dispose();
  }
}

function table(rows: EventRow[], token: string): string {
  const cols = ['event_key', 'event_type', 'status', 'replay_count', 'last_error', 'created_at'] as const;
  const cells = rows.map((r) => cols.map((c) => (c === 'last_error' ? (r.last_error ? scrub(r.last_error, [token]) : '-') : String(r[c]))));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const fmt = (row: readonly string[]) => row.map((v, i) => (i === row.length - 1 ? v : v.padEnd(width[i]))).join('  ');
  return [fmt(cols), ...cells.map(fmt)].join('\n') + '\n';
}

function driftTable(drift: Drift[]): string {
  if (!drift.length) return '';
  const cells = drift.map((d) => [d.entity, d.id, d.campaign_id ?? '-', d.field, JSON.stringify(d.local ?? null), JSON.stringify(d.provider ?? null)]);
  const head = ['entity', 'id', 'campaign_id', 'field', 'local', 'provider'];
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [head, ...cells].map((row) => row.map((v, i) => v.padEnd(width[i])).join('  ').trimEnd()).join('\n') + '\n';
}

export function registerReplay(program: Command): void {
  const replay = program
    .command('replay')
    .description('incident recovery: list webhook events, replay them (one, keys, window) verified batch by batch, reconcile')
    .addHelpText(
      'after',
      `
The token comes from the environment only (SLOGATE_REPLAY_TOKEN in the flagship runbook).
Exit codes: 0 done, 1 reconciliation dry run found drift, 2 bad input or token refused,
3 a batch did not verify or the API failed (rerun resumes), 4 escalated (bundle written),
5 refused: widen before a verified single replay, 130 interrupted (record sealed; rerun resumes).`,
    );

  const events = replay.command('events').description('webhook events');
  addCommon(
    events
      .command('list')
      .description('list events of a provider: event_key, event_type, status, replay_count, last_error, created_at')
      .argument('<provider>', PROVIDER_ARG)
      .option('--event-type <type>', 'only this event_type')
      .option('--limit <n>', 'at most this many events (newest first)', '100')
      .option('--incident <dir>', 'also write this listing into the incident record'),
    true,
  ).action(async (provider: string, f: CommonFlags & { eventType?: string; limit: string }) => {
    await configure(f.runbook);
    const scope = scopeOf('list', provider, f);
    const limit = /^\d+$/.test(f.limit) ? Number(f.limit) : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UserError(`--limit must be an integer from 1 to 100000, got '${f.limit}'`);
    const s = await session(f, 'events list', scope, true, true);
    const finish = async (outcome: string, exit: number, details: Record<string, unknown>) => s.record?.finish(outcome, exit, details);
    try {
      const rows = await s.api.listEvents({ provider: scope.provider, org: scope.org, company: scope.company, eventType: f.eventType, limit });
      if (f.json) process.stdout.write(JSON.stringify(rows.map((r) => ({ ...r, last_error: r.last_error ? scrub(r.last_error, [s.token]) : null })), null, 2) + '\n');
      else process.stdout.write(table(rows, s.token));
      await finish('listed', 0, { events: rows.length, event_type: f.eventType, limit });
      process.stderr.write(`slogate: ${rows.length} event${rows.length === 1 ? '' : 's'} (request id ${s.requestId})\n`);
    } catch (err) {
      const exit = err instanceof ApiError && err.kind === 'auth' ? REPLAY_EXIT.usage : REPLAY_EXIT.unverified;
      if (err instanceof ApiError || err instanceof TransportError) {
        await finish(err instanceof ApiError && err.kind === 'auth' ? 'auth_refused' : 'api_error', exit, { message: scrub(err.message, [s.token]) });
        throw new UserError(scrub(err.message, [s.token]), exit);
      }
      throw err;
    } finally {
      s.dispose();
    }
  });

  addIncident(
    addCommon(
      replay
        .command('one')
        .description('replay a single event and verify it: the step that allows keys and window replays in its scope')
        .argument('<provider>', PROVIDER_ARG)
        .argument('<key>', 'event_key')
        .option('--dry-run', 'show what would be replayed; change nothing'),
      true,
    ),
  ).action(async (provider: string, key: string, f: BatchFlags) => {
    await configure(f.runbook);
    return runBatches('one', (scope) => ({ kind: 'one', scope, key, dryRun: !!f.dryRun }), provider, f);
  });

  addIncident(
    addCommon(
      replay
        .command('keys')
        .description('replay explicit event keys in verified batches (needs a verified single replay in the scope)')
        .argument('<provider>', PROVIDER_ARG)
        .argument('[keys...]', 'event keys')
        .option('--keys-file <file>', 'event keys, one a line (# comments)')
        .option('--batch-size <n>', BATCH_HELP)
        .option('--dry-run', 'show the plan (keys per batch); change nothing')
        .option('--i-have-verified-a-single-replay', 'widen without a verified single replay recorded in this incident'),
      true,
    ),
  ).action(async (provider: string, keys: string[], f: BatchFlags & { keysFile?: string }) => {
    await configure(f.runbook);
    const all = [...keys, ...(f.keysFile ? readKeysFile(f.keysFile) : [])];
    if (!all.length) throw new UserError('give event keys as arguments or with --keys-file');
    const size = batchSizeOf(f.batchSize);
    return runBatches('keys', (scope) => ({ kind: 'keys', scope, keys: all, batchSize: size, dryRun: !!f.dryRun, override: !!f.iHaveVerifiedASingleReplay }), provider, f);
  });

  addIncident(
    addCommon(
      replay
        .command('window')
        .description('replay the events of a time window in verified batches (needs --org or --company and a verified single replay)')
        .argument('<provider>', PROVIDER_ARG)
        .requiredOption('--from <time>', 'window start, ISO-8601 (inclusive)')
        .requiredOption('--to <time>', 'window end, ISO-8601 (exclusive)')
        .option('--batch-size <n>', BATCH_HELP)
        .option('--dry-run', 'show the plan (keys per batch); change nothing')
        .option('--i-have-verified-a-single-replay', 'widen without a verified single replay recorded in this incident'),
      true,
    ),
  ).action(async (provider: string, f: BatchFlags & { from: string; to: string }) => {
    await configure(f.runbook);
    const problem = windowProblem({ from: f.from, to: f.to });
    if (problem) throw new UserError(problem);
    const size = batchSizeOf(f.batchSize);
    return runBatches('window', (scope) => ({ kind: 'window', scope, window: { from: f.from, to: f.to }, batchSize: size, dryRun: !!f.dryRun, override: !!f.iHaveVerifiedASingleReplay }), provider, f);
  });

  addIncident(
    addCommon(
      replay
        .command('reconcile')
        .description('campaigns/leads reconciliation: a dry run by default (exit 1 on drift); --apply fixes and re-checks')
        .argument('<provider>', PROVIDER_ARG)
        .option('--apply', 'apply the reconciliation (dry_run false), then check that no drift is left'),
      true,
    ),
  ).action(async (provider: string, f: CommonFlags & { apply?: boolean }) => {
    await configure(f.runbook);
    const scope = scopeOf('reconcile', provider, f);
    const s = await session(f, f.apply ? 'reconcile --apply' : 'reconcile', scope, !f.apply, true);
    try {
      const ctx: RunContext = { api: s.api, record: s.record!, config, signal: s.controller.signal, progress: (l) => process.stderr.write(`slogate: ${l}\n`), logs: f.logs };
      const r = await runReconcile(ctx, { scope, apply: !!f.apply });
      if (!f.json) process.stdout.write(scrub(driftTable(r.drift), [s.token]));
      finishResult(r, f, s, { ...r.summary, drift: r.drift });
    } finally {
      s.dispose();
    }
  });

  replay
    .command('serve')
    .description('serve the reference webhook API (SQLite store, seeded incident, switchable faults) for demos and tests')
    .option('--port <n>', 'port (0 = a free one)', '0')
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--db <file>', 'SQLite file (default: in memory)')
    .option('--events <n>', 'events per seeded scope', '200')
    .option('--faults <file>', 'JSON file of faults to start with (docs/webhook-api.md)')
    .option('--runbook <path>', RUNBOOK_HELP)
    .action(async (f: { port: string; host: string; db?: string; events: string; faults?: string; runbook?: string }) => {
      // better-sqlite3 is an optional dependency: only the reference API needs it
      const { serveReference } = await import('./replay-serve.ts').catch((err: NodeJS.ErrnoException) => {
        if (err?.code === 'ERR_MODULE_NOT_FOUND' && /better-sqlite3/.test(err.message)) throw new UserError('replay serve needs the optional dependency better-sqlite3 12 (npm install better-sqlite3@12)');
        throw err;
      });
      await serveReference(f, await configure(f.runbook));
    });
}
