// The incident record: one folder per incident that every `slogate replay` run appends to.
//
//   journal.jsonl                    every step of every run, one JSON line, appended as it happens
//   runs/NNN_<request-id>/calls.jsonl every API call: endpoint, request, status, answer (redacted), ms
//   runs/NNN_<request-id>/run.json    the run: request id, command, scope, plan, outcome, timing
//   escalation/NNN_<request-id>.json  the escalation bundle, when a run escalated
//   manifest.json                     sha256 of every file (the canary evidence's seal)
//
// Lines are written synchronously, so an interrupt between two of them leaves whole lines;
// the folder is sealed at the end of every run, interrupted ones included.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { compareEntries, hashFiles, MANIFEST_FORMAT, readManifest, driftCount, type IncidentManifest } from '../evidence/manifest.ts';
import { redactText } from '../pii/index.ts';
import type { CallRecord } from './api.ts';
import type { Batch, Scope, VerifiedSingle } from './plan.ts';

export type BatchState = 'started' | 'replayed' | 'verified' | 'unverified' | 'escalated' | 'interrupted';

export type JournalEntry =
  | { type: 'run'; run: string; request_id: string; command: string; scope: Scope; dry_run: boolean; at: string }
  | { type: 'single_verified'; run: string; single: VerifiedSingle; at: string }
  | {
      type: 'batch';
      run: string;
      batch: number;
      state: BatchState;
      keys: string[];
      via?: Batch['via'];
      from?: string;
      to?: string;
      /** replay_count per key before the replay, recorded at 'started' so a rerun can verify. */
      before?: Record<string, number>;
      verified_keys?: string[];
      problems?: unknown[];
      ms?: number;
      at: string;
    }
  | { type: 'end'; run: string; outcome: string; exit: number; at: string };

export class RecordError extends Error {}

/** Replaces the token wherever it shows up, then every PII value, in text that goes into the record. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[token]');
  out = out.replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1[token]');
  return redactText(out).text;
}

export interface IncidentState {
  singles: VerifiedSingle[];
  /** Keys verified replayed (status replayed, count incremented) in this incident. */
  verifiedKeys: Set<string>;
  /** Batches replayed or started but never verified (interrupted): keys with their counts before. */
  pending: { run: string; batch: number; keys: string[]; before: Record<string, number> }[];
  requestIds: string[];
  runs: number;
  /** A journal line cut short by a crash, skipped. */
  truncated: boolean;
}

/** What the journal says so far. Pure over the lines. */
export function incidentState(lines: readonly JournalEntry[]): IncidentState {
  const s: IncidentState = { singles: [], verifiedKeys: new Set(), pending: [], requestIds: [], runs: 0, truncated: false };
  const open = new Map<string, { run: string; batch: number; keys: string[]; before: Record<string, number> }>();
  for (const e of lines) {
    if (e.type === 'run') {
      s.runs++;
      if (!s.requestIds.includes(e.request_id)) s.requestIds.push(e.request_id);
    } else if (e.type === 'single_verified') {
      s.singles.push(e.single);
      s.verifiedKeys.add(e.single.event_key);
    } else if (e.type === 'batch') {
      const id = `${e.run}#${e.batch}`;
      if (e.state === 'started') open.set(id, { run: e.run, batch: e.batch, keys: e.keys, before: e.before ?? {} });
      else if (e.state === 'replayed' || e.state === 'interrupted') {
        // still open: a rerun must verify it before replaying its keys again
      } else {
        open.delete(id);
        for (const k of e.verified_keys ?? []) s.verifiedKeys.add(k);
      }
    }
  }
  s.pending = [...open.values()].map((p) => ({ ...p, keys: p.keys.filter((k) => !s.verifiedKeys.has(k)) })).filter((p) => p.keys.length);
  return s;
}

export function parseJournal(text: string): { entries: JournalEntry[]; truncated: boolean } {
  const entries: JournalEntry[] = [];
  let truncated = false;
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      entries.push(JSON.parse(line));
    } catch {
      // only the very last line may be cut short (a crash mid-write); anything else is damage
      if (i >= lines.length - 2) truncated = true;
      else throw new RecordError(`journal.jsonl line ${i + 1} is not JSON`);
    }
  });
  return { entries, truncated };
}

export interface RunInfo {
  request_id: string;
  command: string;
  argv: string[];
  scope: Scope;
  dry_run: boolean;
}

/** `<dir>.lock` beside the folder (inside it, the lock would be sealed into the manifest). */
export const lockPath = (dir: string) => `${path.resolve(dir)}.lock`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the incident's lock, or says which live process holds it. A dead holder's lock is taken over. */
export function takeLock(dir: string): () => void {
  const file = lockPath(dir);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new RecordError(`cannot use incident folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new RecordError(`cannot lock incident folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new RecordError(`incident folder ${dir} is in use by process ${pid} (${file}); wait for that run to end`);
      unlinkSync(file);
    }
  }
  throw new RecordError(`cannot lock incident folder ${dir}`);
}

/** One run's handle on the incident folder. */
export class IncidentRecord {
  readonly runId: string;
  readonly runDir: string;
  readonly state: IncidentState;
  /** Set when the folder did not match its manifest at the start (a run that was killed). */
  readonly unsealedBefore: string | null;
  private readonly started = new Date();
  private readonly journalFile: string;
  private readonly callsFile: string;
  private calls = 0;
  private unlock: () => void = () => {};

  private constructor(
    readonly dir: string,
    readonly info: RunInfo,
    private readonly secrets: readonly string[],
    entries: JournalEntry[],
    truncated: boolean,
    unsealed: string | null,
    runNo: number,
  ) {
    this.state = incidentState(entries);
    this.state.truncated = truncated;
    this.unsealedBefore = unsealed;
    this.runId = `${String(runNo).padStart(3, '0')}_${info.request_id.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    this.runDir = path.join(dir, 'runs', this.runId);
    this.journalFile = path.join(dir, 'journal.jsonl');
    this.callsFile = path.join(this.runDir, 'calls.jsonl');
  }

  /** Opens (or creates) the incident folder and starts a run in it. */
  static async open(dir: string, info: RunInfo, secrets: readonly string[]): Promise<IncidentRecord> {
    const unlock = takeLock(dir);
    try {
      const rec = await IncidentRecord.openLocked(dir, info, secrets);
      rec.unlock = unlock;
      return rec;
    } catch (err) {
      unlock();
      throw err;
    }
  }

  /** Lets go of the folder's lock (also done by finish). */
  release(): void {
    this.unlock();
  }

  private static async openLocked(dir: string, info: RunInfo, secrets: readonly string[]): Promise<IncidentRecord> {
    try {
      if (existsSync(dir) && !readdirSync(dir, { withFileTypes: true }).length) {
        // an empty folder is a new incident
      } else if (existsSync(dir) && !existsSync(path.join(dir, 'journal.jsonl'))) {
        throw new RecordError(`${dir} is not an incident record (no journal.jsonl); give a new or an existing incident folder`);
      }
      mkdirSync(path.join(dir, 'runs'), { recursive: true });
    } catch (err) {
      if (err instanceof RecordError) throw err;
      throw new RecordError(`cannot use incident folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const journal = path.join(dir, 'journal.jsonl');
    const { entries, truncated } = existsSync(journal) ? parseJournal(readFileSync(journal, 'utf8')) : { entries: [], truncated: false };
    let unsealed: string | null = null;
    if (existsSync(path.join(dir, 'manifest.json'))) {
      const m = await readManifest(dir).catch((e: Error) => {
        throw new RecordError(e.message);
      });
      const d = compareEntries(m.files, await hashFiles(dir));
      if (driftCount(d)) unsealed = `${driftCount(d)} file(s) changed since the last seal (${[...d.changed, ...d.missing, ...d.extra].slice(0, 3).join(', ')})`;
    } else if (entries.length) {
      unsealed = 'journal.jsonl exists but the folder was never sealed';
    }
    const runs = existsSync(path.join(dir, 'runs')) ? readdirSync(path.join(dir, 'runs')).length : 0;
    const rec = new IncidentRecord(dir, info, secrets, entries, truncated, unsealed, runs + 1);
    mkdirSync(rec.runDir, { recursive: true });
    writeFileSync(rec.callsFile, '');
    rec.journal({ type: 'run', run: rec.runId, request_id: info.request_id, command: info.command, scope: info.scope, dry_run: info.dry_run, at: new Date().toISOString() });
    return rec;
  }

  journal(e: JournalEntry): void {
    appendFileSync(this.journalFile, JSON.stringify(e) + '\n');
  }

  /** Writes one API call down: request and answer bodies scrubbed of the token and of PII. */
  call(c: CallRecord): void {
    this.calls++;
    const line = {
      seq: this.calls,
      endpoint: c.endpoint,
      method: c.method,
      path: c.path,
      query: c.query ? Object.fromEntries(Object.entries(c.query).filter(([, v]) => v !== undefined)) : undefined,
      request: c.body,
      status: c.status,
      response: c.response,
      ms: c.ms,
      rate_limited: c.rate_limited || undefined,
      at: new Date().toISOString(),
    };
    appendFileSync(this.callsFile, scrub(JSON.stringify(line), this.secrets) + '\n');
  }

  scrub(text: string): string {
    return scrub(text, this.secrets);
  }

  /** The calls of this run so far, as written (already redacted). */
  callLines(): Record<string, unknown>[] {
    return readFileSync(this.callsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  async writeEscalation(bundle: Record<string, unknown>): Promise<string> {
    const dir = path.join(this.dir, 'escalation');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${this.runId}.json`);
    await writeFile(file, this.scrub(JSON.stringify(bundle, null, 2)) + '\n');
    return file;
  }

  /** Ends the run: run.json, the journal's end line, and a fresh seal over the whole folder. */
  async finish(outcome: string, exit: number, details: Record<string, unknown>): Promise<void> {
    const ended = new Date();
    const run = {
      run: this.runId,
      request_id: this.info.request_id,
      command: this.info.command,
      argv: this.info.argv,
      scope: this.info.scope,
      dry_run: this.info.dry_run,
      started_at: this.started.toISOString(),
      ended_at: ended.toISOString(),
      duration_ms: ended.getTime() - this.started.getTime(),
      calls: this.calls,
      outcome,
      exit,
      ...(this.unsealedBefore ? { found_unsealed: this.unsealedBefore } : {}),
      ...details,
    };
    await writeFile(path.join(this.runDir, 'run.json'), this.scrub(JSON.stringify(run, null, 2)) + '\n');
    this.journal({ type: 'end', run: this.runId, outcome, exit, at: ended.toISOString() });
    await this.seal(outcome);
    this.release();
  }

  async seal(outcome: string): Promise<void> {
    const requestIds = [...this.state.requestIds];
    if (!requestIds.includes(this.info.request_id)) requestIds.push(this.info.request_id);
    const manifest: IncidentManifest = {
      format: MANIFEST_FORMAT,
      kind: 'incident',
      created: new Date().toISOString(),
      request_ids: requestIds,
      outcome,
      files: await hashFiles(this.dir),
    };
    await writeFile(path.join(this.dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  }
}
