// Per-unit scanning state: turns latin1 text into counted lines and capped, redacted findings.
// One Tally per file (or byte range of a file); the main thread merges them in input order.
import { createHmac } from 'node:crypto';
import { PII_CATEGORIES, type PiiCategory } from '../contract/metrics.ts';
import type { AllowMatcher } from './allow-match.ts';
import { LogClock, type ClockState, type TimeWindow } from './coverage.ts';
import { lineTime } from './timestamps.ts';
import { NEEDLES, detectLine, type LineFinding } from './detect.ts';
import type { EvidenceLine, Finding } from './types.ts';

export interface TallyOptions {
  allow?: AllowMatcher;
  /** HMAC key for fingerprints. */
  key: Buffer;
  maxFindings: number;
  evidenceLines: number;
  /** Text is real UTF-16 (e.g. from Loki's JSON), not latin1-decoded bytes. */
  utf16?: boolean;
  /** The checkpoint window the lines' timestamps are placed in (coverage). */
  window?: TimeWindow;
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
  /** Times of the lines read (set by `finish`). */
  clock?: ClockState;
  /** Why reading stopped early (truncated gzip, I/O error); what was found before it is kept. */
  error?: string;
  /** Earliest and latest own timestamp of a line with PII (unix seconds), when the lines have one. */
  firstLeak?: number;
  lastLeak?: number;
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
  /** Reads each line's own time, for first/last per file and window coverage. */
  readonly clock: LogClock;
  private lastLine = 0;
  private lastCats = new Set<PiiCategory>();

  constructor(
    readonly file: string,
    private readonly opts: TallyOptions,
  ) {
    this.result = {
      lines: 0,
      bytes: 0,
      pii_leaks: 0,
      by_category: emptyCounts(),
      findings: [],
      findings_truncated: false,
      evidence: [],
      evidence_truncated: false,
    };
    this.clock = new LogClock(opts.window);
  }

  /** The result with the clock's state; `error` when reading stopped early. */
  finish(error?: string): UnitResult {
    this.result.clock = this.clock.state();
    if (error) this.result.error = error;
    return this.result;
  }

  /**
   * Scans `text` (latin1-decoded bytes) whose first line is number `lineNo`. Text is whole lines,
   * or a segment of one very long line. Returns the number of newlines in it.
   */
  scanText(text: string, lineNo: number): number {
    // (lineStart * 64 + detector bits) per needle hit; sorting groups the hits of one line.
    const hits: number[] = [];
    for (const { re, mask, bit } of NEEDLES) {
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      let curStart = -1;
      let curEnd = -1;
      let cur = 0;
      while ((m = re.exec(text))) {
        if (m.index > curEnd || curStart < 0) {
          if (curStart >= 0) hits.push(curStart * 64 + cur);
          curStart = m.index === 0 ? 0 : text.lastIndexOf('\n', m.index - 1) + 1;
          curEnd = text.indexOf('\n', m.index);
          if (curEnd < 0) curEnd = text.length;
          cur = 0;
        }
        cur |= bit(m[0]);
        // Once the line needs every detector this needle can ask for, skip to the next line;
        // otherwise look again one character on, so overlapping candidates are not hidden.
        re.lastIndex = cur === mask ? curEnd + 1 : m.index + 1;
      }
      if (curStart >= 0) hits.push(curStart * 64 + cur);
    }
    let newlines = 0;
    let pos = 0;
    if (hits.length > 0) {
      hits.sort((a, b) => a - b);
      for (let h = 0; h < hits.length; ) {
        const ls = Math.floor(hits[h] / 64);
        let need = 0;
        for (; h < hits.length && Math.floor(hits[h] / 64) === ls; h++) need |= hits[h] % 64;
        let nl = text.indexOf('\n', pos);
        while (nl >= 0 && nl < ls) {
          newlines++;
          pos = nl + 1;
          nl = text.indexOf('\n', pos);
        }
        pos = ls;
        const le = nl < 0 ? text.length : nl;
        const line = text.slice(ls, le);
        const found = detectLine(line, this.opts.allow, need);
        if (found.length) this.record(lineNo + newlines, line, found);
      }
    }
    let nl = text.indexOf('\n', pos);
    while (nl >= 0) {
      newlines++;
      nl = text.indexOf('\n', nl + 1);
    }
    return newlines;
  }

  private record(lineNo: number, line: string, found: LineFinding[]): void {
    const r = this.result;
    if (lineNo !== this.lastLine) {
      r.pii_leaks++;
      this.lastLine = lineNo;
      this.lastCats = new Set();
      // when the leak was written: the incident's start for a post-mortem (only leak lines pay for it)
      const t = lineTime(this.opts.utf16 ? line : line.slice(0, 4096));
      if (t !== null) {
        r.firstLeak = r.firstLeak === undefined ? t : Math.min(r.firstLeak, t);
        r.lastLeak = r.lastLeak === undefined ? t : Math.max(r.lastLeak, t);
      }
    }
    const cats: PiiCategory[] = [];
    for (const f of found) {
      if (!cats.includes(f.category)) cats.push(f.category);
      if (!this.lastCats.has(f.category)) {
        this.lastCats.add(f.category);
        r.by_category[f.category]++;
      }
      if (r.findings.length < this.opts.maxFindings) {
        r.findings.push({
          file: this.file,
          line: lineNo,
          category: f.category,
          redacted: f.redacted,
          fingerprint: fingerprint(this.opts.key, f.category, f.norm),
        });
      } else {
        r.findings_truncated = true;
      }
    }
    if (this.opts.evidenceLines > 0) {
      if (r.evidence.length < this.opts.evidenceLines) {
        r.evidence.push({ file: this.file, line: lineNo, categories: cats, excerpt: redactedExcerpt(line, found, this.opts.utf16) });
      } else {
        r.evidence_truncated = true;
      }
    }
  }
}
