// Where the canary's logs come from, with the PII policy that applies to them: one value
// shared by `pii-scan`, `gate` and `evidence collect`, so all three read logs the same way.
import { UserError } from '../contract/errors.ts';
import type { AllowList } from './allowlist.ts';
import { coverageProblem, fallbackMaxGap, windowCoverage, type TimeWindow } from './coverage.ts';
import type { ScanResult } from './index.ts';
import { lokiCounts, scanLoki } from './loki.ts';
import { scanLogs } from './scan.ts';

export interface LogSource {
  /** Files, directories, globs, `-` for standard input. */
  paths?: readonly string[];
  /** Loki instead of files: base URL and LogQL stream selector. */
  loki?: { url: string; query: string };
  /** Values that are not leaks (`--allow FILE`, already loaded). */
  allow?: AllowList;
}

export interface SourceScanOptions {
  /** The checkpoint window: Loki is read over it, and the result's `coverage` is measured against it. */
  window: TimeWindow;
  maxFindings?: number;
  evidenceLines?: number;
  maxGapSeconds?: number;
}

/** The logs named do not exist (a typo, a glob matching nothing): a usage error, exit 2, in every command. */
export class LogInputError extends Error {}

export async function scanLogSource(src: LogSource, o: SourceScanOptions): Promise<ScanResult> {
  if (src.loki) {
    const seconds = Math.max(1, Math.round(o.window.end - o.window.start));
    const r = await scanLoki({ url: src.loki.url, query: src.loki.query, since: `${seconds}s`, end: new Date(o.window.end * 1000), allow: src.allow, maxFindings: o.maxFindings, evidenceLines: o.evidenceLines });
    // the scan only sees lines Loki's filter kept: coverage comes from Loki's own line counts
    const clock = await lokiCounts(src.loki.url, src.loki.query, o.window);
    r.coverage = windowCoverage(o.window, clock, o.maxGapSeconds ?? fallbackMaxGap(o.window));
    r.lines = Math.max(r.lines, clock.lines);
    return r;
  }
  if (!src.paths?.length) throw new LogInputError('no logs given (--logs PATH or --loki URL)');
  try {
    return await scanLogs([...src.paths], { allow: src.allow, window: o.window, maxFindings: o.maxFindings, evidenceLines: o.evidenceLines, maxGapSeconds: o.maxGapSeconds });
  } catch (err) {
    // what is left after per-file read errors are kept: inputs that name nothing
    if (err instanceof UserError) throw new LogInputError(err.message);
    throw err;
  }
}

/** Why a scan is not evidence of a clean window, one sentence each; empty when it is. */
export function scanProblems(r: ScanResult): string[] {
  const out: string[] = [];
  if (r.lines === 0) out.push(`no log lines were read (${r.files} file${r.files === 1 ? '' : 's'}, all empty or unreadable)`);
  for (const e of r.errors) out.push(e.message.startsWith(e.file) ? e.message : `${e.file}: ${e.message}`);
  const gap = r.lines > 0 && r.coverage ? coverageProblem(r.coverage) : null;
  if (gap) out.push(gap);
  return out;
}
