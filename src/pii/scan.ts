// Orchestration: resolve inputs, split big files into line-aligned ranges, scan them on worker
// threads (or in-process), merge the per-unit results in input order.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UserError } from '../contract/errors.ts';
import { PII_CATEGORIES } from '../contract/metrics.ts';
import { compileAllowList, type AllowList } from './allow-match.ts';
import { detectContext } from './detect.ts';
import { compilePolicy, EMPTY_POLICY, policyProblems, type PiiPolicy } from './policy.ts';
import { AUTO_THREADS_MIN_BYTES, MAX_AUTO_THREADS, type ScanOptions, type ScanResult } from './types.ts';
import { resolveInputs } from './inputs.ts';
import { nextLineStart, sniffFile, scanStdin, scanUnit, unitReference, type ReadUnit } from './reader.ts';
import { Tally, emptyCounts, mergeGroups, pairKey, sortGroups, type UnitResult } from './tally.ts';
import { fallbackMaxGap, emptyClock, isoTime, mergeClocks, windowCoverage, type ClockState, type TimeWindow } from './coverage.ts';

export const DEFAULT_MAX_FINDINGS = 1000;
/** Below this many bytes in total, starting workers costs more than it saves. */
const WORKER_MIN_BYTES = 16 << 20;
/** Plain files above this size are split into ranges so one big file uses every worker. */
const SPLIT_MIN_BYTES = 32 << 20;

export interface WorkerData {
  keyHex: string;
  allow?: AllowList;
  policy: PiiPolicy;
  preExisting?: string[];
  maxFindings: number;
  evidenceLines: number;
  window?: TimeWindow;
  reference: number;
}
/**
 * The whole list of units goes to every worker at once; each thread (the main one too) claims
 * the next unit by bumping one shared counter, so no thread waits on another to be handed work.
 */
export type WorkerTask = { type: 'units'; units: ReadUnit[]; claim: SharedArrayBuffer } | { type: 'exit' };
export type WorkerReply =
  | { type: 'progress'; bytes: number; findings: number }
  | { type: 'done'; id: number; bytes: number; result: UnitResult }
  | { type: 'idle' }
  | { type: 'error'; id: number; message: string; exitCode: number };

let runKey: Buffer | undefined;
/**
 * Fingerprint key: `SLOGATE_PII_KEY` when set (stable across runs and machines), otherwise 32
 * random bytes drawn once per process, so fingerprints correlate within a run but can't be
 * brute-forced back to a phone number or card afterwards.
 */
export function fingerprintKey(): Buffer {
  const env = process.env.SLOGATE_PII_KEY;
  if (env) return Buffer.from(env, 'utf8');
  runKey ??= randomBytes(32);
  return runKey;
}

interface PlannedUnit {
  unit: ReadUnit;
  /** Index of the input file this unit belongs to; ranges of one file share it. */
  file: number;
  rawBytes: number;
}

export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), MAX_AUTO_THREADS));
}

export async function scanLogs(inputs: string[], opts: ScanOptions = {}): Promise<ScanResult> {
  const policy = opts.policy ?? EMPTY_POLICY;
  const problems = policyProblems(policy);
  if (problems.length) throw new UserError(`PII policy: ${problems[0]}`, 2);
  if (!opts.baseline?.length) return scanOnce(inputs, opts, policy);
  // The stable track first: every (category, field) pair it has is pre-existing in the canary.
  // A baseline that cannot be read to the end is an error, never a quietly smaller baseline.
  const base = await scanOnce(opts.baseline, { ...opts, maxFindings: 0, evidenceLines: 0, onProgress: undefined }, policy);
  if (base.errors.length) throw new UserError(`baseline logs: ${base.errors[0].message}`, 2);
  const pairs = base.groups.map((g) => pairKey(g.category, g.field));
  const out = await scanOnce(inputs, opts, policy, pairs);
  out.baseline = { files: base.files, lines: base.lines, bytes: base.bytes, pairs: pairs.length };
  return out;
}

async function scanOnce(inputs: string[], opts: ScanOptions, policy: PiiPolicy, preExistingList?: string[]): Promise<ScanResult> {
  const maxFindings = opts.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const evidenceLines = opts.evidenceLines ?? 0;
  const key = fingerprintKey();
  const resolved = await resolveInputs(inputs);
  const sizeTotal = resolved.reduce((n, r) => n + (r.kind === 'file' && !r.error ? r.size : 0), 0);
  const jobs = Math.max(1, Math.floor(opts.jobs ?? (sizeTotal >= AUTO_THREADS_MIN_BYTES ? defaultJobs() : 1)));
  const window = opts.window;
  // one reference for every thread: a year-less line reads the same whichever thread reads it
  const reference = opts.reference ?? window?.end ?? Date.now() / 1000;
  const data: WorkerData = { keyHex: key.toString('hex'), allow: opts.allow, policy, preExisting: preExistingList, maxFindings, evidenceLines, window, reference };
  // Workers start loading now, while this thread compiles the policy and plans the ranges.
  const pool = new WorkerPool(jobs > 1 && sizeTotal >= WORKER_MIN_BYTES ? jobs - 1 : 0, data);
  try {
    return await scanPlanned(resolved, { ...opts, reference }, pool, jobs, key, preExistingList);
  } finally {
    await pool.close();
  }
}

async function scanPlanned(
  resolved: Awaited<ReturnType<typeof resolveInputs>>,
  opts: ScanOptions,
  pool: WorkerPool,
  jobs: number,
  key: Buffer,
  preExistingList: string[] | undefined,
): Promise<ScanResult> {
  const maxFindings = opts.maxFindings ?? DEFAULT_MAX_FINDINGS;
  const evidenceLines = opts.evidenceLines ?? 0;
  const window = opts.window;
  const reference = opts.reference;
  const detect = detectContext(compilePolicy(opts.policy ?? EMPTY_POLICY), compileAllowList(opts.allow));
  const preExisting = preExistingList ? new Set(preExistingList) : undefined;

  const planned: PlannedUnit[] = [];
  /** Read errors by input index: the file is reported, the others are still scanned. */
  const failed = new Map<number, string>();
  const names: string[] = [];
  let stdinAt = -1;
  let fileIndex = 0;
  let bytesTotal = 0;
  for (const input of resolved) {
    if (input.kind === 'stdin') {
      names.push('-');
      stdinAt = fileIndex++;
      continue;
    }
    names.push(input.path);
    if (input.error) {
      failed.set(fileIndex++, input.error);
      continue;
    }
    let gz: boolean;
    let utf16 = false;
    try {
      ({ gz, utf16 } = input.size >= 2 ? await sniffFile(input.path) : { gz: false, utf16: false });
    } catch (err) {
      failed.set(fileIndex++, `cannot read ${input.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      continue;
    }
    bytesTotal += input.size;
    const base = { path: input.path, display: input.path, gz, size: input.size, mtime: input.mtime };
    if (!gz && !utf16 && jobs > 1 && input.size >= SPLIT_MIN_BYTES) {
      // Many ranges per thread, so a worker that starts late (or a busy core) evens out at the end.
      const parts = Math.min(jobs * 16, Math.ceil(input.size / (SPLIT_MIN_BYTES / 8)));
      let start = 0;
      for (let p = 1; p <= parts && start < input.size; p++) {
        const end = p === parts ? input.size : await nextLineStart(input.path, Math.floor((input.size * p) / parts) - 1, input.size);
        if (end <= start) continue;
        planned.push({ unit: { ...base, start, end }, file: fileIndex, rawBytes: end - start });
        start = end;
      }
    } else {
      planned.push({ unit: base, file: fileIndex, rawBytes: input.size });
    }
    fileIndex++;
  }

  let bytesDone = 0;
  let leaksSoFar = 0;
  const progress = (bytes: number, leaks = 0) => {
    bytesDone += bytes;
    leaksSoFar += leaks;
    opts.onProgress?.({ bytesDone, bytesTotal, findings: leaksSoFar });
  };

  const results: UnitResult[] = new Array(planned.length);
  // The main thread scans too, so `--jobs N` means N scanning threads and N-1 workers.
  await pool.run(planned, planned.length > 1, results, progress, async (i) => {
    const tally = new Tally(planned[i].unit.display, { detect, preExisting, key, maxFindings, evidenceLines, window, reference: reference === undefined ? undefined : unitReference(planned[i].unit, reference) });
    let error: string | undefined;
    try {
      await scanUnit(planned[i].unit, tally, (n) => progress(n));
    } catch (err) {
      // a read error ends this file only; what it held before the error is kept
      if (!(err instanceof UserError)) throw err;
      error = err.message;
    }
    progress(0, tally.result.pii_leaks);
    return tally.finish(error);
  });
  let stdinResult: UnitResult | undefined;
  if (stdinAt >= 0) {
    const tally = new Tally('-', { detect, preExisting, key, maxFindings, evidenceLines, window, reference });
    let error: string | undefined;
    try {
      await scanStdin(tally);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      error = err.message;
    }
    stdinResult = tally.finish(error);
  }

  // Merge in input order; ranges of one file get their line numbers shifted by the lines before them.
  const out: ScanResult = { pii_leaks: 0, by_category: emptyCounts(), groups: [], files: fileIndex, lines: 0, bytes: 0, findings: [], errors: [], per_file: [] };
  if (preExisting) out.pre_existing = 0;
  let allClocks: ClockState = emptyClock();
  const fileClocks: ClockState[] = names.map(() => emptyClock());
  const fileLines: number[] = names.map(() => 0);
  const fileErrors: (string | undefined)[] = names.map((_, i) => failed.get(i));
  let firstLeak: number | undefined;
  let lastLeak: number | undefined;
  const evidence: NonNullable<ScanResult['evidence']> = [];
  let findingsTruncated = false;
  let evidenceTruncated = false;
  let lineOffset = 0;
  let currentFile = -1;
  const merge = (r: UnitResult, offset: number, file: number) => {
    if (r.clock) fileClocks[file] = mergeClocks(fileClocks[file], r.clock);
    fileLines[file] += r.lines;
    // the first error of a file (its later ranges may have read fine)
    if (r.error) fileErrors[file] ??= r.error;
    if (r.firstLeak !== undefined) firstLeak = Math.min(firstLeak ?? Infinity, r.firstLeak);
    if (r.lastLeak !== undefined) lastLeak = Math.max(lastLeak ?? -Infinity, r.lastLeak);
    out.pii_leaks += r.pii_leaks;
    for (const c of PII_CATEGORIES) out.by_category[c] += r.by_category[c];
    out.lines += r.lines;
    out.bytes += r.bytes;
    mergeGroups(out.groups, r.groups);
    if (out.pre_existing !== undefined) out.pre_existing += r.pre_existing;
    for (const f of r.findings) {
      if (out.findings.length < maxFindings) out.findings.push(offset ? { ...f, line: f.line + offset } : f);
      else findingsTruncated = true;
    }
    findingsTruncated ||= r.findings_truncated;
    for (const e of r.evidence) {
      if (evidence.length < evidenceLines) evidence.push(offset ? { ...e, line: e.line + offset } : e);
      else evidenceTruncated = true;
    }
    evidenceTruncated ||= r.evidence_truncated;
  };
  let next = 0;
  for (let f = 0; f < fileIndex; f++) {
    if (f === stdinAt) {
      merge(stdinResult!, 0, f);
      continue;
    }
    for (; next < planned.length && planned[next].file === f; next++) {
      if (currentFile !== f) {
        currentFile = f;
        lineOffset = 0;
      }
      merge(results[next], lineOffset, f);
      lineOffset += results[next].lines;
    }
  }
  sortGroups(out.groups);
  if (findingsTruncated) out.findings_truncated = true;
  if (evidenceLines > 0) {
    out.evidence = evidence;
    if (evidenceTruncated) out.evidence_truncated = true;
  }
  for (let f = 0; f < fileIndex; f++) {
    const c = fileClocks[f];
    allClocks = mergeClocks(allClocks, c);
    out.per_file.push({
      file: names[f],
      lines: fileLines[f],
      first_ts: c.first === null ? null : isoTime(c.first),
      last_ts: c.last === null ? null : isoTime(c.last),
      ...(window ? { lines_in_window: c.inWindow } : {}),
      ...(fileErrors[f] ? { error: fileErrors[f] } : {}),
    });
    if (fileErrors[f]) out.errors.push({ file: names[f], message: fileErrors[f]! });
  }
  if (firstLeak !== undefined) out.first_leak_ts = isoTime(firstLeak);
  if (lastLeak !== undefined) out.last_leak_ts = isoTime(lastLeak);
  if (window) out.coverage = windowCoverage(window, allClocks, opts.maxGapSeconds ?? fallbackMaxGap(window));
  return out;
}

/**
 * Scan workers, started as soon as the inputs' sizes are known so their start-up overlaps the
 * main thread's; `run` then scans units on them and on the main thread, each thread claiming the
 * next unit from a shared counter.
 */
class WorkerPool {
  private readonly threads: Worker[] = [];
  private failure: Error | undefined;
  private idle = 0;
  private settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private claim: Int32Array | undefined;
  private results: UnitResult[] = [];
  private progress: (bytes: number, leaks?: number) => void = () => undefined;

  constructor(workers: number, data: WorkerData) {
    // compiled (dist/): the worker is plain JavaScript; from source, a CommonJS entry registers tsx first
    const entry = import.meta.url.endsWith('.js') ? new URL('./worker.js', import.meta.url) : new URL('./worker-entry.cjs', import.meta.url);
    for (let i = 0; i < workers; i++) {
      // A small young generation keeps each worker's RSS down; throughput is unaffected.
      const w = new Worker(entry, { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
      this.threads.push(w);
      w.on('message', (msg: WorkerReply) => {
        if (msg.type === 'progress') {
          this.progress(msg.bytes);
        } else if (msg.type === 'done') {
          this.results[msg.id] = msg.result;
          this.progress(msg.bytes, msg.result.pii_leaks);
        } else if (msg.type === 'idle') {
          if (++this.idle === this.threads.length) this.settle?.resolve();
        } else {
          this.fail(new UserError(msg.message, msg.exitCode));
        }
      });
      w.on('error', (err) => this.fail(new Error(`pii-scan worker failed: ${err.message}`)));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`pii-scan worker exited with code ${code}`));
        else if (this.settle && this.idle < this.threads.length) this.fail(new Error('pii-scan worker exited before its ranges were scanned'));
      });
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    // nobody claims another unit
    if (this.claim) Atomics.store(this.claim, 0, 1 << 30);
    this.settle?.reject(err);
  }

  /** Scans every unit; on the workers too when `share` (else they are left idle). */
  async run(planned: PlannedUnit[], share: boolean, results: UnitResult[], progress: (bytes: number, leaks?: number) => void, scanHere: (i: number) => Promise<UnitResult>): Promise<void> {
    this.results = results;
    this.progress = progress;
    const claim = new Int32Array(new SharedArrayBuffer(4));
    this.claim = claim;
    const workersDone = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      if (this.failure) reject(this.failure);
      else if (this.threads.length === 0 || !share) resolve();
    });
    workersDone.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
    if (share) for (const w of this.threads) w.postMessage({ type: 'units', units: planned.map((p) => p.unit), claim: claim.buffer as SharedArrayBuffer } satisfies WorkerTask);
    for (let id = Atomics.add(claim, 0, 1); !this.failure && id < planned.length; id = Atomics.add(claim, 0, 1)) {
      try {
        results[id] = await scanHere(id);
      } catch (err) {
        this.fail(err as Error);
      }
    }
    await workersDone;
    if (this.failure) throw this.failure;
    // fail closed: a range no thread reported on is never taken as clean
    for (let i = 0; i < planned.length; i++) if (results[i] === undefined) throw new Error(`pii-scan: no result for ${planned[i].unit.display}${planned[i].unit.start !== undefined ? ` from byte ${planned[i].unit.start}` : ''}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((w) => w.terminate()));
  }
}
