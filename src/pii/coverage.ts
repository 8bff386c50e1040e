// Which times a log set covers. A clean scan proves nothing about a window its lines were
// not written in: the gate needs lines dated across the whole checkpoint window.
import { lineTime } from './timestamps.ts';

/** Unix seconds. */
export interface TimeWindow {
  start: number;
  end: number;
}

/** What one file (or byte range of one) says about time; plain data, merged across ranges. */
export interface ClockState {
  /** Lines seen by the clock. */
  lines: number;
  /** Lines before any recognised time in the file: their time is unknown. */
  undated: number;
  /** Lines dated inside the window / before it / after it. A line without its own time (a stack trace's `at …`) takes the time of the line before. */
  inWindow: number;
  before: number;
  after: number;
  /** Earliest and latest recognised time (unix seconds), or null. */
  first: number | null;
  last: number | null;
  /** Earliest and latest time inside the window. */
  firstIn: number | null;
  lastIn: number | null;
  /** Window buckets (`bucketSeconds` wide) holding at least one line, ascending. */
  buckets: number[];
}

/** The runbook's rule for how long the logs may go without a line (`gates.logCoverage`). */
export interface LogCoveragePolicy {
  readonly maxGapMinutes: number;
  readonly maxGapShareOfWindow: number;
}

/** Longest stretch of the window without a log line that still counts as covered, by the runbook's policy. */
export const defaultMaxGap = (w: TimeWindow, p: LogCoveragePolicy, timeScale = 1) => Math.min(p.maxGapMinutes * 60 * timeScale, (w.end - w.start) * p.maxGapShareOfWindow);

/** Without a policy: a sixth of the window (a library default, not a runbook threshold). */
export const fallbackMaxGap = (w: TimeWindow) => (w.end - w.start) / 6;

/** Width of the coverage buckets: 1/120 of the window, between 1 s and 1 min. */
export const bucketSeconds = (w: TimeWindow) => Math.min(60, Math.max(1, (w.end - w.start) / 120));

export const emptyClock = (): ClockState => ({ lines: 0, undated: 0, inWindow: 0, before: 0, after: 0, first: null, last: null, firstIn: null, lastIn: null, buckets: [] });

const min = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/** Pieces of at most this many bytes are read line by line rather than split again. */
const SMALL_PIECE = 2048;
/** How much of a line its time is looked for in. */
const TIME_HEAD = 4096;

/**
 * Reads the time of every line it is fed, from the bytes. A piece of lines whose first and
 * last line lie within one bucket (and on one side of the window) is counted without
 * reading the lines between: in a dense, ordered log that is nearly every piece. Other
 * pieces are halved until they are, or small enough to read line by line, so an
 * interleaved or unordered log costs more reads but is still counted line by line where it
 * matters.
 */
export class LogClock {
  private s = emptyClock();
  private readonly buckets = new Set<number>();
  private readonly bs: number;
  /** Time of the last dated line, inherited by undated lines after it. */
  private carried: number | null = null;

  constructor(
    private readonly window?: TimeWindow,
    private readonly reference?: number,
  ) {
    this.bs = window ? bucketSeconds(window) : 60;
  }

  private place(t: number, n: number): void {
    const s = this.s;
    s.first = min(s.first, t);
    s.last = max(s.last, t);
    const w = this.window;
    if (!w) return;
    if (t < w.start) s.before += n;
    else if (t > w.end) s.after += n;
    else {
      s.inWindow += n;
      s.firstIn = min(s.firstIn, t);
      s.lastIn = max(s.lastIn, t);
      this.buckets.add(Math.floor((t - w.start) / this.bs));
    }
  }

  private side(t: number): number {
    const w = this.window;
    return !w ? 0 : t < w.start ? -1 : t > w.end ? 1 : 0;
  }

  /** The own time of the line [from, to). */
  private timeOf(buf: Buffer, from: number, to: number): number | null {
    return lineTime(buf.toString('latin1', from, Math.min(to, from + TIME_HEAD)), this.reference);
  }

  private line(buf: Buffer, from: number, to: number): void {
    this.s.lines++;
    const t = this.timeOf(buf, from, to) ?? this.carried;
    if (t === null) {
      this.s.undated++;
      return;
    }
    this.carried = t;
    this.place(t, 1);
  }

  /** Whole lines [a, b): the last may lack its newline. `known`: how many lines, when the caller has counted them. */
  private piece(buf: Buffer, a: number, b: number, known?: number, first?: number | null, last?: number | null): void {
    let end = b;
    if (buf[end - 1] === 10) end--;
    const lastStart = Math.max(a, buf.lastIndexOf(10, end - 1) + 1);
    if (lastStart > a && end > a) {
      const firstEnd = buf.indexOf(10, a);
      // a half keeps the time its whole already read at its outer end
      const ta = first !== undefined ? first : this.timeOf(buf, a, firstEnd);
      const tb = ta === null ? null : last !== undefined ? last : this.timeOf(buf, lastStart, end);
      if (ta !== null && tb !== null && tb >= ta && tb - ta < this.bs && this.side(ta) === this.side(tb)) {
        let n = known ?? 1; // the last line, then one more per newline before it
        if (known === undefined) for (let i = firstEnd; i >= 0 && i < end; i = buf.indexOf(10, i + 1)) n++;
        this.s.lines += n;
        this.place(ta, n - 1);
        this.place(tb, 1);
        this.carried = tb;
        return;
      }
      if (b - a > SMALL_PIECE) {
        const mid = buf.indexOf(10, a + ((b - a) >> 1));
        if (mid >= 0 && mid + 1 < b) {
          this.piece(buf, a, mid + 1, undefined, ta);
          this.piece(buf, mid + 1, b, undefined, undefined, tb ?? undefined);
          return;
        }
      }
    }
    for (let p = a; p < b; ) {
      let nl = buf.indexOf(10, p);
      if (nl < 0 || nl >= b) nl = b;
      this.line(buf, p, nl);
      p = nl + 1;
    }
  }

  /**
   * `buf[from, to)`: whole lines (the last one may lack its newline at the end of a file or
   * of a segment of a very long line). With `startsLine` false its first line continues a
   * line already counted and is skipped. `lines`: the number of lines in the range, when the
   * caller has counted them already (the scanner counts newlines anyway).
   */
  addBytes(buf: Buffer, from: number, to: number, startsLine = true, lines?: number): void {
    let p = from;
    if (!startsLine) {
      const nl = buf.indexOf(10, from);
      if (nl < 0 || nl >= to) return;
      p = nl + 1;
      lines = undefined;
    }
    if (p < to) this.piece(buf, p, to, lines);
  }

  /** The same for text (latin1: one character per byte). */
  addText(text: string, startsLine = true): void {
    const b = Buffer.from(text, 'latin1');
    this.addBytes(b, 0, b.length, startsLine);
  }

  state(): ClockState {
    return { ...this.s, buckets: [...this.buckets].sort((x, y) => x - y) };
  }
}

/** Two ranges (or files) of one log set together. */
export function mergeClocks(a: ClockState, b: ClockState): ClockState {
  return {
    lines: a.lines + b.lines,
    undated: a.undated + b.undated,
    inWindow: a.inWindow + b.inWindow,
    before: a.before + b.before,
    after: a.after + b.after,
    first: min(a.first, b.first),
    last: max(a.last, b.last),
    firstIn: min(a.firstIn, b.firstIn),
    lastIn: max(a.lastIn, b.lastIn),
    buckets: [...new Set([...a.buckets, ...b.buckets])].sort((x, y) => x - y),
  };
}

export interface CoverageGap {
  from: string;
  to: string;
  seconds: number;
}

/** How a log set covers a window: the `coverage` of a scan result. */
export interface WindowCoverage {
  window: { start: string; end: string };
  /** True when lines are dated across the whole window with no gap over `max_gap_seconds`. */
  covered: boolean;
  max_gap_seconds: number;
  lines_in_window: number;
  lines_before_window: number;
  lines_after_window: number;
  /** Lines with no recognised time (and none before them in their file). */
  undated_lines: number;
  first_ts: string | null;
  last_ts: string | null;
  /** Stretches of the window with no log line, longest first. */
  gaps: CoverageGap[];
}

export const isoTime = (t: number) => new Date(Math.round(t * 1000)).toISOString().replace('.000Z', 'Z');

/** Pure: where in `w` the log set has no lines for longer than `maxGapSeconds`. */
export function windowCoverage(w: TimeWindow, s: ClockState, maxGapSeconds: number): WindowCoverage {
  const bs = bucketSeconds(w);
  const gaps: { from: number; to: number }[] = [];
  if (s.inWindow === 0 || s.firstIn === null || s.lastIn === null) gaps.push({ from: w.start, to: w.end });
  else {
    if (s.firstIn - w.start > maxGapSeconds) gaps.push({ from: w.start, to: s.firstIn });
    for (let i = 1; i < s.buckets.length; i++) {
      const empty = (s.buckets[i] - s.buckets[i - 1] - 1) * bs;
      if (empty > maxGapSeconds) gaps.push({ from: w.start + (s.buckets[i - 1] + 1) * bs, to: w.start + s.buckets[i] * bs });
    }
    if (w.end - s.lastIn > maxGapSeconds) gaps.push({ from: s.lastIn, to: w.end });
  }
  return {
    window: { start: isoTime(w.start), end: isoTime(w.end) },
    covered: gaps.length === 0,
    max_gap_seconds: maxGapSeconds,
    lines_in_window: s.inWindow,
    lines_before_window: s.before,
    lines_after_window: s.after,
    undated_lines: s.undated,
    first_ts: s.first === null ? null : isoTime(s.first),
    last_ts: s.last === null ? null : isoTime(s.last),
    gaps: gaps
      .map((g) => ({ from: isoTime(g.from), to: isoTime(g.to), seconds: Math.round(g.to - g.from) }))
      .sort((a, b) => b.seconds - a.seconds),
  };
}

const span = (seconds: number) => {
  const m = Math.round(seconds / 60);
  return m >= 120 ? `${Math.floor(m / 60)}h${m % 60 ? `${m % 60}m` : ''}` : m >= 1 ? `${m}m` : `${seconds}s`;
};

/** One sentence naming what the logs miss of the window, for a gate reason; null when covered. */
export function coverageProblem(c: WindowCoverage): string | null {
  if (c.covered) return null;
  const range = c.first_ts ? `the logs run from ${c.first_ts} to ${c.last_ts}` : 'no line has a recognised timestamp';
  if (c.lines_in_window === 0) {
    return `the logs do not cover the window ${c.window.start} to ${c.window.end}: no line is dated inside it (${range}; ${c.lines_before_window} lines before, ${c.lines_after_window} after, ${c.undated_lines} undated)`;
  }
  const g = c.gaps[0];
  const more = c.gaps.length > 1 ? ` and ${c.gaps.length - 1} more gap${c.gaps.length > 2 ? 's' : ''}` : '';
  return `the logs do not cover the window ${c.window.start} to ${c.window.end}: no line from ${g.from} to ${g.to} (${span(g.seconds)}; at most ${span(c.max_gap_seconds)} allowed)${more}`;
}
