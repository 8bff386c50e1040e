// When a log line was written, read from the line itself. Pure and allocation-light: it
// runs on (nearly) every line the scanner reads. Recognised forms:
//  - RFC 3339 / ISO 8601 (`2026-12-01T06:47:22.123Z`, `2026-12-01 06:47:22,123+01:00`; no
//    zone means UTC), anywhere in a JSON field `@timestamp`, `timestamp`, `time`, `ts`,
//    `date`, or at the start of a text line, also bracketed (Envoy `[2026-12-01T06:47:22.123Z]`)
//  - epoch seconds, milliseconds, microseconds or nanoseconds, as a number or string
//    (`"ts":1764571642.123`, OpenTelemetry's `"timeUnixNano":"1764571642123000000"`)
//  - nginx/Apache `[01/Dec/2026:06:47:22 +0000]`
//  - logfmt `ts=…` / `time=…` / `timestamp=…` (quoted or not)
//  - at the start of a text line (after a syslog `<PRI>` or a `[`): Go's and Python's
//    `2026/12/01 06:47:22`, ctime with a year (Apache's error log `[Sun Dec 04 04:47:44 2005]`),
//    Tomcat's `01-Dec-2026 06:47:22.123`, Redis's `1:M 01 Dec 2026 06:47:22.123`,
//    java.util.logging's `Dec 01, 2026 6:47:22 AM`; and, given a reference time to take the year from,
//    BSD syslog's `Dec  1 06:47:22`, klog's `I1201 06:47:22.123456`, logcat's `12-01 06:47:22.123`
//    and Spark's two-digit `26/12/01 06:47:22` (its field order the one that falls near the reference)

/** Plausible log times, unix seconds: 2000-01-01 .. 2100-01-01. Anything else is an id or a duration. */
const MIN_T = 946_684_800;
const MAX_T = 4_102_444_800;

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

const ISO = /(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s?(Z|z|[+-]\d\d(?::?\d\d)?)?/y;
const ISO_ANY = /(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s?(Z|z|[+-]\d\d(?::?\d\d)?)?/;
const CLF = /\[(\d\d)\/([A-Za-z]{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? ([+-]\d{4})\]/;
// the same, unbracketed: nginx's `$time_local` as a JSON value
const CLF_VALUE = /(\d\d)\/([A-Za-z]{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? ([+-]\d{4})/y;
const EPOCH = /(\d{10,19})(?:\.(\d{1,9}))?(?!\d)/y;
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const WEEKDAY = '(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?';
const CLOCK = String.raw`(\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?`;
// dated heads of text lines, tried where the line (after `<PRI>` or `[`) starts
const SLASH_DATE = new RegExp(String.raw`(\d{4})/(\d\d)/(\d\d)[ T]${CLOCK}(?!\d)`, 'y');
const CTIME = new RegExp(String.raw`${WEEKDAY}${MONTH} {1,2}(\d{1,2}) ${CLOCK} (?:(?:UTC|GMT) )?(\d{4})(?!\d)`, 'y');
const DAY_MONTH_YEAR = new RegExp(String.raw`(\d\d)-${MONTH}-(\d{4}) ${CLOCK}(?!\d)`, 'y');
// Redis's `1:M 01 Dec 2026 06:47:22.123 *`
const REDIS = new RegExp(String.raw`\d{1,10}:[XCSM] (\d\d) ${MONTH} (\d{4}) ${CLOCK}(?!\d)`, 'y');
// java.util.logging's SimpleFormatter: `Dec 01, 2026 6:47:22 AM`
const JUL = new RegExp(String.raw`${MONTH} (\d\d), (\d{4}) (\d{1,2}):(\d\d):(\d\d) ([AP])M(?![A-Za-z])`, 'y');
// without a year: read only near a reference time
const SYSLOG = new RegExp(String.raw`${WEEKDAY}${MONTH} {1,2}(\d{1,2}) ${CLOCK}(?![\d:])`, 'y');
const KLOG = new RegExp(String.raw`[IWEF](\d\d)(\d\d) ${CLOCK}(?!\d)`, 'y');
const LOGCAT = new RegExp(String.raw`(\d\d)-(\d\d) ${CLOCK}(?!\d)`, 'y');
// a two-digit year in an unknown order: Spark's `yy/MM/dd` (its log4j template), `MM/dd/yy`, `dd/MM/yy`
const SHORT_SLASH = new RegExp(String.raw`(\d\d)/(\d\d)/(\d\d) ${CLOCK}(?!\d)`, 'y');
/** How near its reference a two-digit-year date must fall to be read: only one field order can. */
const SHORT_YEAR_NEAR = 31 * 86_400;
/** A year-less time may lie this far after its reference and still be read in the reference's year. */
const YEARLESS_AHEAD = 7 * 86_400;

/** JSON keys that hold the line's own time, most specific first. */
export const JSON_TIME_KEYS = [
  '@timestamp',
  'timestamp',
  'time',
  'ts',
  'timeUnixNano',
  'observedTimeUnixNano',
  'date',
  'datetime',
  'Timestamp',
  'eventTime',
  // journald's JSON export (microseconds), Serilog's compact JSON, log4j2's JsonLayout,
  // nginx's JSON log formats, Envoy's, python-json-logger's, Google Cloud's
  '__REALTIME_TIMESTAMP',
  '_SOURCE_REALTIME_TIMESTAMP',
  '@t',
  'timeMillis',
  'time_iso8601',
  'time_local',
  'start_time',
  'asctime',
  'receiveTimestamp',
] as const;
const JSON_NEEDLES = JSON_TIME_KEYS.map((k) => `"${k}"`);
const LOGFMT_KEYS = ['ts=', 'time=', 'timestamp=', 't='];

function offsetSeconds(z: string | undefined): number {
  if (!z || z === 'Z' || z === 'z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = digits.length >= 4 ? Number(digits.slice(2, 4)) : 0;
  return sign * (h * 3600 + m * 60);
}

function fromParts(y: string, mo: number, d: string, h: string, mi: string, s: string, frac: string | undefined, z: string | undefined): number | null {
  const t = Date.UTC(Number(y), mo, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  if (!Number.isFinite(t) || mo < 0 || mo > 11 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  const v = t + (frac ? Number(`0.${frac}`) : 0) - offsetSeconds(z);
  return v >= MIN_T && v <= MAX_T ? v : null;
}

function isoAt(line: string, at: number): number | null {
  ISO.lastIndex = at;
  const m = ISO.exec(line);
  return m ? fromParts(m[1], Number(m[2]) - 1, m[3], m[4], m[5], m[6], m[7], m[8]) : null;
}

/** Epoch seconds from digits: 10 digits are seconds, 13 milliseconds, 16 microseconds, 19 nanoseconds. */
function epochAt(line: string, at: number): number | null {
  EPOCH.lastIndex = at;
  const m = EPOCH.exec(line);
  if (!m) return null;
  const int = m[1];
  const drop = int.length <= 10 ? 0 : int.length <= 13 ? 3 : int.length <= 16 ? 6 : 9;
  // seconds and the rest apart: nanoseconds do not fit a double exactly
  const v = Number(int.slice(0, int.length - drop)) + (drop ? Number(`0.${int.slice(int.length - drop)}`) : m[2] ? Number(`0.${m[2]}`) : 0);
  return v >= MIN_T && v <= MAX_T ? v : null;
}

/** A value starting at `at`: ISO text or epoch digits, optionally quoted. */
function valueAt(line: string, at: number): number | null {
  while (line.charCodeAt(at) === 32) at++;
  if (line.charCodeAt(at) === 34) at++; // "
  const c = line.charCodeAt(at);
  if (c < 48 || c > 57) return null;
  return isoAt(line, at) ?? epochAt(line, at) ?? clfValueAt(line, at);
}

function clfValueAt(line: string, at: number): number | null {
  CLF_VALUE.lastIndex = at;
  const m = CLF_VALUE.exec(line);
  const mo = m ? MONTHS[m[2].toLowerCase()] : undefined;
  return m && mo !== undefined ? fromParts(m[3], mo, m[1], m[4], m[5], m[6], m[7], m[8]) : null;
}

function clf(line: string): number | null {
  const m = CLF.exec(line);
  if (!m) return null;
  const mo = MONTHS[m[2].toLowerCase()];
  return mo === undefined ? null : fromParts(m[3], mo, m[1], m[4], m[5], m[6], m[7], m[8]);
}

/**
 * A year-less month, day and time read near `reference`: in its year, or the year before when
 * that would put it more than YEARLESS_AHEAD after it (December's lines read in January). A day
 * the year lacks (`Feb 29`) is no time.
 */
function yearless(reference: number, mo: number, d: string, h: string, mi: string, s: string, frac: string | undefined): number | null {
  let year = new Date(reference * 1000).getUTCFullYear();
  for (let tries = 0; tries < 2; tries++, year--) {
    const t = fromParts(String(year), mo, d, h, mi, s, frac, undefined);
    if (t === null || new Date(t * 1000).getUTCDate() !== Number(d)) return null;
    if (t <= reference + YEARLESS_AHEAD) return t;
  }
  return null;
}

/**
 * `17/06/09 20:10:40`: read as yy/MM/dd, MM/dd/yy and dd/MM/yy; the one reading within
 * SHORT_YEAR_NEAR of the reference is the time, and none (or two) is no time.
 */
function shortYear(reference: number, m: RegExpExecArray): number | null {
  const [a, b, c] = [m[1], m[2], m[3]];
  const orders: [string, string, string][] = [
    [a, b, c],
    [c, a, b],
    [c, b, a],
  ];
  const near = new Set<number>();
  for (const [y, mo, d] of orders) {
    const t = fromParts(`20${y}`, Number(mo) - 1, d, m[4], m[5], m[6], m[7], undefined);
    if (t !== null && new Date(t * 1000).getUTCDate() === Number(d) && Math.abs(t - reference) <= SHORT_YEAR_NEAR) near.add(t);
  }
  return near.size === 1 ? [...near][0] : null;
}

function match(re: RegExp, line: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(line);
}

/** A time written where a text line's head starts (`at`), in one of the forms after ISO and epochs. */
function headTime(line: string, at: number, reference: number | undefined): number | null {
  if (line.charCodeAt(at) === 60) {
    // syslog's `<PRI>`
    const close = line.indexOf('>', at);
    if (close > at && close <= at + 4) at = close + 1;
  }
  if (line.charCodeAt(at) === 91) at++;
  let m: RegExpExecArray | null;
  const c = line.charCodeAt(at);
  if (c >= 48 && c <= 57) {
    if ((m = match(SLASH_DATE, line, at))) return fromParts(m[1], Number(m[2]) - 1, m[3], m[4], m[5], m[6], m[7], undefined);
    if ((m = match(DAY_MONTH_YEAR, line, at))) return fromParts(m[3], MONTHS[m[2].toLowerCase()], m[1], m[4], m[5], m[6], m[7], undefined);
    if ((m = match(REDIS, line, at))) return fromParts(m[3], MONTHS[m[2].toLowerCase()], m[1], m[4], m[5], m[6], m[7], undefined);
    if (reference !== undefined && (m = match(LOGCAT, line, at))) return yearless(reference, Number(m[1]) - 1, m[2], m[3], m[4], m[5], m[6]);
    if (reference !== undefined && (m = match(SHORT_SLASH, line, at))) return shortYear(reference, m);
    return null;
  }
  if ((m = match(CTIME, line, at))) return fromParts(m[7], MONTHS[m[1].toLowerCase()], m[2], m[3], m[4], m[5], m[6], undefined);
  if ((m = match(JUL, line, at))) {
    const h = Number(m[4]);
    if (h < 1 || h > 12) return null;
    return fromParts(m[3], MONTHS[m[1].toLowerCase()], m[2], String((h % 12) + (m[7] === 'P' ? 12 : 0)), m[5], m[6], undefined, undefined);
  }
  if (reference === undefined) return null;
  if ((m = match(SYSLOG, line, at))) return yearless(reference, MONTHS[m[1].toLowerCase()], m[2], m[3], m[4], m[5], m[6]);
  if ((m = match(KLOG, line, at))) return yearless(reference, Number(m[1]) - 1, m[2], m[3], m[4], m[5], m[6]);
  return null;
}

/** How far into a JSON line an unnamed time may be. */
const JSON_HEAD = 64;
/** How far into a text line its time may start (after a level, a host, a bracket). */
const TEXT_HEAD = 96;

/**
 * The line's own time in unix seconds (fractional), or null when none is recognised.
 * `line` may be latin1-decoded bytes: every form recognised is ASCII. `reference` (unix seconds)
 * gives year-less forms their year; without it they are not read.
 */
export function lineTime(line: string, reference?: number): number | null {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  if (line.charCodeAt(i) === 123) {
    // JSON: a known key's value; the first RFC 3339 time in the line as a fallback
    for (const needle of JSON_NEEDLES) {
      let k = line.indexOf(needle, i);
      while (k >= 0) {
        let p = k + needle.length;
        while (line.charCodeAt(p) === 32) p++;
        if (line.charCodeAt(p) === 58) {
          const v = valueAt(line, p + 1);
          if (v !== null) return v;
        }
        k = line.indexOf(needle, k + 1);
      }
    }
    // no known key: an RFC 3339 time near the start (a payload's created_at further on is not the line's time)
    const m = ISO_ANY.exec(line.slice(i, i + JSON_HEAD));
    return m ? fromParts(m[1], Number(m[2]) - 1, m[3], m[4], m[5], m[6], m[7], m[8]) : null;
  }
  // text: a time at the start (also `[…]`), else nginx's bracket, logfmt keys, an ISO time near the start
  const c = line.charCodeAt(i);
  if (c === 91) {
    const v = valueAt(line, i + 1);
    if (v !== null) return v;
  } else if (c >= 48 && c <= 57) {
    const v = isoAt(line, i) ?? epochAt(line, i);
    if (v !== null) return v;
  }
  if (line.indexOf('/', i) >= 0) {
    const v = clf(line.length > i + 512 ? line.slice(i, i + 512) : line);
    if (v !== null) return v;
  }
  for (const key of LOGFMT_KEYS) {
    let k = line.indexOf(key, i);
    while (k >= 0) {
      const before = k === 0 ? 32 : line.charCodeAt(k - 1);
      if (before === 32 || before === 9 || k === i) {
        const v = valueAt(line, k + key.length);
        if (v !== null) return v;
      }
      k = line.indexOf(key, k + 1);
    }
  }
  const head = ISO_ANY.exec(line.length > TEXT_HEAD + i ? line.slice(i, i + TEXT_HEAD + 40) : line.slice(i));
  if (head && head.index <= TEXT_HEAD) return fromParts(head[1], Number(head[2]) - 1, head[3], head[4], head[5], head[6], head[7], head[8]);
  return headTime(line, i, reference);
}
