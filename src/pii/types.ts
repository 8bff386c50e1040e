// The PII scanner's data shapes: what a scan is asked for and what it answers. Kept apart
// from index.ts so the scanner's modules import them without an import circle.
import type { PiiCategory } from '../contract/metrics.ts';
import type { RuleId } from './detect.ts';
import type { PiiPolicy } from './policy.ts';

/**
 * Without `jobs`, one thread below this many bytes of input: a worker costs about 0.05 s to load
 * and 0.1-0.2 s more before its code is warm, and V8's own threads already use part of a second
 * core; on 2 cores, two threads won 12% on one 134 MB log and lost up to 25% on others.
 */
export const AUTO_THREADS_MIN_BYTES = 256 << 20;
/** Without `jobs`, at most this many threads (above that, reading the file is what waits). */
export const MAX_AUTO_THREADS = 4;
/** How the default thread count reads, for help texts. */
export const AUTO_THREADS_TEXT = `1 below ${AUTO_THREADS_MIN_BYTES >> 20} MiB of input, else the available cores, at most ${MAX_AUTO_THREADS}`;

export type { PiiCategory, RuleId };
export type { PiiPolicy, FieldPattern } from './policy.ts';

/** One PII value found on one line. Never carries the raw value. */
export interface Finding {
  file: string;
  /** 1-based line number (for Loki: 1-based ordinal of the entry within its stream). */
  line: number;
  category: PiiCategory;
  /** What a person needs to find the leak, e.g. `j***@a***.io`, `**** **** **** 1111`, `81.2.x.x`. */
  redacted: string;
  /** Keyed HMAC-SHA256 of the normalised value (16 hex chars); equal values share it within a run. */
  fingerprint: string;
  /** The normalised field the value was under (`client.ip`, `upstream_addr`), or `text`. */
  field: string;
  /** The rule that matched (see RULES in detect.ts and docs/pii.md). */
  rule: RuleId;
  /** The policy or allowlist entry that would exempt it. */
  exempt: string;
  /** Set when the baseline has the same (category, field) pair. */
  status?: 'pre-existing';
}

/** Findings counted per (category, field): the unit an operator decides on. */
export interface FindingGroup {
  category: PiiCategory;
  field: string;
  /** Lines with at least one value of this pair. */
  lines: number;
  /** Values of this pair. */
  values: number;
  rule: RuleId;
  exempt: string;
  /** One redacted value, e.g. `81.2.x.x`. */
  sample: string;
  /** `pre-existing` when the baseline logs have this pair too: reported, but not a leak of this canary. */
  status: 'new' | 'pre-existing';
}

/** A log line with PII, every found value replaced by its redaction (for the `--out` evidence files). */
export interface EvidenceLine {
  file: string;
  line: number;
  categories: PiiCategory[];
  excerpt: string;
}

export interface ScanResult {
  /** Lines with at least one finding in a pair the baseline does not have (all findings without a baseline). */
  pii_leaks: number;
  /** Leak lines per category. */
  by_category: Record<PiiCategory, number>;
  /** Findings per (category, field), uncapped, new pairs first. */
  groups: FindingGroup[];
  /** With a baseline: lines whose every finding is pre-existing. */
  pre_existing?: number;
  /** With a baseline: what the baseline scan read and how many pairs it held. */
  baseline?: { files: number; lines: number; bytes: number; pairs: number };
  files: number;
  lines: number;
  /** Bytes of log text scanned (after gunzip). */
  bytes: number;
  findings: Finding[];
  findings_truncated?: boolean;
  /** Files that could not be read to the end (missing permission, truncated gzip): counts and findings above include what they held before the error. */
  errors: ReadError[];
  /** Per input file: lines and the earliest and latest timestamp read from them. */
  per_file: FileTimes[];
  /** Own timestamps of the earliest and latest line with PII (RFC 3339), when those lines have one. */
  first_leak_ts?: string;
  last_leak_ts?: string;
  /** How the lines' timestamps cover `window`, when one was given. */
  coverage?: WindowCoverage;
  /** Redacted lines for evidence files; only filled when `evidence` is asked for. Not part of `--json`. */
  evidence?: EvidenceLine[];
  evidence_truncated?: boolean;
}

export interface ReadError {
  file: string;
  message: string;
}

export interface FileTimes {
  file: string;
  lines: number;
  /** Earliest and latest timestamp recognised in the file's lines (RFC 3339), null when none. */
  first_ts: string | null;
  last_ts: string | null;
  /** Lines dated inside the window (with a window). */
  lines_in_window?: number;
  error?: string;
}

export interface Progress {
  bytesDone: number;
  bytesTotal: number;
  findings: number;
}

export interface ScanOptions {
  allow?: AllowList;
  /** The service's PII policy (a runbook's `pii-policy.ts`); without one, no field is exempt. */
  policy?: PiiPolicy;
  /** Logs of the stable track over the same window: pairs found there are `pre-existing`. */
  baseline?: string[];
  /** Cap on `findings` (default 1000). Counts are never capped. */
  maxFindings?: number;
  /** Scanning threads (default: AUTO_THREADS_TEXT). 1 scans in-process. */
  jobs?: number;
  /** Keep up to this many redacted evidence lines (default 0 = none; the CLI uses 10000 with --out). */
  evidenceLines?: number;
  onProgress?: (p: Progress) => void;
  /** The checkpoint window (unix seconds): the result's `coverage` says how the lines' timestamps cover it. */
  window?: TimeWindow;
  /** Longest stretch of the window without a line that still counts as covered (default: a sixth of the window). */
  maxGapSeconds?: number;
  /**
   * Unix seconds that year-less timestamps (syslog's `Dec  1 06:47:22`, klog's `I1201 …`) are
   * read near (default: the window's end, else the time the scan starts).
   */
  reference?: number;
}
import type { AllowList } from './allowlist.ts';
import type { TimeWindow, WindowCoverage } from './coverage.ts';
