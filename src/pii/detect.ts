// Line-level PII detection: pure functions from a line of text to findings with spans.
// Every regex here is either a literal, a bounded repetition, or guarded by a lookbehind that
// stops a match from starting inside a run, so matching stays linear in the line length.
import type { PiiCategory } from '../contract/metrics.ts';
import {
  DEFAULT_PHONE_REGION,
  formatIPv4,
  formatIPv6,
  isCardNumber,
  isEmail,
  isIPv4Excluded,
  isIPv6Excluded,
  isV4Mapped,
  parseIPv4,
  parseIPv6,
  v4FromMapped,
  validPhone,
} from './validators.ts';
import type { AllowMatcher } from './allow-match.ts';

export interface LineFinding {
  category: PiiCategory;
  /** Span of the value in the line (UTF-16 offsets of the latin1-decoded line). */
  start: number;
  end: number;
  /** Normalised value, used for the allowlist and the fingerprint; never written out. */
  norm: string;
  redacted: string;
}

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;

// Which detectors a line needs; whole-chunk needles set these bits.
export const D_EMAIL = 1;
export const D_USERNAME = 2;
export const D_CARD = 4;
export const D_IPV4 = 8;
export const D_IPV6 = 16;
export const D_PHONE = 32;
export const D_ALL = 63;

/**
 * Cheap whole-chunk needles: a line matching none of them cannot hold a finding, and a line only
 * runs the detectors its hits point at. Two combined regexes (one pass over the text each) are
 * much cheaper than one pass per needle: V8 scans for the shared first character once.
 * `bit` maps the matched text to detector bits; `mask` is every bit the needle can give.
 */
export interface Needle {
  re: RegExp;
  mask: number;
  bit: (m: string) => number;
}

export const NEEDLES: Needle[] = [
  {
    // digit-led: IPv4 (d.d.d.d), card (13 digits with single [ -] separators), NANP phone
    re: /\d(?:\.\d{1,3}\.\d{1,3}\.\d|[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d[ -]?\d|\d\d[ .)-]{1,2}\d{3}[ .-]?\d{4})/g,
    mask: D_IPV4 | D_CARD | D_PHONE,
    // a card-shaped run may hide a phone that starts at the same digit, so cards also run phones
    bit: (m) => (m[1] === '.' ? D_IPV4 : m.length >= 13 ? D_CARD | D_PHONE : D_PHONE),
  },
  {
    // everything else: email, international phone, IPv6, username and phone-like keys
    re: /@|%40|\+|::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:|user_?name|phone|tel|mobile|msisdn|contact/gi,
    mask: D_EMAIL | D_PHONE | D_IPV6 | D_USERNAME,
    bit: (m) => {
      const c = m[0];
      return c === '@' || c === '%' ? D_EMAIL : c === '+' ? D_PHONE : c === ':' ? D_IPV6 : c === 'u' || c === 'U' ? D_USERNAME : D_PHONE;
    },
  },
];

const RE_USERNAME_KEY = /(?<![A-Za-z0-9_])user_?name(?![A-Za-z0-9_])/gi;
const RE_PHONE_KEY_WORD = /phone|tel|mobile|msisdn|contact/gi;
const RE_IPV4 = /(?<![A-Za-z0-9_.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![A-Za-z0-9_]|\.\d)/g;
const RE_IPV6 = /(?<![0-9A-Za-z_:.])[0-9A-Fa-f:.]{2,45}/g;
const RE_CARD = /(?<![A-Za-z0-9_.+-])\d{3,19}(?:[ -]\d{2,19}){0,7}(?![A-Za-z0-9_]|[.-]\d)/g;
const RE_PHONE_NANP = /(?<![A-Za-z0-9_.+-])(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?\d{3}[ .-]?|\d{3}[ .-]\d{3}[ .-])\d{4}(?![A-Za-z0-9_]|[.-]\d)/g;
const RE_PHONE_PLUS = /(?<![A-Za-z0-9_+])\+\d[\d .()-]{5,22}\d(?!\d)/g;

const PHONE_WORDS = new Set(['phone', 'phones', 'telephone', 'tel', 'mobile', 'msisdn', 'contact', 'cell', 'cellphone']);
const PHONE_PREFIXES = ['phone', 'mobile', 'msisdn', 'telephone'];
/** Key words that make a bare number a measurement, a time or an id, never a phone or a card. */
const NUMERIC_KEY_WORDS = new Set([
  'epoch', 'ts', 'time', 'timestamp', 'bytes', 'count', 'size', 'len', 'length', 'id', 'ms', 'ns', 'us',
  'nanos', 'millis', 'duration', 'latency', 'seq', 'offset', 'at',
]);
/** Trace and span ids (Datadog logs them as 64-bit decimals) are random numbers, never cards. */
const TRACE_KEY_WORDS = new Set(['trace', 'span', 'traceid', 'spanid', 'parentid']);
const VERSION_KEY_WORDS = new Set(['version', 'ver', 'build', 'oid', 'release']);
const NON_VALUES = new Set(['', 'null', 'nil', 'none', 'undefined', 'true', 'false', '-']);

/** Splits a key like `customerPhone_number` into lowercase words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export function isPhoneKey(key: string): boolean {
  const words = keyWords(key);
  if (words.some((w) => NUMERIC_KEY_WORDS.has(w))) return false;
  return words.some((w) => PHONE_WORDS.has(w) || PHONE_PREFIXES.some((p) => w.startsWith(p)));
}

/**
 * The key a value at `pos` belongs to, for `"key":"v"`, `"key": v`, `key=v`, `key: v`
 * (also with JSON-in-a-string escapes `\"key\":\"v\"`); undefined when the value stands alone.
 */
export function keyBefore(line: string, pos: number): string | undefined {
  let i = pos - 1;
  if (i >= 0 && (line[i] === '"' || line[i] === "'")) i--;
  if (i >= 0 && line[i] === '\\') i--;
  while (i >= 0 && line[i] === ' ') i--;
  if (i < 0 || (line[i] !== ':' && line[i] !== '=')) return undefined;
  i--;
  while (i >= 0 && line[i] === ' ') i--;
  if (i >= 0 && (line[i] === '"' || line[i] === "'")) i--;
  if (i >= 0 && line[i] === '\\') i--;
  const end = i + 1;
  while (i >= 0 && end - i <= 64 && /[A-Za-z0-9_.-]/.test(line[i])) i--;
  return end - i - 1 > 0 ? line.slice(i + 1, end) : undefined;
}

interface ValueSpan {
  start: number;
  end: number;
  value: string;
}

/** Reads the value after a key ending at `keyEnd`: `"key": "v"`, `key=v`, `key: v`, escaped JSON. */
export function valueAfterKey(line: string, keyEnd: number): ValueSpan | undefined {
  let i = keyEnd;
  if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === "'")) i += 2;
  else if (line[i] === '"' || line[i] === "'") i++;
  // Postgres: `Key (username)=(judy) already exists`
  const paren = line[i] === ')';
  if (paren) i++;
  const sepAt = i;
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (line[i] !== ':' && line[i] !== '=') return undefined;
  // logfmt `username= next=1`: nothing after a tight `=` is an empty value (SQL's `username = 'x'` is spaced)
  if (line[i] === '=' && i === sepAt && (line[i + 1] === ' ' || line[i + 1] === '\t')) return undefined;
  i++;
  if (line[i - 1] === '=' && line[i] === '>') i++; // Ruby hash: `"username"=>"bob"`
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (paren && line[i] === '(') {
    const start = i + 1;
    const close = line.indexOf(')', start);
    const end = close < 0 || close - start > 256 ? Math.min(line.length, start + 256) : close;
    return { start, end, value: line.slice(start, end) };
  }
  let quote = '';
  if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === "'")) {
    quote = '\\' + line[i + 1];
    i += 2;
  } else if (line[i] === '"' || line[i] === "'") {
    quote = line[i];
    i++;
  }
  const start = i;
  const limit = Math.min(line.length, start + 256);
  if (quote) {
    const q = quote[quote.length - 1];
    while (i < limit && line[i] !== q && !(quote.length === 2 && line[i] === '\\')) {
      if (quote.length === 1 && line[i] === '\\') i++; // skip escaped char
      i++;
    }
  } else {
    while (i < limit && !/[\s,;&}\])"'\\]/.test(line[i])) i++;
  }
  const end = Math.min(i, line.length);
  return { start, end, value: line.slice(start, end) };
}

/** Values already redacted (by slogate or others) carry `***`; scanning them again must be clean. */
function quotedAt(line: string, valueStart: number): boolean {
  const c = line[valueStart - 1];
  return c === '"' || c === "'";
}

function isRedactionMarker(v: string): boolean {
  return v.includes('***') || /^[[<(]?(?:filtered|redacted|masked|hidden|removed)[\]>)]?$/i.test(v);
}

/** Finds every PII value on one line. `allow` drops allowed values. */
export function detectLine(line: string, allow?: AllowMatcher, need = D_ALL): LineFinding[] {
  const out: LineFinding[] = [];
  const add = (f: LineFinding) => {
    if (allow && allow.allows(f.category, f.norm)) return;
    for (const o of out) if (o.category === f.category && f.start < o.end && o.start < f.end) return;
    out.push(f);
  };
  if (need & D_EMAIL) findEmails(line, add);
  if (need & D_USERNAME) findUsernames(line, add);
  if (need & D_CARD) findCards(line, add);
  if (need & D_IPV4) findIPv4(line, add);
  if (need & D_IPV6) findIPv6(line, add);
  if (need & D_PHONE) findPhones(line, add);
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** `https://user:secret@host`: the part before `@` is a login, not a mailbox. */
function isUrlCredentials(line: string, localStart: number): boolean {
  if (line[localStart - 1] !== ':') return false;
  let i = localStart - 2;
  while (i >= 0 && localStart - i < 256 && /[A-Za-z0-9._~%!$&'()*+,;=-]/.test(line[i])) i--;
  return i >= 1 && line[i] === '/' && line[i - 1] === '/';
}

function findEmails(line: string, add: (f: LineFinding) => void): void {
  scanEmailsAt(line, '@', add);
  // URL-encoded: `?email=jane%40acme.io`
  if (line.indexOf('%40') >= 0) scanEmailsAt(line, '%40', add);
}

function scanEmailsAt(line: string, sep: string, add: (f: LineFinding) => void): void {
  let at = line.indexOf(sep);
  while (at >= 0) {
    let s = at;
    while (s > 0 && at - s < 64 && LOCAL_CHAR.test(line[s - 1])) s--;
    const domStart = at + sep.length;
    let e = domStart;
    while (e < line.length && e - domStart < 253 && DOMAIN_CHAR.test(line[e])) e++;
    while (s < at && line[s] === '.') s++;
    while (e > domStart && (line[e - 1] === '.' || line[e - 1] === '-')) e--;
    const local = line.slice(s, at);
    const addr = local + '@' + line.slice(domStart, e);
    if (s < at && isEmail(addr) && !isUrlCredentials(line, s)) {
      const domain = line.slice(domStart, e).toLowerCase();
      const tld = domain.slice(domain.lastIndexOf('.') + 1);
      add({
        category: 'email',
        start: s,
        end: e,
        norm: local.toLowerCase() + '@' + domain,
        redacted: `${local[0]}***@${domain[0]}***.${tld}`,
      });
    }
    at = line.indexOf(sep, at + 1);
  }
}


function findUsernames(line: string, add: (f: LineFinding) => void): void {
  RE_USERNAME_KEY.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RE_USERNAME_KEY.exec(line))) {
    const v = valueAfterKey(line, m.index + m[0].length);
    if (!v) continue;
    const value = v.value.trim();
    if (NON_VALUES.has(value.toLowerCase()) || isRedactionMarker(value)) continue;
    if (value[0] === '{' || value[0] === '[') continue;
    // An unquoted number (`"username": 13`) is a count or an id, not a name.
    if (!quotedAt(line, v.start) && /^\d+$/.test(value)) continue;
    add({ category: 'username', start: v.start, end: v.end, norm: value, redacted: `${value[0]}***` });
  }
}

function cardRedaction(digits: string): string {
  const last4 = digits.slice(-4);
  if (digits.length === 15) return `**** ****** *${last4}`;
  const groups = Math.ceil((digits.length - 4) / 4);
  return '**** '.repeat(groups) + last4;
}

function findCards(line: string, add: (f: LineFinding) => void): void {
  RE_CARD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RE_CARD.exec(line))) {
    const text = m[0];
    // Groups with their offsets; a card may be a contiguous run of them (neighbours can be other numbers).
    const groups: { s: number; e: number; d: string }[] = [];
    const re = /\d+/g;
    let g: RegExpExecArray | null;
    while ((g = re.exec(text))) groups.push({ s: g.index, e: g.index + g[0].length, d: g[0] });
    // Left to right, longest run of groups first, so two cards separated by a space are both found.
    for (let i = 0; i < groups.length; ) {
      let took = 0;
      for (let len = Math.min(groups.length - i, 8); len >= 1 && !took; len--) {
        let digits = '';
        for (let k = i; k < i + len; k++) digits += groups[k].d;
        if (digits.length < 13 || digits.length > 19 || !isCardNumber(digits)) continue;
        const start = m.index + groups[i].s;
        const key = keyBefore(line, start);
        if (key && keyWords(key).some((w) => (NUMERIC_KEY_WORDS.has(w) && w !== 'id') || TRACE_KEY_WORDS.has(w))) continue;
        add({ category: 'card', start, end: m.index + groups[i + len - 1].e, norm: digits, redacted: cardRedaction(digits) });
        took = len;
      }
      i += took || 1;
    }
  }
}

function isVersionContext(line: string, start: number, end: number): boolean {
  // `Chrome/120.0.0.0`, `v1.2.3.4`: a product or version token, not an address.
  if (start >= 2 && line[start - 1] === '/' && /[A-Za-z0-9]/.test(line[start - 2])) return true;
  // `1.2.5.1-2`, `4.2.0.1-rc1`: a package version with a revision suffix.
  if (line[end] === '-' && /[A-Za-z0-9]/.test(line[end + 1] ?? '')) return true;
  // `version 8.0.0.0`, `build 10.0.2.1`: the word before names a version.
  if (line[start - 1] === ' ') {
    let i = start - 1;
    while (i > 0 && line[i - 1] === ' ' && start - i < 8) i--;
    const w = /([A-Za-z]+)$/.exec(line.slice(Math.max(0, i - 16), i));
    if (w && VERSION_KEY_WORDS.has(w[1].toLowerCase())) return true;
  }
  const key = keyBefore(line, start);
  if (!key) return false;
  // logback packaging data: `[app.jar:1.4.2.7]`
  if (/\.(?:jar|war|ear)$/i.test(key)) return true;
  return keyWords(key).some((w) => VERSION_KEY_WORDS.has(w));
}

/**
 * `10.0.0.0/8`, `2001:db8::/32`: a network whose host bits are all zero names nobody. An address
 * written with its prefix (`10.0.2.15/24`) still names a host.
 */
function cidrPrefixAfter(line: string, end: number, max: number): number | undefined {
  if (line[end] !== '/') return undefined;
  const m = /^\/(\d{1,3})(?![0-9A-Za-z_.])/.exec(line.slice(end, end + 5));
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= max ? n : undefined;
}

function isNetworkV4(v: number, prefix: number): boolean {
  if (prefix >= 32) return false;
  const hostBits = 32 - prefix;
  return v % 2 ** hostBits === 0;
}

function isNetworkV6(b: Uint8Array, prefix: number): boolean {
  if (prefix >= 128) return false;
  for (let bit = prefix; bit < 128; bit++) if (b[bit >> 3] & (0x80 >> (bit & 7))) return false;
  return true;
}

function findIPv4(line: string, add: (f: LineFinding) => void): void {
  RE_IPV4.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RE_IPV4.exec(line))) {
    const v = parseIPv4(m[0]);
    if (v === undefined || isIPv4Excluded(v) || isVersionContext(line, m.index, m.index + m[0].length)) continue;
    const prefix = cidrPrefixAfter(line, m.index + m[0].length, 32);
    if (prefix !== undefined && isNetworkV4(v, prefix)) continue;
    const parts = m[0].split('.');
    add({ category: 'ip', start: m.index, end: m.index + m[0].length, norm: formatIPv4(v), redacted: `${parts[0]}.${parts[1]}.x.x` });
  }
}

function findIPv6(line: string, add: (f: LineFinding) => void): void {
  if (line.indexOf(':') < 0) return;
  RE_IPV6.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RE_IPV6.exec(line))) {
    let text = m[0];
    const after = line[m.index + text.length];
    if (after !== undefined && /[0-9A-Za-z_:]/.test(after)) continue; // part of a longer token
    while (text.endsWith('.')) text = text.slice(0, -1);
    let colons = 0;
    for (let i = 0; i < text.length; i++) if (text[i] === ':') colons++;
    if (colons < 2 || (colons < 7 && !text.includes('::') && !(colons === 6 && text.includes('.')))) continue;
    const b = parseIPv6(text);
    if (!b || isIPv6Excluded(b)) continue;
    const prefix = cidrPrefixAfter(line, m.index + text.length, 128);
    if (prefix !== undefined && isNetworkV6(b, prefix)) continue;
    const norm = isV4Mapped(b) ? formatIPv4(v4FromMapped(b)) : formatIPv6(b);
    const g = formatIPv6(b).split(':');
    add({ category: 'ip', start: m.index, end: m.index + text.length, norm, redacted: `${g[0]}:${g[1]}:x:x:x:x:x:x` });
  }
}

function phoneRedaction(e164: string): string {
  return `+${'*'.repeat(Math.max(0, e164.length - 3))}${e164.slice(-2)}`;
}

function findPhones(line: string, add: (f: LineFinding) => void): void {
  const addPhone = (start: number, end: number, e164: string) =>
    add({ category: 'phone', start, end, norm: e164, redacted: phoneRedaction(e164) });
  let m: RegExpExecArray | null;
  // Written as a phone number: `+` with groups. Try the longest run of groups that validates.
  RE_PHONE_PLUS.lastIndex = 0;
  while ((m = RE_PHONE_PLUS.exec(line))) {
    const text = m[0];
    if (/[ .()-]{3,}|\.\./.test(text)) continue;
    const cuts: number[] = [];
    const re = /\d(?=[^\d]|$)/g;
    let g: RegExpExecArray | null;
    while ((g = re.exec(text))) cuts.push(g.index + 1);
    for (let k = cuts.length - 1; k >= 0; k--) {
      const e164 = validPhone(text.slice(0, cuts[k]));
      if (e164) {
        addPhone(m.index, m.index + cuts[k], e164);
        break;
      }
    }
  }
  // Written as a national (NANP) number: (415) 555-2671, 415-555-2671, 415.555.2671, 1 415 555 2671.
  RE_PHONE_NANP.lastIndex = 0;
  while ((m = RE_PHONE_NANP.exec(line))) {
    const e164 = validPhone(m[0], DEFAULT_PHONE_REGION);
    if (e164) addPhone(m.index, m.index + m[0].length, e164);
  }
  // A bare digit run under a phone-like key.
  RE_PHONE_KEY_WORD.lastIndex = 0;
  while ((m = RE_PHONE_KEY_WORD.exec(line))) {
    let s = m.index;
    while (s > 0 && m.index - s < 64 && /[A-Za-z0-9_.-]/.test(line[s - 1])) s--;
    let e = m.index + m[0].length;
    while (e < line.length && e - s < 128 && /[A-Za-z0-9_-]/.test(line[e])) e++;
    RE_PHONE_KEY_WORD.lastIndex = e;
    const key = line.slice(s, e);
    if (!isPhoneKey(key)) continue;
    const v = valueAfterKey(line, e);
    if (!v) continue;
    // query strings: `phone=%2B14155552671`, `phone=415%20555%202671`
    const value = v.value.indexOf('%') >= 0 ? v.value.replace(/%2B/gi, '+').replace(/%20/g, ' ') : v.value;
    if (!/^\+?[\d .()-]{7,24}$/.test(value)) continue;
    const e164 = validPhone(value, DEFAULT_PHONE_REGION, true);
    if (e164) addPhone(v.start, v.end, e164);
  }
}
