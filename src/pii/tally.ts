// Per-unit scanning state: turns latin1 text into counted lines and capped, redacted findings.
// One Tally per file (or byte range of a file); the main thread merges them in input order.
import { createHmac } from 'node:crypto';
import { PII_CATEGORIES, type PiiCategory } from '../contract/metrics.ts';
import { LogClock, type ClockState, type TimeWindow } from './coverage.ts';
import { lineTime } from './timestamps.ts';
import { detectContext, detectHits, type DetectContext, type LineFinding } from './detect.ts';
import type { EvidenceLine, Finding, FindingGroup } from './types.ts';

export interface TallyOptions {
  /** Policy and allowlist (default: no policy, no allowlist). */
  detect?: DetectContext;
  /** `category\0field` pairs seen in the baseline: findings there do not make a line a leak. */
  preExisting?: ReadonlySet<string>;
  /** HMAC key for fingerprints. */
  key: Buffer;
  maxFindings: number;
  evidenceLines: number;
  /** `scanText` gets real strings (e.g. from Loki's JSON), not latin1-decoded bytes: scan their UTF-8. */
  utf16?: boolean;
  /** The checkpoint window the lines' timestamps are placed in (coverage). */
  window?: TimeWindow;
  /** Unix seconds that year-less timestamps are read near (none: they are not read). */
  reference?: number;
}

export interface UnitResult {
  lines: number;
  bytes: number;
  pii_leaks: number;
  by_category: Record<PiiCategory, number>;
  findings: Finding[];
  findings_truncated: boolean;
  evidence: EvidenceLine[];
  evidence_truncated: boolean;
  groups: FindingGroup[];
  /** Lines whose every finding is in a pair the baseline has too. */
  pre_existing: number;
  /** Times of the lines read (set by `finish`). */
  clock?: ClockState;
  /** Why reading stopped early (truncated gzip, I/O error); what was found before it is kept. */
  error?: string;
  /** Earliest and latest own timestamp of a line with PII (unix seconds), when the lines have one. */
  firstLeak?: number;
  lastLeak?: number;
}

export const pairKey = (category: PiiCategory, field: string) => `${category}\0${field}`;

/** Adds group counts of `from` into `into` (same pair: counts summed, first sample kept). */
export function mergeGroups(into: FindingGroup[], from: readonly FindingGroup[]): void {
  for (const g of from) {
    const have = into.find((x) => x.category === g.category && x.field === g.field);
    if (have) {
      have.lines += g.lines;
      have.values += g.values;
    } else {
      into.push({ ...g });
    }
  }
}

/** Groups in report order: new pairs first, then by lines, category order, field. */
export function sortGroups(groups: FindingGroup[]): FindingGroup[] {
  const cat = (c: PiiCategory) => PII_CATEGORIES.indexOf(c);
  return groups.sort(
    (a, b) =>
      Number(a.status === 'pre-existing') - Number(b.status === 'pre-existing') ||
      b.lines - a.lines ||
      cat(a.category) - cat(b.category) ||
      (a.field < b.field ? -1 : a.field > b.field ? 1 : 0),
  );
}

export function emptyCounts(): Record<PiiCategory, number> {
  return Object.fromEntries(PII_CATEGORIES.map((c) => [c, 0])) as Record<PiiCategory, number>;
}

export function fingerprint(key: Buffer, category: PiiCategory, norm: string): string {
  return createHmac('sha256', key).update(category).update('\0').update(norm).digest('hex').slice(0, 16);
}

const EXCERPT_CONTEXT = 120;
const DELIM = /[\s,;"'{}[\]()]/;

/** The line with every finding replaced by its redaction, long stretches between them cut at delimiters. */
export function redactedExcerpt(line: string, findings: LineFinding[], utf16 = false): string {
  // The line was decoded as latin1 for speed; show raw stretches as UTF-8, control bytes made visible.
  const show = (raw: string) =>
    (utf16 ? raw : Buffer.from(raw, 'latin1').toString('utf8')).replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '\uFFFD');
  const head = (seg: string) => {
    if (seg.length <= EXCERPT_CONTEXT) return show(seg);
    let i = EXCERPT_CONTEXT - 1;
    while (i > 0 && !DELIM.test(seg[i])) i--;
    return show(seg.slice(0, i + 1)) + '…';
  };
  const tail = (seg: string) => {
    if (seg.length <= EXCERPT_CONTEXT) return show(seg);
    let i = seg.length - EXCERPT_CONTEXT;
    while (i < seg.length - 1 && !DELIM.test(seg[i])) i++;
    return '…' + show(seg.slice(i));
  };
  const spans = [...findings].sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (let k = 0; k < spans.length; k++) {
    const f = spans[k];
    if (f.start < pos) continue; // overlaps a span already replaced
    const gap = line.slice(pos, f.start);
    if (k === 0) out += tail(gap);
    else if (gap.length > 2 * EXCERPT_CONTEXT) out += head(gap) + tail(gap);
    else out += show(gap);
    let end = f.end;
    for (let j = k + 1; j < spans.length && spans[j].start < end; j++) end = Math.max(end, spans[j].end);
    out += f.redacted;
    pos = end;
  }
  return (out + head(line.slice(pos).replace(/\r$/, ''))).replace(/\t/g, ' ');
}

export class Tally {
  readonly result: UnitResult;
  private readonly detect: DetectContext;
  private readonly groups = new Map<string, FindingGroup>();
  /** Reads each line's own time, for first/last per file and window coverage. */
  readonly clock: LogClock;
  // A line longer than one segment is recorded once per segment: count it once.
  private lastLine = 0;
  private linePairs = new Set<string>();
  private lineCats = new Set<PiiCategory>();
  private lineLeak = false;
  private linePre = false;

  constructor(
    readonly file: string,
    private readonly opts: TallyOptions,
  ) {
    this.detect = opts.detect ?? detectContext();
    this.clock = new LogClock(opts.window, opts.reference);
    this.result = {
      lines: 0,
      bytes: 0,
      pii_leaks: 0,
      by_category: emptyCounts(),
      findings: [],
      findings_truncated: false,
      evidence: [],
      evidence_truncated: false,
      groups: [],
      pre_existing: 0,
    };
  }

  /** The result with the clock's state; `error` when reading stopped early. */
  finish(error?: string): UnitResult {
    this.result.clock = this.clock.state();
    if (error) this.result.error = error;
    return this.result;
  }

  /**
   * Scans text whose first line is number `lineNo` (for sources that hand over strings, such as
   * Loki: the text is scanned as its UTF-8 bytes). Returns the number of newlines in it.
   */
  scanText(text: string, lineNo: number): number {
    const b = Buffer.from(text, this.opts.utf16 ? 'utf8' : 'latin1');
    return this.scanBytes(b, 0, b.length, lineNo);
  }

  /**
   * Scans raw bytes `buf[from, to)` whose first line is number `lineNo`: whole lines, or a
   * segment of one very long line. Only lines the prefilter points at are decoded (latin1, one
   * character per byte). Returns the number of newlines in the range.
   */
  scanBytes(buf: Buffer, from: number, to: number, lineNo: number): number {
    const hits: number[] = [];
    this.detect.prefilter.scan(buf, from, to, hits);
    let newlines = 0;
    let pos = from; // newlines before `pos` are counted
    if (hits.length > 0) {
      hits.sort((a, b) => a - b);
      const rel: number[] = [];
      for (let h = 0; h < hits.length; ) {
        const at = from + Math.floor(hits[h] / 16);
        const prev = at > from ? buf.lastIndexOf(10, at - 1) : -1;
        const ls = prev >= from ? prev + 1 : from;
        let le = buf.indexOf(10, at);
        if (le < 0 || le > to) le = to;
        rel.length = 0;
        for (; h < hits.length && from + Math.floor(hits[h] / 16) < le; h++) rel.push(hits[h] - (ls - from) * 16);
        newlines += this.newlines(buf, from, pos, ls);
        pos = ls;
        const end = le > ls && buf[le - 1] === 13 ? le - 1 : le; // CRLF
        const line = buf.toString('latin1', ls, end);
        const found = detectHits(line, rel, this.detect);
        if (found.length) this.record(lineNo + newlines, line, found);
      }
    }
    return newlines + this.newlines(buf, from, pos, to);
  }

  /** Newlines in buf[a, b), of the range scanned from `from`: by the kernel when it holds the range. */
  private newlines(buf: Buffer, from: number, a: number, b: number): number {
    const k = this.detect.prefilter.newlines(a - from, b - from);
    if (k >= 0) return k;
    let n = 0;
    for (let nl = buf.indexOf(10, a); nl >= 0 && nl < b; nl = buf.indexOf(10, nl + 1)) n++;
    return n;
  }

  private record(lineNo: number, line: string, found: LineFinding[]): void {
    const r = this.result;
    const pre = this.opts.preExisting;
    const fresh = pre ? found.filter((f) => !pre.has(pairKey(f.category, f.field))) : found;
    if (lineNo !== this.lastLine) {
      this.lastLine = lineNo;
      this.linePairs = new Set();
      this.lineCats = new Set();
      this.lineLeak = false;
      this.linePre = false;
    }
    const seenPairs = this.linePairs;
    for (const f of found) {
      const key = pairKey(f.category, f.field);
      let g = this.groups.get(key);
      if (!g) {
        g = { category: f.category, field: f.field, lines: 0, values: 0, rule: f.rule, exempt: f.exempt, sample: f.redacted, status: pre?.has(key) ? 'pre-existing' : 'new' };
        this.groups.set(key, g);
        r.groups.push(g);
      }
      g.values++;
      if (!seenPairs.has(key)) {
        seenPairs.add(key);
        g.lines++;
      }
    }
    if (fresh.length === 0) {
      if (!this.lineLeak && !this.linePre) {
        r.pre_existing++;
        this.linePre = true;
      }
    } else {
      if (!this.lineLeak) {
        r.pii_leaks++;
        this.lineLeak = true;
        // when the leak was written: the incident's start for a post-mortem (only leak lines pay for it)
        const t = lineTime(line.slice(0, 4096), this.opts.reference);
        if (t !== null) {
          r.firstLeak = r.firstLeak === undefined ? t : Math.min(r.firstLeak, t);
          r.lastLeak = r.lastLeak === undefined ? t : Math.max(r.lastLeak, t);
        }
        if (this.linePre) {
          r.pre_existing--;
          this.linePre = false;
        }
      }
      for (const f of fresh) {
        if (!this.lineCats.has(f.category)) {
          this.lineCats.add(f.category);
          r.by_category[f.category]++;
        }
      }
    }
    const cats: PiiCategory[] = [];
    for (const f of found) {
      if (!cats.includes(f.category)) cats.push(f.category);
      if (r.findings.length < this.opts.maxFindings) {
        const status = pre?.has(pairKey(f.category, f.field)) ? 'pre-existing' : undefined;
        r.findings.push({
          file: this.file,
          line: lineNo,
          category: f.category,
          redacted: f.redacted,
          fingerprint: fingerprint(this.opts.key, f.category, f.norm),
          field: f.field,
          rule: f.rule,
          exempt: f.exempt,
          ...(status ? { status } : {}),
        });
      } else {
        r.findings_truncated = true;
      }
    }
    if (this.opts.evidenceLines > 0) {
      if (r.evidence.length < this.opts.evidenceLines) {
        r.evidence.push({ file: this.file, line: lineNo, categories: cats, excerpt: redactedExcerpt(line, found) });
      } else {
        r.evidence_truncated = true;
      }
    }
  }
}
