// Line-level PII detection: needles find candidates, each candidate is checked where it stands
// (validators, then the policy), and a finding says the field it was under, the rule that
// matched and the policy entry that would exempt it. Pure functions over strings.
// Every regex is a literal, a bounded repetition, or guarded by a lookbehind that stops a
// match from starting inside a run, so matching stays linear in the line length.
import type { PiiCategory } from '../contract/metrics.ts';
import { domainToASCII } from 'node:url';
import type { CountryCode } from 'libphonenumber-js';
import type { AllowMatcher } from './allow-match.ts';
import { CRI_PREFIX, fieldOf, keyAt, parentPath } from './fields.ts';
import { compilePolicy, EMPTY_POLICY, normaliseField, type CompiledPolicy } from './policy.ts';
import {
  callingCode,
  cardNetwork,
  formatIPv4,
  formatIPv6,
  iddAsPlus,
  isEmail,
  isUatp,
  isIPv4NonRoutable,
  isIPv6NonRoutable,
  isIPv6NotAnAddress,
  isV4Mapped,
  luhnValid,
  parseIPv4,
  parseIPv6,
  phoneShape,
  v4FromMapped,
  validPhone,
} from './validators.ts';
import { ByteMemo } from './byte-memo.ts';

/** Countries of the North American Numbering Plan: their national format is (NPA) NXX-XXXX. */
const NANP = new Set(['US', 'CA', 'PR', 'GU', 'VI', 'AS', 'MP', 'AG', 'AI', 'BB', 'BM', 'BS', 'DM', 'DO', 'GD', 'JM', 'KN', 'KY', 'LC', 'MS', 'SX', 'TC', 'TT', 'VC', 'VG']);

/** Every rule a finding can come from; each is described in docs/pii.md. */
export const RULES = {
  'email.address': 'a syntactically valid address with a real top-level domain (punycode included)',
  'email.url-encoded': 'an address written with %40 in a URL or form body',
  'username.field': 'the value of a username field (username, user.name, enduser.id, logfmt user=, ...)',
  'username.access-log': "the remote user of an nginx/Apache access-log line ($remote_user)",
  'username.auth-log': 'a login that an authentication program (sshd, sudo, su, login, PAM, the account tools) names in a syslog message (Accepted publickey for alice, session opened for user alice)',
  'ip.public': 'a public IPv4 or IPv6 address outside an infrastructure field',
  'ip.personal-range': 'a non-routable address inside a range the policy calls personal',
  'phone.international': 'a valid number written with + (or an international dialling prefix, 00 or 011) and its country code',
  'phone.national': "a valid number in a national format of the policy's countries",
  'phone.field': "a number of a phone number's shape under a phone field, assigned or not",
  'card.pan': 'a 13-19 digit number on a card network IIN range and length that passes Luhn (UATP, 15 digits from 1, only where a card is named)',
} as const;
export type RuleId = keyof typeof RULES;

export interface LineFinding {
  category: PiiCategory;
  /** Span of the value in the line (offsets of the latin1-decoded line). */
  start: number;
  end: number;
  /** Normalised value, used for the allowlist and the fingerprint; never written out. */
  norm: string;
  redacted: string;
  /** The normalised field the value was under, or `text`. */
  field: string;
  rule: RuleId;
  /** The policy (or allowlist) entry that would exempt this finding. */
  exempt: string;
}

export interface DetectContext {
  policy: CompiledPolicy;
  allow?: AllowMatcher;
  /** Lowercase words whose presence may start a username field (from the policy). */
  usernameWords: readonly string[];
  prefilter: Prefilter;
}

export function detectContext(policy: CompiledPolicy = compilePolicy(EMPTY_POLICY), allow?: AllowMatcher): DetectContext {
  const words = usernameWords(policy);
  const phoneWords = policy.source.fields.phone.flatMap((p) => normaliseField(p).split(/[^a-z0-9]+/).filter((w) => w.length >= 3)).filter((w, i, all) => all.indexOf(w) === i);
  const ctx = { policy, allow, usernameWords: words } as Omit<DetectContext, 'prefilter'> as DetectContext;
  ctx.prefilter = prefilterFor(words, {
    phoneWords,
    keepPrivate: policy.source.personalRanges.length > 0,
    nationalTrunk: policy.phoneCountries.some((c) => !NANP.has(c)),
    nanp: policy.phoneCountries.some((c) => NANP.has(c)),
    vetAt: emailVet(ctx),
    vetWord: usernameVet(ctx),
  });
  return ctx;
}

let defaultContext: DetectContext | undefined;

/**
 * One word per username field pattern that any key holding the field contains: the word most
 * patterns share (`user` for `user_name`, `user.name`, `remote_user`), then the longest. A word
 * containing a chosen one (`username`, `enduser`) is covered by it. For a pattern of several
 * segments the word comes from the parent segment (`agent` for `agent.handle`): nested JSON
 * (`"agent":{"handle":…}`) is read from the key that opens the object, and the dotted spelling
 * holds the parent too. A wildcard parent (`*.handle`) leaves the last segment.
 */
function usernameWords(policy: CompiledPolicy): string[] {
  const words = (seg: string) => seg.split(/[^a-z0-9]+/).filter(Boolean);
  const split = policy.source.fields.username.map((p) => {
    const segs = normaliseField(p).split('.');
    const parent = segs.length > 1 ? words(segs[segs.length - 2]) : [];
    return parent.length ? parent : words(segs[segs.length - 1]);
  });
  const freq = new Map<string, number>();
  for (const ws of split) for (const w of new Set(ws)) freq.set(w, (freq.get(w) ?? 0) + 1);
  const chosen = new Set<string>();
  for (const ws of split) {
    if (ws.length) chosen.add(ws.reduce((a, b) => ((freq.get(b)! > freq.get(a)! || (freq.get(b) === freq.get(a) && b.length > a.length)) ? b : a)));
  }
  return [...chosen].filter((w) => ![...chosen].some((o) => o !== w && w.includes(o))).sort();
}

// Candidate kinds, as the prefilter reports them.
import { AUTH_PROGRAMS, AUTH_WORD, AUTH_WORD_CONTEXTS, authWordContext, K_ACCESS_USER, K_AT, K_AUTH_USER, K_NUMBER, K_PCT40, K_PLUS, K_V6, K_WORD, NANP_GROUPING, prefilterFor, type Prefilter } from './prefilter.ts';

export interface Needle {
  re: RegExp;
}

/**
 * What a line must hold for the scanner to find anything on it, as two RE2-compatible regexes
 * (no lookaround): one digit-led (IPv4 shape, 7+ digits with separators), one for everything
 * else. Pushed down to Loki as a line filter, so it must keep every line detection could flag.
 */
export function needlesFor(ctx: DetectContext): Needle[] {
  const words = ctx.usernameWords.map((w) => w.replace(/[^a-z0-9]/g, '')).filter(Boolean);
  const alternatives = [
    '@', '%40', '\\+\\d', '::', '[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:',
    // an access log's user (any ident; `-` is nobody), as bracketCandidates finds it
    ' (?:[^\\s-]|-\\S)\\S* \\[[^\\]]{1,64}\\] \\\\?"',
    `(?:${AUTH_PROGRAMS.join('|')})\\[[0-9]+\\]: `,
    ...AUTH_WORD_CONTEXTS.map(([b, a]) => b + AUTH_WORD + a),
    ...words,
  ];
  return [{ re: /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d|\d(?:[ ().-]{0,2}\d){6}/g }, { re: new RegExp(alternatives.join('|'), 'gi') }];
}

/** The needles of the scanner's default context (for the Loki line filter and tests). */
export const NEEDLES: Needle[] = needlesFor(detectContext());

// Not a name: empty markers, and outcomes a `login` field often holds instead of a login.
const NON_VALUES = new Set(['', 'null', 'nil', 'none', 'undefined', 'true', 'false', '-', 'anonymous', 'unknown', 'n/a', 'guest', 'success', 'succeeded', 'failed', 'failure', 'ok', 'error', 'denied', 'pending', 'required']);
/** Field words that make a bare number a measurement, a time or an id, never a phone or a card. */
const NUMERIC_KEY_WORDS = new Set([
  'epoch', 'ts', 'time', 'timestamp', 'bytes', 'count', 'size', 'len', 'length', 'id', 'ms', 'ns', 'us',
  'nanos', 'millis', 'duration', 'latency', 'seq', 'offset', 'at', 'total', 'version', 'port', 'pid', 'status', 'code',
]);
/** Trace and span ids (Datadog logs them as 64-bit decimals) and reference numbers are never cards. */
const NOT_CARD_WORDS = new Set([
  'trace', 'span', 'traceid', 'spanid', 'parentid', 'order', 'invoice', 'ref', 'reference', 'tracking',
  'isbn', 'ean', 'gtin', 'sku', 'iban', 'account', 'request', 'correlation', 'epoch', 'ts', 'time', 'timestamp',
  'ns', 'ms', 'us', 'nanos', 'millis', 'bytes', 'count', 'size', 'offset', 'seq', 'duration',
]);
/** Words that keep a card possible under an id key: `card_id` may well hold the number itself. */
const CARD_KEY_WORDS = new Set(['card', 'pan', 'cc', 'ccnum', 'cardnumber', 'credit', 'debit']);
const VERSION_KEY_WORDS = new Set(['version', 'ver', 'build', 'oid', 'release', 'firmware', 'fw', 'revision', 'rev']);
/**
 * The numeric key words that can hold a number written in a phone number's grouping: ids, codes and
 * versions. A measurement or a time (`ms`, `us`, `bytes`, `duration`) is never written `415-555-0132`.
 */
const GROUPED_ID_WORDS = new Set(['id', 'seq', 'version', 'code']);

const wordsCache = new Map<string, { numeric: boolean; notCard: boolean; groupedId: boolean }>();

/** What the last segment of a field says about a number under it (cached: fields repeat). */
function numberWords(field: string): { numeric: boolean; notCard: boolean; groupedId: boolean } {
  let w = wordsCache.get(field);
  if (!w) {
    const words = field.slice(field.lastIndexOf('.') + 1).split('_').filter(Boolean);
    // an id (`transaction.id`, `event_id`) is never a card unless the key names one
    const idKey = words.includes('id') && !words.some((x) => CARD_KEY_WORDS.has(x));
    w = { numeric: words.some((x) => NUMERIC_KEY_WORDS.has(x)), notCard: idKey || words.some((x) => NOT_CARD_WORDS.has(x)), groupedId: words.some((x) => GROUPED_ID_WORDS.has(x)) };
    if (wordsCache.size > 4096) wordsCache.clear();
    wordsCache.set(field, w);
  }
  return w;
}


// Character classes as bit flags, looked up by char code (lines are latin1: codes < 256).
const B_DIGIT = 1, B_KEY = 2, B_LOCAL = 4, B_DOMAIN = 8, B_SEP = 16, B_UNQ_END = 32, B_WORD = 64, B_LETTER_ = 128;
const B_GZ = 256, B_ALNUM = 512, B_HEXCOLON = 1024, B_CRED = 2048, B_HEXLETTER = 4096, B_HEX = 8192, B_PLUSWORD = 16384, B_CARD_START = 32768;
const B_INNER = 65536;
const CC = new Uint32Array(256);
const mark = (chars: string, bit: number) => {
  for (const c of chars) CC[c.charCodeAt(0)] |= bit;
};
const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALPHA = LOWER + LOWER.toUpperCase();
mark(DIGITS, B_DIGIT);
mark(ALPHA + DIGITS + '_.-', B_KEY);
mark(ALPHA + DIGITS + '._%+-', B_LOCAL);
mark(ALPHA + DIGITS + '.-', B_DOMAIN);
// UTF-8 bytes (latin1-decoded): internationalised local parts and Unicode domain labels
for (let c = 0x80; c < 0x100; c++) CC[c] |= B_LOCAL | B_DOMAIN;
// RFC 5322 atext that logs do not use to open a value: part of a local part only inside it
// (`o'brien@`, `user|tag@`); `= / ? & # { }` are always delimiters (key=value, paths, URLs, JSON)
mark("'|!$*^`~", B_INNER);
mark(' ().-', B_SEP);
mark(' \t\n\r\f\v,;&|}])"\'\\', B_UNQ_END);
mark(ALPHA + DIGITS + '_', B_WORD);
mark(ALPHA + '_', B_LETTER_);
mark('ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ_', B_GZ);
mark(ALPHA + DIGITS, B_ALNUM);
mark(DIGITS + 'abcdefABCDEF:.', B_HEXCOLON);
mark(ALPHA + DIGITS + "._~%!$&'()*+,;=-", B_CRED);
mark('abcdefABCDEF', B_HEXLETTER);
mark(DIGITS + 'abcdefABCDEF', B_HEX);
mark(ALPHA + DIGITS + '_+', B_PLUSWORD);
mark('234568', B_CARD_START); // no network's IIN starts with 0, 1, 7 or 9 (except Troy 9792)
mark('9', B_CARD_START);
/** Whether `line[i]` exists and is in the class `bit`. */
const is = (line: string, i: number, bit: number): boolean => i >= 0 && i < line.length && (CC[line.charCodeAt(i) & 255] & bit) !== 0;

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** Values already redacted (by slogate or others) carry `***`; scanning them again must be clean. */
function isRedactionMarker(v: string): boolean {
  return v.includes('***') || /^[[<(]?(?:filtered|redacted|masked|hidden|removed)[\]>)]?$/i.test(v);
}

/** Collects one line's findings; drops allowed values and overlaps within a category. */
class Add {
  readonly out: LineFinding[] = [];
  /** Text a detector read as something that is no finding (an IPv6 literal's IPv4 tail). */
  private claimed: { category: PiiCategory; start: number; end: number }[] = [];
  constructor(private readonly allow: AllowMatcher | undefined) {}
  add(f: LineFinding): void {
    if (this.allow && this.allow.allows(f.category, f.norm)) return;
    for (const o of this.out) if (o.category === f.category && f.start < o.end && o.start < f.end) return;
    for (const o of this.claimed) if (o.category === f.category && f.start < o.end && o.start < f.end) return;
    this.out.push(f);
  }
  claim(category: PiiCategory, start: number, end: number): void {
    this.claimed.push({ category, start, end });
  }
}

/** Finds every PII value on one line (latin1-decoded bytes, or plain ASCII/latin1 text). */
export function detectLine(line: string, ctx?: DetectContext | AllowMatcher): LineFinding[] {
  const c: DetectContext = ctx && 'policy' in ctx ? ctx : ctx ? detectContext(undefined, ctx as AllowMatcher) : (defaultContext ??= detectContext());
  const hits: number[] = [];
  const buf = Buffer.from(line, 'latin1');
  c.prefilter.scan(buf, 0, buf.length, hits);
  return detectHits(line, hits.sort((a, b) => a - b), c);
}

/** Runs the detectors for sorted hits (`pos * 16 + kind`, positions relative to `line`). */
export function detectHits(line: string, hits: readonly number[], ctx: DetectContext): LineFinding[] {
  const add = new Add(ctx.allow);
  let doneTo = -1; // digit regions already examined
  for (const h of hits) {
    const pos = Math.floor(h / 16);
    switch (h % 16) {
      case K_NUMBER:
        if (pos >= doneTo) doneTo = findNumberRun(line, pos, ctx, add);
        break;
      case K_AT:
        findEmailAt(line, pos, 1, ctx, add);
        break;
      case K_PCT40:
        findEmailAt(line, pos, 3, ctx, add);
        break;
      case K_PLUS:
        findPlusPhoneAt(line, pos, ctx, add);
        break;
      case K_V6:
        findIPv6At(line, pos, ctx, add);
        break;
      case K_WORD:
        findUsernameAt(line, pos, ctx, add);
        break;
      case K_ACCESS_USER:
        findAccessLogUser(line, pos, ctx, add);
        break;
      case K_AUTH_USER:
        findAuthLogUsers(line, pos, ctx, add);
        break;
    }
  }
  return add.out.length > 1 ? add.out.sort(byStart) : add.out;
}

// ties by category, so the order never depends on which detector ran first
const byStart = (a: LineFinding, b: LineFinding) => a.start - b.start || a.end - b.end || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0);

const RE_QUAD = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;

/** A number-like run from the prefilter: dotted quads in it are IPv4 candidates, long digit runs cards or phones. */
function findNumberRun(line: string, pos: number, ctx: DetectContext, add: Add): number {
  let e = pos;
  let dots = 0;
  let digits = 0;
  for (;;) {
    const c = line[e];
    if (isDigit(c)) {
      digits++;
      e++;
    } else if (is(line, e, B_SEP) && is(line, e + 1, B_DIGIT)) {
      if (c === '.') dots++;
      e++;
    } else if (is(line, e, B_SEP) && is(line, e + 1, B_SEP) && is(line, e + 2, B_DIGIT)) e += 2;
    else break;
  }
  if (dots >= 3) {
    // an address (or a range of two) is not a card or a phone: nothing more to look at
    const q = quadEnd(line, pos);
    if (q === e || (q > 0 && line.charCodeAt(q) === 45 && quadEnd(line, q + 1) === e)) {
      findIPv4At(line, pos, ctx, add);
      if (q !== e) findIPv4At(line, q + 1, ctx, add);
      return e;
    }
    // a quad may start one to three digits into the run
    let from = pos;
    while (from > 0 && isDigit(line[from - 1])) from--;
    RE_QUAD.lastIndex = from;
    let m: RegExpExecArray | null;
    while ((m = RE_QUAD.exec(line)) && m.index < e) findIPv4At(line, m.index, ctx, add);
  }
  if (digits < 7) return e;
  let done = findNumbersAt(line, pos, ctx, add);
  // A run longer than one region (a VPC flow log's space-separated fields) is read region by
  // region, each starting at a group within a card's length of the last one's end.
  let at = pos;
  for (let reach = numberRegion(line, at)[1]; reach < e; ) {
    let next = Math.max(at + 1, reach - 24);
    while (next < e && (!isDigit(line[next]) || isDigit(line[next - 1]))) next++;
    if (next >= e) break;
    at = next;
    done = Math.max(done, findNumbersAt(line, at, ctx, add));
    reach = Math.max(reach + 1, numberRegion(line, at)[1]);
  }
  return Math.max(e, done);
}

// ---------------------------------------------------------------------------------------- email


/** `https://user:secret@host`: the part before `@` is a login and a password, not a mailbox. */
function isUrlCredentials(line: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && at - i < 256 && is(line, i, B_CRED)) i--;
  if (line[i] !== ':') return false;
  i--;
  while (i >= 0 && at - i < 512 && is(line, i, B_CRED)) i--;
  return i >= 1 && line[i] === '/' && line[i - 1] === '/';
}

/**
 * Where the local part before `at` starts: letters, digits, `._%+-` and UTF-8 bytes, plus the
 * inner characters (`'|!$*^\`~`) where they stand between two characters of the local part. An
 * apostrophe only joins two letters or digits (`o'brien@`, not `to='jane@`); any other inner
 * character the line also uses elsewhere is the line's separator (`ts|INFO|jane@x.io`).
 */
function localStart(line: string, at: number): number {
  let s = at;
  // one byte past RFC 5321's 64: a longer run is no local part (findEmailAt drops it)
  while (s > 0 && at - s <= 64 && is(line, s - 1, B_LOCAL | B_INNER)) s--;
  for (let i = at - 1; i >= s; i--) {
    const code = line.charCodeAt(i);
    if (!(CC[code & 255] & B_INNER)) continue;
    const inside = i > s && i < at - 1;
    const ok = code === 39
      ? inside && is(line, i - 1, B_ALNUM) && is(line, i + 1, B_ALNUM)
      : inside && line.indexOf(line[i]) === i && line.indexOf(line[i], i + 1) < 0;
    if (!ok) return i + 1;
  }
  return s;
}

/**
 * A quoted local part ending at `at` (RFC 5321: `"john doe"@example.com`, also JSON-escaped
 * `\"john doe\"@…`): the span's start and the text between the quotes, or undefined. The opening
 * quote must open a value (not follow a letter or digit); inside, printable characters and
 * backslash pairs, up to 64 characters.
 */
function quotedLocal(line: string, at: number): { start: number; content: string; escaped: boolean } | undefined {
  if (line[at - 1] !== '"') return undefined;
  // JSON-escaped (`\"…\"@`) when an odd run of backslashes stands before the closing quote;
  // `"\\"@x`, a quoted backslash pair, is not
  const backslashesBefore = (i: number) => {
    let k = 0;
    while (line[i - 1 - k] === '\\') k++;
    return k;
  };
  const escaped = backslashesBefore(at - 1) % 2 === 1;
  const close = escaped ? at - 2 : at - 1;
  for (let i = close - 1; i >= 0 && close - i <= 64; i--) {
    const c = line.charCodeAt(i);
    if (c < 32 || c === 127) return undefined;
    if (c !== 34) continue;
    const k = backslashesBefore(i);
    if (escaped) {
      // inside a JSON string: `\"` opens, `\\\"` is an escaped backslash and quote (a quoted
      // pair of the local part), a bare or `\\"` quote ends the string
      if (k >= 3 && k % 2 === 1) continue;
      if (k !== 1) return undefined;
    } else if (k % 2 === 1) continue; // a quoted pair
    const start = escaped ? i - 1 : i;
    const raw = line.slice(i + 1, close);
    // in a JSON string the local part's own backslashes and quotes are escaped once more (and
    // no other JSON escape belongs in one)
    const content = escaped ? raw.replace(/\\(["\\])/g, '$1') : raw;
    if (is(line, start - 1, B_LOCAL) || !/\S/.test(content) || (escaped && raw.replace(/\\["\\]/g, '').includes('\\'))) return undefined;
    return { start, content, escaped };
  }
  return undefined;
}

const HIGH_BYTE = /[\u0080-\u00ff]/;
const NOT_WORD_CHAR = /[^\p{L}\p{N}\p{M}\x21-\x7e]/u;

/**
 * How many bytes of the latin1-decoded UTF-8 in [from, to) are letters, digits, marks or ASCII,
 * read forward from `from` or backward from `to`: a symbol or punctuation outside ASCII (and a
 * byte that is no UTF-8) ends an email's part there.
 */
function unicodeWordBytes(line: string, from: number, to: number, forward: boolean): number {
  const raw = line.slice(from, to);
  if (!HIGH_BYTE.test(raw)) return to - from;
  const chars = [...Buffer.from(raw, 'latin1').toString('utf8')];
  let n = 0;
  if (forward) {
    for (const c of chars) {
      if (NOT_WORD_CHAR.test(c)) break;
      n += Buffer.byteLength(c);
    }
  } else {
    for (let i = chars.length - 1; i >= 0 && !NOT_WORD_CHAR.test(chars[i]); i--) n += Buffer.byteLength(chars[i]);
  }
  return n;
}

function findEmailAt(line: string, at: number, sepLen: number, ctx: DetectContext, add: Add): void {
  const quoted = sepLen === 1 ? quotedLocal(line, at) : undefined;
  let s = quoted ? quoted.start : localStart(line, at);
  // `%40`-encoded text may itself follow an encoded separator (`to=%3Cjane%40…`)
  if (sepLen === 3 && /^%[0-9A-Fa-f]{2}/.test(line.slice(s, s + 3)) && s + 3 < at) s += 3;
  const domStart = at + sepLen;
  let e = domStart;
  while (e < line.length && e - domStart <= 253 && is(line, e, B_DOMAIN)) e++; // one past the limit: too long is no address
  if (at - s > 64) {
    // longer than RFC 5321 allows: a token glued before the address (`…_with_email_jane@acme.io`)
    // gives it from its last `_`, `.` or `-`; one with none (`aaa…a@`) is no address
    let cut = at - 1;
    while (cut >= at - 64 && line[cut] !== '_' && line[cut] !== '.' && line[cut] !== '-') cut--;
    if (quoted || cut < at - 64 || cut + 1 >= at) return;
    s = cut + 1;
  }
  // a JSON escape just before (`\u003Cjane@…`, .NET's `<`; `\njane@…`, a new line): not the address
  if (!quoted && line[s - 1] === '\\') {
    const esc = /^(?:u[0-9A-Fa-f]{4}|[nrtbf])/.exec(line.slice(s, s + 5));
    if (esc) s += esc[0].length;
  }
  // HAProxy's captured headers, `{api.example.com|jane@example.org}`: `|` separates them
  if (line[s - 1] === '{') s = Math.max(s, line.lastIndexOf('|', at - 1) + 1);
  // UTF-8 that is no letter ends a part (`jane@acme.io’s`, `«jane@acme.io»`, `acme.io©`)
  if (!quoted) s = at - unicodeWordBytes(line, s, at, false);
  e = domStart + unicodeWordBytes(line, domStart, e, true);
  if (!quoted) while (s < at && line[s] === '.') s++;
  while (e > domStart && (line[e - 1] === '.' || line[e - 1] === '-')) e--;
  // a quoted local part is checked as written and, when it needs no quotes, normalised without them
  const local = quoted ? `"${quoted.content}"` : line.slice(s, at);
  let domain = line.slice(domStart, e);
  // a Unicode domain (UTF-8 bytes) is checked and normalised in its punycode form
  domain = HIGH_BYTE.test(domain) ? domainToASCII(Buffer.from(domain, 'latin1').toString('utf8')) : domain.toLowerCase();
  if (s >= at || !domain || !isEmail(local + '@' + domain) || isUrlCredentials(line, at)) return;
  const bare = quoted && isEmail(quoted.content + '@' + domain) ? quoted.content : local;
  const norm = (HIGH_BYTE.test(bare) ? Buffer.from(bare, 'latin1').toString('utf8') : bare).toLowerCase() + '@' + domain;
  if (ctx.policy.emailExemption(norm) || isMessageId(line, s) || KERNEL_BUILDER.test(line.slice(Math.max(0, s - 96), s))) return;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  const q = quoted?.escaped ? '\\"' : '"';
  // the first character, not the first byte of its UTF-8
  const first = quoted ? `${q}${quoted.content.trim()[0]}***${q}` : `${[...(HIGH_BYTE.test(local) ? Buffer.from(local, 'latin1').toString('utf8') : local)][0]}***`;
  add.add({
    category: 'email',
    start: s,
    end: e,
    norm,
    redacted: `${first}@${domain[0]}***.${tld}`,
    field: fieldOf(line, s),
    rule: sepLen === 1 ? 'email.address' : 'email.url-encoded',
    exempt: 'ownDomains (its domain), roleMailboxes (its local part), or --allow email',
  });
}

/** The kernel's boot banner names the account and host that built it: `Linux version 4.18.0 (mockbuild@x86-vm-07.build.eng.bos.redhat.com)`. */
const KERNEL_BUILDER = /Linux version \S+ \($/;

const MESSAGE_ID_KEYS = new Set(['messageid', 'msgid', 'inreplyto', 'references', 'originalmessageid']);

/**
 * An address-shaped value that names a message, not a mailbox: a Message-ID (RFC 5322's
 * `<local@host>`) under Postfix's `message-id=<…>`, a `Message-ID:` header, `"message_id":…`,
 * or In-Reply-To and References, which repeat such ids.
 */
function isMessageId(line: string, s: number): boolean {
  // from the `<` that opens the id, when the local part read starts inside it (`<5afa.hP5p/mry+x@…>`)
  let i = s - 1;
  while (i >= 0 && s - i <= 128 && line[i] !== '<' && line[i] !== '>' && line[i] !== ' ' && line[i] !== '"') i--;
  if (line[i] !== '<') i = s - 1;
  const from = i;
  while (i >= 0 && from - i < 8 && (line[i] === '<' || line[i] === '"' || line[i] === "'" || line[i] === '\\' || line[i] === ' ' || line[i] === '=' || line[i] === ':')) i--;
  const end = i + 1;
  while (i >= 0 && end - i <= 24 && (is(line, i, B_ALNUM) || line[i] === '-' || line[i] === '_')) i--;
  return end > i + 1 && MESSAGE_ID_KEYS.has(line.slice(i + 1, end).toLowerCase().replace(/[-_]/g, ''));
}

/** Bytes that may stand in a local part however loosely read (a superset of what findEmailAt reads). */
const LOOSE_LOCAL = new Uint8Array(256);
for (let c = 0; c < 256; c++) if (CC[c] & B_LOCAL) LOOSE_LOCAL[c] = 1;
for (const c of "!#$&'*/=?^`{|}~") LOOSE_LOCAL[c.charCodeAt(0)] = 1;
/** Results kept per context before the cache starts over (values repeat: role mailboxes, own domains). */
const VET_CACHE = 4096;

/**
 * The prefilter's second look at an `@`: would findEmailAt report an address there? It runs the
 * detector itself on the bytes around the `@` (the local part and domain it reads are all it
 * looks at, apart from a URL's credentials, which only ever drop a finding), and remembers the
 * answer per candidate, so `noreply@` on every line costs one lookup.
 */
function emailVet(ctx: DetectContext): (buf: Buffer, at: number) => boolean {
  const memo = new ByteMemo();
  return (buf, at) => {
    if (buf[at - 1] === 34) return true; // a quoted local part: left to the detector
    let s = at;
    while (s > 0 && at - s < 64 && LOOSE_LOCAL[buf[s - 1]]) s--;
    let e = at + 1;
    while (e < buf.length && e - at - 1 < 253 && CC[buf[e]] & B_DOMAIN) e++;
    if (s === at || e === at + 1) return false;
    const h = ByteMemo.hash(buf, s, e);
    let found = memo.get(buf, s, e, h);
    if (found === undefined) {
      const add = new Add(ctx.allow);
      findEmailAt(buf.toString('latin1', s, e), at - s, 1, ctx, add);
      found = add.out.length > 0;
      memo.set(buf, s, e, h, found);
    }
    return found;
  };
}

// ------------------------------------------------------------------------------------- username

interface ValueSpan {
  start: number;
  end: number;
  value: string;
  quoted: boolean;
}

/** Reads the value after a key ending at `keyEnd`: `"key": "v"`, `key=v`, `key: v`, escaped JSON. */
export function valueAfterKey(line: string, keyEnd: number): ValueSpan | undefined {
  const xml = xmlValueAfterKey(line, keyEnd);
  if (xml) return xml;
  let i = keyEnd;
  if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === "'")) i += 2;
  else if (line[i] === '"' || line[i] === "'") i++;
  const paren = line[i] === ')'; // Postgres: `Key (username)=(judy) already exists`
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
    return { start, end, value: line.slice(start, end), quoted: true };
  }
  let quote = '';
  if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === "'")) {
    quote = '\\' + line[i + 1];
    i += 2;
  } else if (line[i] === '"' || line[i] === "'") {
    quote = line[i];
    i++;
  } else if (line[i] === '<') {
    // Dovecot's and Postfix's `user=<bob>` (`user=<>`: nobody logged in)
    quote = '>';
    i++;
  } else if (line[i] === 'S' && line.startsWith('Str(', i)) {
    // the OpenTelemetry collector's debug exporter: `enduser.id: Str(bob)`
    quote = ')';
    i += 4;
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
    while (i < limit && !is(line, i, B_UNQ_END)) i++;
  }
  const end = Math.min(i, line.length);
  return { start, end, value: line.slice(start, end), quoted: quote !== '' };
}

/**
 * XML: Windows event logs' `<Data Name="TargetUserName">bob</Data>` and an element's own
 * `<TargetUserName>bob</TargetUserName>`: the text up to the next tag.
 */
function xmlValueAfterKey(line: string, keyEnd: number): ValueSpan | undefined {
  let open: number;
  if (line[keyEnd] === '"' && line[keyEnd + 1] === '>') open = keyEnd + 2;
  else if (line[keyEnd] === '>') open = keyEnd + 1;
  else return undefined;
  let ks = keyEnd;
  while (ks > 0 && keyEnd - ks < 128 && is(line, ks - 1, B_KEY)) ks--;
  if (open === keyEnd + 2 ? !/name="$/i.test(line.slice(Math.max(0, ks - 6), ks)) : line[ks - 1] !== '<') return undefined;
  const close = line.indexOf('<', open);
  const end = close < 0 || close - open > 256 ? Math.min(line.length, open + 256) : close;
  return { start: open, end, value: line.slice(open, end), quoted: true };
}

const OTLP_VALUE = /\\?"\s*,\s*\\?"value\\?"\s*:\s*\{\s*\\?"(?:stringValue)\\?"\s*/y;

/** A value that is no username whatever field holds it: an empty marker, a number, an object, a service account. */
function notAName(v: ValueSpan, ctx: DetectContext): boolean {
  const value = v.value.trim();
  if (NON_VALUES.has(value.toLowerCase()) || isRedactionMarker(value)) return true;
  if (value[0] === '{' || value[0] === '[') return true;
  // Go's printout of a map (`user=map[email:… id:7]`): an object (`user=&{…}` ends at its `&`)
  if (!v.quoted && value.startsWith('map[')) return true;
  // An unquoted number (`"username": 13`, `user=42`) is a count or an id, not a name.
  if (!v.quoted && /^\d+$/.test(value)) return true;
  // `Login: user=<bob>`: the next key, not a value (its own key is read for it)
  if (!v.quoted && /^[A-Za-z_][\w.-]*=/.test(value)) return true;
  return ctx.policy.serviceAccount(value) !== undefined;
}

/**
 * PostgreSQL's `connection authorized: user=app database=shop` and `log_line_prefix`'s
 * comma-joined `user=%u,db=%d` (either order): the database key right beside the user. A
 * logfmt line's space-separated `user=alice db=orders` is an application naming its end user.
 */
const DATABASE_AFTER = /^(?:(?:,|\s+)database=|,db(?:name)?=)[^\s,;]/;
const DATABASE_BEFORE = /(?:(?:^|[\s,;\[(])database=[^\s,;]+(?:,|\s+)|(?:^|[\s,;\[(])db(?:name)?=[^\s,;]+,)$/;
/** PostgreSQL's own connection messages, where any `db=` beside the user is the database. */
const PG_CONNECTION = /connection (?:authorized|authenticated|received)[^:]{0,40}: $/;

function isDatabaseRole(line: string, v: ValueSpan): boolean {
  const after = line.slice(v.end, v.end + 64);
  if (DATABASE_AFTER.test(after) || DATABASE_BEFORE.test(line.slice(Math.max(0, v.start - 69), v.start - 5))) return true;
  return /^\s+db(?:name)?=[^\s,;]/.test(after) && PG_CONNECTION.test(line.slice(Math.max(0, v.start - 69), v.start - 5));
}


const EMAIL_SHAPED = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;

function usernameFinding(line: string, v: ValueSpan, field: string, ctx: DetectContext, add: Add, rule: RuleId): void {
  if (notAName(v, ctx) || ctx.policy.accountPattern(field)) return;
  // a bare `user=` beside a `database=` is the database role the session logs in as: an account
  if (field === 'user' && line[v.start - 1] === '=' && isDatabaseRole(line, v)) return;
  const value = v.value.trim();
  // a login written as an address the mailbox rules exempt (`{"user":"noreply@acme.io"}`, an own
  // domain's, a service account's) is no person's either
  if (EMAIL_SHAPED.test(value) && ctx.policy.emailExemption(value.toLowerCase())) return;
  add.add({
    category: 'username',
    start: v.start,
    end: v.end,
    norm: value,
    redacted: `${value[0]}***`,
    field,
    rule,
    exempt: `serviceAccounts (a pattern for this account) or fields.account: ${field}`,
  });
}

function findUsernameAt(line: string, pos: number, ctx: DetectContext, add: Add): void {
  let ks = pos;
  while (ks > 0 && is(line, ks - 1, B_KEY)) ks--;
  let ke = pos;
  while (ke < line.length && is(line, ke, B_KEY)) ke++;
  if (ke - ks > 128) return;
  const token = line.slice(ks, ke);
  const before = line.slice(Math.max(0, ks - 12), ks);
  // PAM's `pam_unix(login:session)` names a service and a management group, not a key and its value
  if (/pam_\w+\($/.test(before)) return;
  // OTLP attribute list: {"key":"enduser.id","value":{"stringValue":"bob"}}
  if (/\\?"key\\?"\s*:\s*\\?"$/.test(before)) {
    const field = normaliseField(token);
    if (!ctx.policy.isUsernameField(field)) return;
    OTLP_VALUE.lastIndex = ke;
    if (!OTLP_VALUE.exec(line)) return;
    const v = valueAfterKey(line, OTLP_VALUE.lastIndex);
    if (v) usernameFinding(line, v, field, ctx, add, 'username.field');
    return;
  }
  // cheap rejection first (`user_agent`, `user_id`): only a username field (or a key that ends
  // one under some parent: `handle` of `agent.handle`) or an object is read on
  const name = normaliseField(token);
  const mayBeField = ctx.policy.isUsernameField(name) || ctx.policy.mayEndUsernameField(name);
  if (!mayBeField && !opensObject(line, ke)) return;
  const v = valueAfterKey(line, ke);
  if (!v) return;
  const nested = v.value[0] === '{' && line[v.start - 1] !== '"';
  if (!nested && !mayBeField) return;
  const parent = parentPath(line, ks);
  const field = normaliseField(parent ? `${parent}.${token}` : token);
  if (nested) {
    // nested object: `"user":{"name":"bob","id":7}` — look at its members one level down
    eachMember(line, v.start, (key, keyEnd) => {
      const sub = normaliseField(`${field}.${key}`);
      if (!ctx.policy.isUsernameField(sub)) return false;
      const iv = valueAfterKey(line, keyEnd);
      if (iv) usernameFinding(line, iv, sub, ctx, add, 'username.field');
      return false;
    });
    return;
  }
  if (!ctx.policy.isUsernameField(field)) return;
  usernameFinding(line, v, field, ctx, add, 'username.field');
}

/**
 * The prefilter's second look at a username word: findUsernameAt reads on only when the key
 * holding the word is a username field or opens an object (`user_agent`, `/users/me` and
 * `userId` stop there). Same check on bytes, the key's verdict remembered.
 */
function usernameVet(ctx: DetectContext): (buf: Buffer, pos: number) => boolean {
  const keys = new ByteMemo<KeyVerdict>();
  const objects = new ByteMemo();
  const attributes = new ByteMemo();
  return (buf, pos) => {
    let ks = pos;
    while (ks > 0 && CC[buf[ks - 1]] & B_KEY) ks--;
    let ke = pos;
    while (ke < buf.length && CC[buf[ke]] & B_KEY) ke++;
    if (ke - ks > 128) return false;
    const hk = ByteMemo.hash(buf, ks, ke);
    let verdict = keys.get(buf, ks, ke, hk);
    if (verdict === undefined) {
      const key = normaliseField(buf.toString('latin1', ks, ke));
      // a key that ends a field only under some parent is judged as a field: its value decides
      verdict = ctx.policy.isUsernameField(key) || ctx.policy.mayEndUsernameField(key) ? KeyVerdict.Field : ctx.policy.mayParentUsernameField(key) ? KeyVerdict.MayOpen : KeyVerdict.Neither;
      keys.set(buf, ks, ke, hk, verdict);
    }
    const field = verdict === KeyVerdict.Field;
    // An object under a key that is no field holds a username only in a member whose own key
    // names one (so holds a username word: a candidate of its own), unless a pattern names a
    // member of it. Past that key findUsernameAt reads on only into an object (objectValueAt
    // reads at least what its opensObject does).
    if (verdict === KeyVerdict.Neither) return false;
    const open = objectValueAt(buf, ke);
    if (!field && open < 0) return false;
    // Then the values the detector would read: none of them a name (a service account, `-`,
    // a number) means no finding, whatever the field's full path turns out to be.
    const from = Math.max(0, ks - 16);
    // An object value that closes on the line is judged by its text alone (`"user":{"name":"svc-x"}`
    // repeats line after line): remembered, unless the key is an OTLP attribute's.
    if (open >= 0 && !mayBeOtlpKey(buf, ks)) {
      const close = closingBrace(buf, open, Math.min(buf.length, open + 1024));
      if (close > 0) {
        const h = ByteMemo.hash(buf, ks, close);
        let may = objects.get(buf, ks, close, h);
        if (may === undefined) {
          may = mayHoldName(buf.toString('latin1', from, close), ks - from, ke - from, field, false, ctx) ?? true;
          objects.set(buf, ks, close, h, may);
        }
        return may;
      }
    }
    if (open < 0 && ks >= 12 && mayBeOtlpKey(buf, ks)) {
      // an OTLP attribute (`{"key":"enduser.id","value":{"stringValue":"svc-x"}}`) repeats too:
      // judged on the text from just before its key to the end of its value, and remembered
      let v = ke;
      const limit = Math.min(buf.length, ke + 48);
      while (v < limit && buf[v] !== 123 && buf[v] !== 10) v++;
      const close = buf[v] === 123 ? closingBrace(buf, v, Math.min(buf.length, v + 1024)) : -1;
      if (close > 0) {
        const s0 = ks - 12;
        const h = ByteMemo.hash(buf, s0, close);
        let may = attributes.get(buf, s0, close, h);
        if (may === undefined) {
          may = mayHoldName(buf.toString('latin1', s0, close), 12, ke - s0, field, false, ctx) ?? true;
          attributes.set(buf, s0, close, h, may);
        }
        return may;
      }
    }
    let lineEnd = buf.indexOf(10, ke);
    if (lineEnd < 0) lineEnd = buf.length;
    // a short window first (most values end in it), the detector's whole reach if not
    for (const size of VET_WINDOWS) {
      const to = Math.min(lineEnd, ke + size);
      const may = mayHoldName(buf.toString('latin1', from, to), ks - from, ke - from, field, to < lineEnd, ctx);
      if (may !== undefined) return may;
    }
    return true;
  };
}

const enum KeyVerdict {
  Neither,
  Field,
  MayOpen,
}

/** How far past a username key its values are read: at most the detector's 1024 characters of members, a key and a value more. */
const VET_WINDOWS = [160, 1024 + 128 + 256 + 16];
const OTLP_KEY_BEFORE = /\\?"key\\?"\s*:\s*\\?"$/;

/**
 * Whether the key starting at `ks` may be an OTLP attribute's (`"key":"enduser.id"`): a loose
 * reading of OTLP_KEY_BEFORE on bytes, true whenever the pattern is.
 */
function mayBeOtlpKey(buf: Buffer, ks: number): boolean {
  let i = ks - 1;
  while (i >= 0 && ks - i <= 12 && (buf[i] === 34 || buf[i] === 92 || buf[i] === 58 || buf[i] === 32 || buf[i] === 9)) i--;
  return i >= 2 && buf[i] === 121 && buf[i - 1] === 101 && buf[i - 2] === 107; // `key`
}

/** Where the value after a key ending at `ke` is an object (as valueAfterKey reads it): its `{`, or -1. */
function objectValueAt(buf: Buffer, ke: number): number {
  let i = ke;
  if (buf[i] === 92 && (buf[i + 1] === 34 || buf[i + 1] === 39)) i += 2;
  else if (buf[i] === 34 || buf[i] === 39) i++;
  if (buf[i] === 41) i++;
  while (buf[i] === 32 || buf[i] === 9) i++;
  if (buf[i] !== 58 && buf[i] !== 61) return -1;
  if (buf[i] === 61 && (buf[i + 1] === 32 || buf[i + 1] === 9)) return -1;
  i++;
  if (buf[i - 1] === 61 && buf[i] === 62) i++;
  while (buf[i] === 32 || buf[i] === 9) i++;
  return buf[i] === 123 ? i : -1;
}

/** Just past the brace closing the object opened at `open` (braces and brackets counted as the detector counts them), or -1 at the line's end or `limit`. */
function closingBrace(buf: Buffer, open: number, limit: number): number {
  let depth = 0;
  for (let j = open; j < limit; j++) {
    const c = buf[j];
    if (c === 10) return -1;
    if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) return j + 1;
    }
  }
  return -1;
}

const tailCache = new WeakMap<DetectContext, Map<string, boolean>>();

/**
 * Whether `key.member` can end a username field's path, whatever the path before it: a pattern
 * of one segment names the member, a longer one ends in these two segments. A pattern with a
 * `*` can span the unknown parents, so it always may.
 */
function memberMayBeUsername(key: string, member: string, ctx: DetectContext): boolean {
  let cache = tailCache.get(ctx);
  if (!cache) tailCache.set(ctx, (cache = new Map()));
  const tail = normaliseField(`${key}.${member}`);
  let may = cache.get(tail);
  if (may === undefined) {
    const [k, mem] = [tail.slice(0, tail.lastIndexOf('.')), tail.slice(tail.lastIndexOf('.') + 1)];
    may = ctx.policy.source.fields.username.some((raw) => {
      const p = normaliseField(raw);
      if (p.includes('*')) return true;
      const segs = p.split('.');
      return segs.length === 1 ? segs[0] === mem : segs[segs.length - 1] === mem && segs[segs.length - 2] === k.slice(k.lastIndexOf('.') + 1);
    });
    if (cache.size >= VET_CACHE) cache.clear();
    cache.set(tail, may);
  }
  return may;
}

/** findUsernameAt's reading of the key [ks, ke) in `w`, up to the values, with only their value-based exemptions. */
/** undefined: the window ended before the answer did. */
function mayHoldName(w: string, ks: number, ke: number, field: boolean, cut: boolean, ctx: DetectContext): boolean | undefined {
  if (OTLP_KEY_BEFORE.test(w.slice(Math.max(0, ks - 12), ks))) {
    if (!field) return false;
    OTLP_VALUE.lastIndex = ke;
    if (!OTLP_VALUE.exec(w)) return false;
    const v = valueAfterKey(w, OTLP_VALUE.lastIndex);
    if (cut && (!v || v.end >= w.length - 1)) return undefined;
    return !!v && !notAName(v, ctx);
  }
  const v = valueAfterKey(w, ke);
  if (!v) return cut ? undefined : false;
  const nested = v.value[0] === '{' && w[v.start - 1] !== '"';
  if (!nested) {
    if (!field) return false;
    if (cut && v.end >= w.length - 1) return undefined;
    return !notAName(v, ctx);
  }
  let answer: boolean | undefined = false;
  const ended = eachMember(w, v.start, (key, keyEnd) => {
    if (!memberMayBeUsername(w.slice(ks, ke), key, ctx)) return false;
    const iv = valueAfterKey(w, keyEnd);
    if (cut && (!iv || iv.end >= w.length - 1)) answer = undefined;
    else if (iv && !notAName(iv, ctx)) answer = true;
    else return false;
    return true;
  });
  if (ended === 'stopped') return answer;
  // the object may go on past the window (the detector reads members up to 1024 characters in)
  return cut && ended === 'end' ? undefined : false;
}

// JSON's `"key":`; an object that opens otherwise has the bare `key=` / `key:` members of Java's
// Map.toString, Go's %+v and Node's inspect (one kind per object: JSON pays nothing for the other)
const JSON_MEMBER = /\\?"([A-Za-z0-9_.-]{1,64})\\?"\s*(?::|=>)/g; // and Ruby's `"k"=>`
const BARE_MEMBER = /(?<=[{,\s])([A-Za-z_][A-Za-z0-9_.-]{0,63})[ \t]*(?:=(?![=>])|:(?!:))/g;

/**
 * Calls `visit` with each member key one level inside the object whose `{` is at `open`, and
 * where the key ends, within 1024 characters (braces counted wherever they stand, as escaped
 * JSON nests like JSON). `visit` returns true to stop. Says why the walk ended.
 */
function eachMember(text: string, open: number, visit: (key: string, keyEnd: number) => boolean): 'closed' | 'limit' | 'end' | 'stopped' {
  let first = open + 1;
  while (text[first] === ' ') first++;
  const inner = text[first] === '"' || text[first] === '\\' ? JSON_MEMBER : BARE_MEMBER;
  inner.lastIndex = open + 1;
  let depth = 0;
  let scanned = open + 1;
  for (let m = inner.exec(text); m; m = inner.exec(text)) {
    if (m.index - open >= 1024) return 'limit';
    for (; scanned < m.index; scanned++) {
      const c = text[scanned];
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
    }
    if (depth < 0) return 'closed';
    if (depth > 0) continue;
    // the key ends at its separator (`:`, `=`, or `=>`'s `=`)
    if (visit(m[1], m.index + m[0].length - (m[0].endsWith('=>') ? 2 : 1))) return 'stopped';
    inner.lastIndex = m.index + m[0].length; // the regex is shared: a visit may have used it
  }
  return 'end';
}

/** `key":{`, `key": {`, `key\":{`: the key's value is an object. */
function opensObject(line: string, ke: number): boolean {
  let i = ke;
  if (line[i] === '\\') i++;
  if (line[i] === '"') i++;
  while (line[i] === ' ') i++;
  if (line[i] !== ':') return false;
  i++;
  while (line[i] === ' ') i++;
  return line[i] === '{';
}

/** After the user: `[$time_local] "` (JSON-escaped `\"` when the record sits in a string). */
const ACCESS_LOG_TAIL = /(\S+) \[[^\]]{1,64}\] \\?"/y;
/** A container runtime's prefix and nothing else. */
const CRI_ONLY = new RegExp(`^${CRI_PREFIX}$`);
const IS_SPACE = /\s/;
/** `{"log":"81.2.69.160`, `"message":"81.2.69.160`: a JSON string, under a plain key, opening with an address or host. */
const JSON_STRING_START = /^\{?"[\w@.-]+"\s*:\s*"[\w.:[\]-]+$/;

/**
 * nginx/Apache `$remote_addr $ident $remote_user [$time_local] "…"`: a logged-in user's name. The
 * record starts the line, follows a container runtime's prefix, a syslog tag (`nginx: `) when
 * its first token is an address, or opens a JSON string (`{"log":"81.2.69.160 - bob [`).
 */
function findAccessLogUser(line: string, pos: number, ctx: DetectContext, add: Add): void {
  if (line[pos - 1] !== ' ') return;
  // `2026-…Z stdout F [2026-…] "GET …`: a container runtime's prefix before Envoy's record, no user
  if (CRI_ONLY.test(line.slice(0, pos + 2))) return;
  let j = pos - 2;
  while (j >= 0 && !IS_SPACE.test(line[j])) j--;
  if (j === pos - 2 || line[j] !== ' ') return;
  let k = j - 1;
  while (k >= 0 && !IS_SPACE.test(line[k])) k--;
  if (k === j - 1) return;
  const first = line.slice(k + 1, j);
  if (JSON_STRING_START.test(first)) {
    // `{"log":"81.2.69.160`, `"message":"81.2.69.160`: the record opens a JSON string
  } else if (k < 0) {
    if (first.includes('"')) return;
  } else {
    const before = line.slice(0, k + 1);
    const address = first.replace(/^\[|\]$/g, '');
    const syslog = before.endsWith(': ') && (parseIPv4(address) !== undefined || (address.includes(':') && parseIPv6(address) !== undefined));
    if (line[k] !== ' ' || (!syslog && !CRI_ONLY.test(before))) return;
  }
  ACCESS_LOG_TAIL.lastIndex = pos;
  const m = ACCESS_LOG_TAIL.exec(line);
  if (!m || m[1] === '-') return;
  let value = m[1];
  if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  usernameFinding(line, { start: pos, end: pos + m[1].length, value, quoted: true }, 'remote_user', ctx, add, 'username.access-log');
}

/**
 * What each authentication program's messages say about a login: the names in them (group 1, and
 * 2 when the message names two). `invalid user` names an account that does not exist, often one
 * an attacker guessed: not a person's.
 */
const AUTH_MESSAGES: Record<(typeof AUTH_PROGRAMS)[number], RegExp[]> = {
  sshd: [
    /(?:Accepted|Failed|Postponed) [\w/-]+ for (?!invalid user )(\S+) from /dy,
    /(?:Connection closed by|Disconnected from) (?:authenticating )?user (\S+) /dy,
    /User (\S+) from \S+ not allowed because /dy,
    /Starting session: .{1,80}? for (\S+) from /dy,
    /error: PAM: Authentication failure for (?!illegal user )(\S+) from /dy,
  ],
  sudo: [/\s*(\S+) : (?:TTY|PWD|\d+ incorrect password|user NOT in sudoers|command not allowed|a password is required)/dy],
  su: [/(?:FAILED SU )?\(to (\S+)\) (\S+) on /dy, /Successful su for (\S+) by (\S+)/dy],
  'systemd-logind': [/New session \S+ of user ([^\s.]+)/dy],
  login: [/(?:ROOT )?LOGIN ON \S+ BY (\S+)/dy, /FAILED LOGIN \(\d+\) on '[^']*' FOR '([^']+)'/dy],
  passwd: [],
  useradd: [/new user: name=([^,\s]+)/dy],
  userdel: [/delete user '([^']+)'/dy],
  usermod: [/(?:change|lock|unlock) user '([^']+)'/dy, /add '([^']+)' to (?:shadow )?group /dy],
  CRON: [],
  crond: [],
};
// PAM's lines, under any program
const PAM_MESSAGES = [
  // (older PAM names no module here: it tags the program, `su(pam_unix)[812]: session opened …`;
  // `by LOGIN(uid=0)` names the login program, not a user)
  /(?:pam_unix\([^)]*\): )?session (?:opened|closed) for user ([^\s(]+)(?:\(uid=\d+\))?(?: by (?!LOGIN\()([^\s(]+))?/dy,
  /pam_unix\([^)]*\): password changed for (\S+)/dy,
];
const AUTH_NAME = AUTH_PROGRAMS.join('|');
// the tag where the prefilter found it from its `[`
const TAG_AT = new RegExp(`(${AUTH_NAME})(?:\\(pam_unix\\))?\\[\\d+\\]: `, 'y');
// tags found from the message (authWordContext): BSD syslog's with or without a pid, RFC 5424's
// APP-NAME PROCID MSGID STRUCTURED-DATA, journald's JSON fields
const BSD_TAG = new RegExp(`(?:^|[ \\t])(${AUTH_NAME})(?:\\(pam_unix\\))?(?:\\[\\d+\\])?: `, 'g');
const RFC5424_TAG = new RegExp(`^<\\d{1,3}>1 \\S+ \\S+ (${AUTH_NAME}) \\S+ \\S+ (?:-|(?:\\[(?:[^\\]"\\\\]|\\\\.|"(?:[^"\\\\]|\\\\.)*")*\\])+) (?:\u00EF\u00BB\u00BF)?`);
const JOURNAL_TAG = new RegExp(`"SYSLOG_IDENTIFIER":"(${AUTH_NAME})"`);
const JOURNAL_MESSAGE = '"MESSAGE":"';

/** The program and where its message starts: at pos (`sshd[812]: `), or for a hit in authWordContext, in the line's header. */
function authMessageAt(line: string, pos: number): { program: (typeof AUTH_PROGRAMS)[number]; msg: number } | undefined {
  TAG_AT.lastIndex = pos;
  let m = TAG_AT.exec(line);
  if (m) return { program: m[1] as (typeof AUTH_PROGRAMS)[number], msg: pos + m[0].length };
  if (!authWordContext((i) => line.charCodeAt(i), pos)) return undefined;
  BSD_TAG.lastIndex = 0;
  if ((m = BSD_TAG.exec(line)) && m.index < pos) return { program: m[1] as (typeof AUTH_PROGRAMS)[number], msg: m.index + m[0].length };
  if ((m = RFC5424_TAG.exec(line)) && m[0].length <= pos) return { program: m[1] as (typeof AUTH_PROGRAMS)[number], msg: m[0].length };
  const msg = line.indexOf(JOURNAL_MESSAGE);
  if (msg >= 0 && msg < pos && (m = JOURNAL_TAG.exec(line))) return { program: m[1] as (typeof AUTH_PROGRAMS)[number], msg: msg + JOURNAL_MESSAGE.length };
  return undefined;
}

/** The logins a syslog message of one of AUTH_PROGRAMS names (`pos`: the program's name, or a `user` in authWordContext). */
function findAuthLogUsers(line: string, pos: number, ctx: DetectContext, add: Add): void {
  const at = authMessageAt(line, pos);
  if (!at) return;
  for (const re of [...AUTH_MESSAGES[at.program], ...PAM_MESSAGES]) {
    re.lastIndex = at.msg;
    const m = re.exec(line);
    if (!m?.indices) continue;
    for (let g = 1; g < m.length; g++) {
      const span = m.indices[g];
      if (!span) continue;
      usernameFinding(line, { start: span[0], end: span[1], value: m[g], quoted: true }, 'user', ctx, add, 'username.auth-log');
    }
    return;
  }
}

// -------------------------------------------------------------------------------------------- ip

const PACKAGE_EXTENSION = /^\.(?:jar|war|ear|tar|tgz|zip|rpm|deb|whl|exe|dll|msi|dmg|pkg|apk|nupkg|gem)(?![A-Za-z0-9])/i;

function isVersionContext(line: string, start: number, end: number): boolean {
  // `Chrome/120.0.0.0`, `v1.2.3.4`: a product or version token, not an address. A version has no
  // port: Java's `host/93.184.216.34:443` and Cisco ASA's `outside/81.2.69.160(53)` are addresses.
  if (start >= 2 && line[start - 1] === '/' && is(line, start - 2, B_ALNUM) && !((line[end] === ':' || line[end] === '(') && isDigit(line[end + 1]))) return true;
  // Windows' package identities (`Package_for_KB3121255~31bf3856ad364e35~amd64~~6.1.1.0`, CBS.log)
  if (line[start - 1] === '~') return true;
  // a file's version before its extension: `guava-31.1.2.1.jar`, `app-1.0.0.2.tar.gz`
  if (line[end] === '.' && PACKAGE_EXTENSION.test(line.slice(end, end + 8))) return true;
  // `1.2.5.1-2`, `4.2.0.1-rc1`: a package version with a revision suffix.
  if (line[end] === '-' && is(line, end + 1, B_ALNUM)) return true;
  // `version 8.0.0.0`, `build 10.0.2.1`: the word before names a version.
  if (VERSION_KEY_WORDS.has(wordBefore(line, start))) return true;
  const key = keyAt(line, start);
  if (!key) return false;
  if (/\.(?:jar|war|ear)$/i.test(key.key)) return true; // logback packaging data: `[app.jar:1.4.2.7]`
  return normaliseField(key.key).split(/[._]/).some((w) => VERSION_KEY_WORDS.has(w));
}

/** The word (lowercase) that spaces separate from `start`: `build` in `build 10.0.2.1`; '' for none. */
function wordBefore(line: string, start: number): string {
  if (line[start - 1] !== ' ') return '';
  let i = start - 1;
  while (i > 0 && line[i - 1] === ' ' && start - i < 8) i--;
  const w = /([A-Za-z]+)$/.exec(line.slice(Math.max(0, i - 16), i));
  return w ? w[1].toLowerCase() : '';
}

/** Words that name what follows as a network: `on network 5.5.224.0`, `subnet 81.2.69.0`. */
const NETWORK_WORDS = new Set(['network', 'net', 'subnet', 'route', 'prefix']);

/** `10.0.0.0/8`, `2001:db8::/32`: a network whose host bits are all zero names nobody. */
function cidrPrefixAfter(line: string, end: number, max: number): number | undefined {
  if (line[end] !== '/') return undefined;
  const m = /^\/(\d{1,3})(?![0-9A-Za-z_.])/.exec(line.slice(end, end + 5));
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= max ? n : undefined;
}

function isNetwork(b: Uint8Array, prefix: number): boolean {
  if (prefix >= b.length * 8) return false;
  for (let bit = prefix; bit < b.length * 8; bit++) if (b[bit >> 3] & (0x80 >> (bit & 7))) return false;
  return true;
}

function v4Bytes(v: number): Uint8Array {
  return new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}

/** The policy's say on an address (bytes of v4 or v6): a finding rule, or undefined for none. */
function ipVerdict(bytes: Uint8Array, nonRoutable: boolean, line: string, start: number, ctx: DetectContext): { rule: RuleId; field: string; exempt: string } | undefined {
  const p = ctx.policy;
  let rule: RuleId = 'ip.public';
  if (nonRoutable) {
    if (!p.personalRange(bytes)) return undefined;
    rule = 'ip.personal-range';
  }
  if (p.allowedRange(bytes)) return undefined;
  const field = fieldOf(line, start);
  if (rule === 'ip.public' && p.fieldClass(field) === 'infrastructure') return undefined;
  const exempt = field === 'text' ? 'allowedRanges (its range) or --allow ip' : `fields.infrastructure: ${field} (if it names your machines), or allowedRanges`;
  return { rule, field, exempt };
}

/** End of a dotted quad (four 1-3 digit parts) starting at `s`, or -1. */
function quadEnd(line: string, s: number): number {
  let i = s;
  for (let part = 0; part < 4; part++) {
    const start = i;
    while (i - start < 3 && is(line, i, B_DIGIT)) i++;
    if (i === start) return -1;
    if (part < 3) {
      if (line.charCodeAt(i) !== 46) return -1;
      i++;
    }
  }
  return i;
}

function findIPv4At(line: string, pos: number, ctx: DetectContext, add: Add): void {
  let s = pos;
  while (s > 0 && pos - s < 3 && is(line, s - 1, B_DIGIT)) s--;
  if (is(line, s - 1, B_WORD) || line.charCodeAt(s - 1) === 46) return;
  const e = quadEnd(line, s);
  if (e < 0) return;
  if (is(line, e, B_WORD) || (line.charCodeAt(e) === 46 && is(line, e + 1, B_DIGIT))) return;
  const text = line.slice(s, e);
  const v = parseIPv4(text);
  if (v === undefined) return;
  const nonRoutable = isIPv4NonRoutable(v);
  if (nonRoutable && !ctx.policy.source.personalRanges.length) return;
  if (isVersionContext(line, s, e)) return;
  const prefix = cidrPrefixAfter(line, e, 32);
  if (prefix !== undefined && isNetwork(v4Bytes(v), prefix)) return;
  // a network named as one, without its prefix length (loghub's HPC: `on network 5.5.224.0`)
  if ((v & 0xff) === 0 && NETWORK_WORDS.has(wordBefore(line, s))) return;
  const verdict = ipVerdict(v4Bytes(v), nonRoutable, line, s, ctx);
  if (!verdict) return;
  const parts = text.split('.');
  add.add({ category: 'ip', start: s, end: e, norm: formatIPv4(v), redacted: `${parts[0]}.${parts[1]}.x.x`, ...verdict });
}

function findIPv6At(line: string, pos: number, ctx: DetectContext, add: Add): void {
  let s = pos;
  while (s > 0 && pos - s < 45 && is(line, s - 1, B_HEXCOLON)) s--;
  if (s > 0 && is(line, s - 1, B_GZ)) {
    // `src:2400:cb00::1`: a key glued on by one colon; the address starts after it
    let colon = s;
    while (is(line, colon, B_HEX)) colon++;
    if (line[colon] !== ':' || line[colon + 1] === ':') return;
    s = colon + 1;
  }
  let e = pos;
  while (e < line.length && e - s < 46 && is(line, e, B_HEXCOLON)) e++;
  if (e < line.length && is(line, e, B_GZ)) return;
  while (line[e - 1] === '.') e--;
  // `2400:cb00::a29f:1804: connection refused`, an unbracketed `addr:port`: the colon and port
  // after it are not the address's when the whole run is none
  let b = ipv6Candidate(line.slice(s, e));
  if (!b && line[e - 1] === ':' && line[e - 2] !== ':') b = ipv6Candidate(line.slice(s, --e));
  if (!b) {
    // only after an address written in full, or a port no group can be: `2001:db8:::1` is no
    // `2001:db8::` with port 1
    const port = /^(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(:\d{1,5})|.*[0-9A-Fa-f](:\d{5}))$/.exec(line.slice(s, e));
    const p = port?.[1] ?? port?.[2];
    if (p && (b = ipv6Candidate(line.slice(s, e - p.length)))) e -= p.length;
  }
  if (!b) return;
  // an address that is no personal one keeps its IPv4 tail (`fe80::8.8.8.8`) from being read alone
  if (isIPv6NotAnAddress(b)) return add.claim('ip', s, e);
  const prefix = cidrPrefixAfter(line, e, 128);
  if (prefix !== undefined && isNetwork(b, prefix)) return add.claim('ip', s, e);
  const mapped = isV4Mapped(b);
  const bytes = mapped ? v4Bytes(v4FromMapped(b)) : b;
  const verdict = ipVerdict(bytes, isIPv6NonRoutable(b), line, s, ctx);
  if (!verdict) return add.claim('ip', s, e);
  const norm = mapped ? formatIPv4(v4FromMapped(b)) : formatIPv6(b);
  const g = mapped ? norm.split('.') : formatIPv6(b).split(':');
  add.add({ category: 'ip', start: s, end: e, norm, redacted: mapped ? `${g[0]}.${g[1]}.x.x` : `${g[0]}:${g[1]}:x:x:x:x:x:x`, ...verdict });
}

/** The 16 bytes of `text` when it is an IPv6 address written in full, with `::`, or with an IPv4 tail. */
function ipv6Candidate(text: string): Uint8Array | undefined {
  let colons = 0;
  for (let i = 0; i < text.length; i++) if (text[i] === ':') colons++;
  if (colons < 2 || (colons < 7 && !text.includes('::') && !(colons === 6 && text.includes('.')))) return undefined;
  return parseIPv6(text);
}

// ------------------------------------------------------------------------------ cards and phones

function cardRedaction(digits: string): string {
  const last4 = digits.slice(-4);
  if (digits.length === 15) return `**** ****** *${last4}`;
  const groups = Math.ceil((digits.length - 4) / 4);
  return '**** '.repeat(groups) + last4;
}

function phoneRedaction(e164: string): string {
  return `+${'*'.repeat(Math.max(0, e164.length - 3))}${e164.slice(-2)}`;
}


/** Extends a digit run at `pos` over single separators to the whole number-like region. */
function numberRegion(line: string, pos: number): [number, number] {
  let s = pos;
  for (;;) {
    if (s > 0 && isDigit(line[s - 1])) s--;
    else if (s > 1 && is(line, s - 1, B_SEP) && is(line, s - 2, B_DIGIT)) s--;
    else if (s > 2 && is(line, s - 1, B_SEP) && is(line, s - 2, B_SEP) && is(line, s - 3, B_DIGIT)) s -= 2;
    else break;
    if (pos - s > 48) {
      // cut by the limit inside a group: start at the next whole one, never on part of a number
      if (isDigit(line[s - 1])) {
        let i = s;
        while (i < pos && isDigit(line[i])) i++;
        while (i < pos && !isDigit(line[i])) i++;
        s = i;
      }
      break;
    }
  }
  if (line[s - 1] === '(') s--;
  let e = pos;
  for (;;) {
    if (isDigit(line[e])) e++;
    else if (is(line, e, B_SEP) && is(line, e + 1, B_DIGIT)) e++;
    else if (is(line, e, B_SEP) && is(line, e + 1, B_SEP) && is(line, e + 2, B_DIGIT)) e += 2;
    else break;
    if (e - pos > 64) {
      // likewise at the end: the last whole group (findNumberRun reads the rest as a region of its own)
      if (isDigit(line[e])) {
        let i = e;
        while (i > pos && isDigit(line[i - 1])) i--;
        while (i > pos && !isDigit(line[i - 1])) i--;
        if (i > pos) e = i;
      }
      break;
    }
  }
  return [s, e];
}

/** Part of an id: a UUID or hex token around the digits, a dotted version, a word. */
/** `x123`, `ext.123`, `EXT123` at i: a phone extension, which may be glued to its number. */
const EXTENSION_SOURCE = String.raw`(?:[Xx]|[Ee][Xx][Tt])\.?\d`;
const EXTENSION = new RegExp(`^${EXTENSION_SOURCE}`);
const extensionAt = (line: string, i: number) => EXTENSION.test(line.slice(i, i + 5));

function insideToken(line: string, s: number, e: number): boolean {
  const b = line[s - 1];
  const a = line[e];
  if (is(line, s - 1, B_LETTER_) || (is(line, e, B_LETTER_) && !extensionAt(line, e))) return true;
  // `…-a716-446655440000`: a group of a UUID or a hyphenated hex id
  if ((b === '-' || b === ':') && is(line, s - 2, B_HEX)) return true;
  if ((a === '-' || a === ':') && is(line, e + 1, B_HEXLETTER)) return true;
  return false;
}

interface NumberField {
  field: string;
  phone: boolean;
  notCard: boolean;
  numeric: boolean;
  /** An id, code or version field: keeps even a number in a phone's grouping out (`case_id: 415-555-0132`). */
  groupedId: boolean;
}

const CARD_WORDS_BEFORE = /card|uatp|airplus|(?:^|[^a-z])(?:pan|cc)(?:[^a-z]|$)/;

/** Whether the 40 characters before `s`, or the field the number is under, name a card. */
function cardContext(line: string, s: number, ctx: DetectContext): boolean {
  if (CARD_WORDS_BEFORE.test(line.slice(Math.max(0, s - 40), s).toLowerCase())) return true;
  return numberField(line, s, ctx).field.split(/[^a-z0-9]+/).some((w) => CARD_KEY_WORDS.has(w));
}

/** Container keys whose parent names what a number is (`"phone":{"number":…}`, OTLP `intValue`). */
const GENERIC_KEYS = new Set(['number', 'value', 'stringValue', 'intValue', 'e164', 'national', 'nationalNumber', 'raw', 'digits', 'num', 'no', 'international']);

function numberField(line: string, s: number, ctx: DetectContext): NumberField {
  const k = keyAt(line, s);
  let field: string;
  if (k && !GENERIC_KEYS.has(k.key)) {
    // the immediate key decides (cheap); the full path is only worked out for a finding
    field = normaliseField(k.key) || 'text';
  } else {
    field = fieldOf(line, s, false); // access logs have no phone or card fields
  }
  const { numeric, notCard, groupedId } = numberWords(field);
  return { field, phone: !numeric && ctx.policy.isPhoneField(field), notCard, numeric, groupedId };
}

// not followed by a word or more digits, but maybe by a glued extension (`x623`)
const PHONE_END = String.raw`(?!(?!${EXTENSION_SOURCE})[A-Za-z0-9_]|[.-]\d)`;
/**
 * The layouts cards are printed in (the gaps card networks and wallets use): fours with a last
 * group of 2 to 5 (4-4-4-4, 4-4-4-4-3, Diners 4-4-4-2, 4-4-5), Amex's and Diners' 4-6-5 and
 * 4-6-4, or UATP's 4-5-6. A count read out as `7024 5015 150454 240` is none of them.
 */
function cardLayout(groups: readonly { s: number; e: number; d: string }[], i: number, len: number, text: string): boolean {
  for (let k = i + 1; k < i + len; k++) {
    const between = text.slice(groups[k - 1].e, groups[k].s);
    if (between !== ' ' && between !== '-') return false;
  }
  const n = (k: number) => groups[i + k].d.length;
  if (len === 3 && n(0) === 4 && ((n(1) === 6 && (n(2) === 4 || n(2) === 5)) || (n(1) === 5 && n(2) === 6))) return true;
  for (let k = 0; k < len - 1; k++) if (n(k) !== 4) return false;
  return n(len - 1) >= 2 && n(len - 1) <= 5;
}

const RE_PHONE_NANP = new RegExp(`(?<![A-Za-z0-9_.+-])${NANP_GROUPING}${PHONE_END}`, 'g');
const RE_PHONE_NATIONAL = new RegExp(String.raw`(?<![A-Za-z0-9_.+-])(?:\(0\d{1,4}\)|0\d{1,4})(?:[ .-]?\d{2,4}){1,4}` + PHONE_END, 'g');

/** Examines the number-like region around `pos`; returns where the region ends. */
function findNumbersAt(line: string, pos: number, ctx: DetectContext, add: Add): number {
  let [s, e] = numberRegion(line, pos);
  const regionEnd = e;
  if (line[s] === '(' ? line[s - 1] === '+' : line[s - 1] === '+') return e; // `+1 …`: the + detector's
  // query strings' `phone=%2B14155552671`, .NET's JSON `"phone":"\u002B14155552671"`
  const encoded = /%2[Bb]$|\\u002[Bb]$/.exec(line.slice(Math.max(0, s - 6), s));
  if (encoded) {
    encodedPlusPhone(line, s - encoded[0].length, s, e, ctx, add);
    return e;
  }
  // digits glued to a word (`visa13 4222…`, `a716-4466…`) are not a number; the groups after may be
  while (s < e && insideToken(line, s, e)) {
    if (is(line, e, B_LETTER_) || ((line[e] === '-' || line[e] === ':') && is(line, e + 1, B_HEXLETTER))) return regionEnd;
    let i = s;
    while (i < e && isDigit(line[i])) i++;
    while (i < e && !isDigit(line[i])) i++;
    if (i >= e || i === s) return regionEnd;
    s = i;
  }
  let digitsAll = 0;
  for (let i = s; i < e; i++) if (is(line, i, B_DIGIT)) digitsAll++;
  const bare = digitsAll === e - s;
  // a bare run of 7-12 digits is a phone only under a phone field; a bare 13+ run starting with
  // 0, 1 or 7 (epoch milliseconds, nanoseconds) is no card: decide those without more work
  const uatp = digitsAll === 15 && line[s] === '1' && cardContext(line, s, ctx);
  if (bare && (digitsAll < 13 || !is(line, s, B_CARD_START)) && !uatp) {
    if (digitsAll > 15) return regionEnd;
    // a field's whole value follows `key=`/`"key":` or opens a quoted string; mid-text it is no field
    if (line.charCodeAt(s - 1) !== 34 && !keyAt(line, s)) return regionEnd;
    const f = numberField(line, s, ctx);
    if (!f.phone) return regionEnd;
  }
  const text = line.slice(s, e);
  let nf: NumberField | undefined;

  // Cards: left to right, the longest run of digit groups that validates, so two cards
  // separated by a space are both found and a card next to other numbers still is.
  if (digitsAll >= 13 && line[s - 1] !== '.' && line[s - 1] !== '-' && !(line[e] === '.' && isDigit(line[e + 1]))) {
    const groups: { s: number; e: number; d: string }[] = [];
    const re = /\d+/g;
    let g: RegExpExecArray | null;
    while ((g = re.exec(text))) groups.push({ s: g.index, e: g.index + g[0].length, d: g[0] });
    for (let i = 0; i < groups.length; ) {
      let took = 0;
      for (let len = Math.min(groups.length - i, 8); len >= 1 && !took; len--) {
        let digits = '';
        for (let k = i; k < i + len; k++) digits += groups[k].d;
        if (digits.length < 13 || digits.length > 19 || !(cardNetwork(digits) ? luhnValid(digits) : uatp && isUatp(digits))) continue;
        // only ' ' or '-' separate card groups, one character each, and groups are printed as
        // cards print them, so the numbers of a flow log or a metrics dump are not glued into one
        if (len > 1 && !cardLayout(groups, i, len, text)) continue;
        nf ??= numberField(line, s, ctx);
        if (i === 0 && nf.notCard) continue;
        add.add({
          category: 'card',
          start: s + groups[i].s,
          end: s + groups[i + len - 1].e,
          norm: digits,
          redacted: cardRedaction(digits),
          field: fieldOf(line, s + groups[i].s),
          rule: 'card.pan',
          exempt: '--allow card (test cards only)',
        });
        took = len;
      }
      i += took || 1;
    }
  }

  // Phones. Under a phone field: a phone number's shape is enough (fail closed).
  if (digitsAll >= 7 && digitsAll <= 15) {
    const f = (nf ??= numberField(line, s, ctx));
    if (f.phone && !/[.]\d{1,2}$/.test(text) && !dateUnderPhone(line, s, e)) {
      const e164 = phoneShape(text, phoneCountriesFor(line, ctx));
      if (e164) {
        add.add({ category: 'phone', start: s, end: e, norm: e164, redacted: phoneRedaction(e164), field: fieldOf(line, s), rule: 'phone.field', exempt: '--allow phone (a known test number)' });
        return e;
      }
    }
    if (f.numeric && (bare || f.groupedId) && keyAt(line, s)) return e;
  }
  // Outside phone fields: written as a national number of a policy country, and valid there.
  const countries = ctx.policy.phoneCountries;
  const window = line.slice(0, e);
  if (countries.some((c) => NANP.has(c))) {
    RE_PHONE_NANP.lastIndex = Math.max(0, s - 0);
    let m: RegExpExecArray | null;
    while ((m = RE_PHONE_NANP.exec(window)) && m.index < e) {
      const e164 = validPhone(m[0], countries.filter((c) => NANP.has(c)));
      if (e164 && !glued(line, m.index, m.index + m[0].length)) addNational(line, m.index, m.index + m[0].length, e164, ctx, add);
    }
  }
  const others = countries.filter((c) => !NANP.has(c));
  if (others.length) {
    RE_PHONE_NATIONAL.lastIndex = s;
    let m: RegExpExecArray | null;
    while ((m = RE_PHONE_NATIONAL.exec(window)) && m.index < e) {
      const e164 = validPhone(m[0], others);
      if (e164 && !glued(line, m.index, m.index + m[0].length)) addNational(line, m.index, m.index + m[0].length, e164, ctx, add);
    }
  }
  iddPhone(line, s, e, ctx, add);
  return e;
}

// `2014-04-12 04:04 PM`, `2012/01/02`, `20120102 08:00`: a date (and time), not a phone shape
const DATE_START = /^(?:19|20)\d\d([-/.]?)(?:0[1-9]|1[0-2])\1(?:0[1-9]|[12]\d|3[01])(?!\d)/;
function dateUnderPhone(line: string, s: number, e: number): boolean {
  const m = DATE_START.exec(line.slice(s, e));
  // a compact date is one only with a time after it: `2012010208` may be a number
  return !!m && (m[1] !== '' || line[e] === ':');
}

// `011 44 20 7946 0958`, `0044 20 7946 0958`, `011-49-30-1234567`: the prefix, the country code as a
// group of its own, the rest grouped; the whole number-like region, nothing glued before or after
const RE_IDD = /^(?:011|00)[ .-]?([1-9]\d{0,2})(?:[ .-]|[ .-]?\(0\))\d/;

/**
 * A number dialled with an international prefix instead of `+`, in free text: the country code
 * stands as its own group (E.123's international grouping) and what follows it is valid, so a
 * zero-padded id or a byte dump that happens to start with `00` is not read as one. A number the
 * policy's countries already read nationally (Argentina's `011` is Buenos Aires) was found above.
 */
function iddPhone(line: string, s: number, e: number, ctx: DetectContext, add: Add): void {
  if (line.charCodeAt(s) !== 48 || is(line, s - 1, B_WORD) || /[.+\-/:]/.test(line[s - 1] ?? '')) return;
  const text = line.slice(s, e);
  const m = RE_IDD.exec(text);
  if (!m) return;
  const plus = iddAsPlus(text);
  const e164 = plus && validPhone(plus);
  if (!e164 || callingCode(e164) !== m[1]) return;
  const f = numberField(line, s, ctx);
  if (f.groupedId && !f.phone) return;
  add.add({ category: 'phone', start: s, end: e, norm: e164, redacted: phoneRedaction(e164), field: fieldOf(line, s), rule: f.phone ? 'phone.field' : 'phone.international', exempt: '--allow phone (a known test number)' });
}

function encodedPlusPhone(line: string, start: number, digits: number, end: number, ctx: DetectContext, add: Add): void {
  const text = '+' + line.slice(digits, end);
  const e164 = validPhone(text) ?? (numberField(line, start, ctx).phone ? phoneShape(text, ctx.policy.phoneCountries) : undefined);
  if (e164) add.add({ category: 'phone', start, end, norm: e164, redacted: phoneRedaction(e164), field: fieldOf(line, start), rule: validPhone(text) ? 'phone.international' : 'phone.field', exempt: '--allow phone (a known test number)' });
}

function addNational(line: string, start: number, end: number, e164: string, ctx: DetectContext, add: Add): void {
  const f = numberField(line, start, ctx);
  if (f.numeric && !f.phone && (f.groupedId || /^\d+$/.test(line.slice(start, end)))) return;
  add.add({ category: 'phone', start, end, norm: e164, redacted: phoneRedaction(e164), field: fieldOf(line, start), rule: f.phone ? 'phone.field' : 'phone.national', exempt: '--allow phone (a known test number)' });
}

const RE_COUNTRY = /\\?"(?:country|country_code|countryCode|country_iso|region_code)\\?"\s*:\s*\\?"([A-Za-z]{2})\\?"/;

/** The policy's countries, plus the country the record itself names (`"country":"GB"`) if any. */
function phoneCountriesFor(line: string, ctx: DetectContext): readonly CountryCode[] {
  const m = RE_COUNTRY.exec(line);
  if (!m) return ctx.policy.phoneCountries;
  const c = m[1].toUpperCase() as CountryCode;
  return ctx.policy.phoneCountries.includes(c) ? ctx.policy.phoneCountries : [c, ...ctx.policy.phoneCountries];
}

const RE_PHONE_PLUS = /\+\d[\d .()-]{5,22}\d(?!\d)/y;

/** `+` with groups: try the longest run of groups that validates (or, under a phone field, has the shape). */
function findPlusPhoneAt(line: string, pos: number, ctx: DetectContext, add: Add): void {
  if (pos > 0 && is(line, pos - 1, B_PLUSWORD)) return;
  // digits of other scripts (`+٤٤٣٣…`, fullwidth `+１…`) are read as libphonenumber reads them
  const wide = line.charCodeAt(pos + 1) >= 0x80 ? asciiNumber(line, pos) : undefined;
  const source = wide ? wide.text : line;
  const from = wide ? 0 : pos;
  /** Offset in the line just past the `n`-th character of what was matched. */
  const endAt = (n: number) => (wide ? wide.ends[n - 1] : pos + n);
  RE_PHONE_PLUS.lastIndex = from;
  const m = RE_PHONE_PLUS.exec(source);
  if (!m) return;
  const text = m[0];
  if (/[ .()-]{3,}|\.\./.test(text)) return;
  const cuts: number[] = [];
  const re = /\d(?=[^\d]|$)/g;
  let g: RegExpExecArray | null;
  while ((g = re.exec(text))) cuts.push(g.index + 1);
  // glued to a word after it (`+14156667777def`: an id), unless that is an extension (`x123`)
  const after = endAt(text.length);
  const gluedWord = (is(line, after, B_LETTER_) && !extensionAt(line, after)) || gluedAfter(line, after);
  for (let k = cuts.length - 1; k >= 0; k--) {
    if (gluedWord && cuts[k] === text.length) continue;
    const e164 = validPhone(text.slice(0, cuts[k]));
    if (e164) {
      add.add({ category: 'phone', start: pos, end: endAt(cuts[k]), norm: e164, redacted: phoneRedaction(e164), field: fieldOf(line, pos), rule: 'phone.international', exempt: '--allow phone (a known test number)' });
      return;
    }
  }
  const f = numberField(line, pos, ctx);
  if (!f.phone) return;
  const e164 = phoneShape(text, ctx.policy.phoneCountries);
  if (e164) add.add({ category: 'phone', start: pos, end: endAt(text.length), norm: e164, redacted: phoneRedaction(e164), field: fieldOf(line, pos), rule: 'phone.field', exempt: '--allow phone (a known test number)' });
}

/**
 * What no phone number is written glued to, as libphonenumber judges it (the line is
 * latin1-decoded UTF-8, so these are read as their bytes). Before a number that starts with a
 * digit: a Latin letter outside ASCII (`É415-666-7777`, a combining accent) or a currency sign
 * (`$`, `£`, `¥`, `€`); one that opens with `(` or `+` may follow anything (`É(415)6667777`).
 */
function gluedBefore(line: string, start: number): boolean {
  if (line[start] === '(' || line[start] === '+' || start === 0) return false;
  const b1 = line.charCodeAt(start - 1);
  const b2 = line.charCodeAt(start - 2);
  if (b1 === 36) return true;
  if (b1 < 0x80 || b1 > 0xbf) return false;
  if (b2 >= 0xc3 && b2 <= 0xc5) return true; // À-ž
  if (b2 === 0xcc || b2 === 0xcd) return true; // a combining mark, on the letter before it
  if (b2 === 0xc2 && b1 >= 0xa2 && b1 <= 0xa5) return true; // ¢ £ ¤ ¥
  return b2 === 0x82 && line.charCodeAt(start - 3) === 0xe2; // U+20A0-20BF, € among them
}

/** After a number (`end` just past it): those, or a percent sign. */
function gluedAfter(line: string, end: number): boolean {
  const a0 = line.charCodeAt(end);
  const a1 = line.charCodeAt(end + 1);
  if (a0 === 36 || a0 === 37) return true;
  if (a1 >= 0x80 && a1 <= 0xbf && ((a0 >= 0xc3 && a0 <= 0xc5) || (a0 === 0xc2 && a1 >= 0xa2 && a1 <= 0xa5))) return true;
  return a0 === 0xe2 && a1 === 0x82;
}

const glued = (line: string, start: number, end: number) => gluedBefore(line, start) || gluedAfter(line, end);

const WIDE_PUNCT: Record<number, string> = { 0x88: '(', 0x89: ')', 0x8d: '-', 0x8e: '.' };

/**
 * The `+` number at `pos` with Arabic-Indic (U+0660-0669, U+06F0-06F9) and fullwidth digits and
 * punctuation (U+FF10-FF19, `－（）．`, the ideographic space) written as ASCII; the line is
 * latin1-decoded UTF-8. `ends[k]` is the line offset just past the k-th character of `text`.
 */
function asciiNumber(line: string, pos: number): { text: string; ends: number[] } {
  let text = '+';
  const ends = [pos + 1];
  for (let i = pos + 1; i < line.length && text.length < 26; ) {
    const c = line.charCodeAt(i);
    const c1 = line.charCodeAt(i + 1);
    const c2 = line.charCodeAt(i + 2);
    let ch: string;
    let w = 1;
    if ((c >= 48 && c <= 57) || c === 32 || c === 40 || c === 41 || c === 45 || c === 46) ch = line[i];
    else if (c === 0xd9 && c1 >= 0xa0 && c1 <= 0xa9) [ch, w] = [String(c1 - 0xa0), 2];
    else if (c === 0xdb && c1 >= 0xb0 && c1 <= 0xb9) [ch, w] = [String(c1 - 0xb0), 2];
    else if (c === 0xef && c1 === 0xbc && c2 >= 0x90 && c2 <= 0x99) [ch, w] = [String(c2 - 0x90), 3];
    else if (c === 0xef && c1 === 0xbc && WIDE_PUNCT[c2]) [ch, w] = [WIDE_PUNCT[c2], 3];
    else if (c === 0xe3 && c1 === 0x80 && c2 === 0x80) [ch, w] = [' ', 3];
    else break;
    text += ch;
    i += w;
    ends.push(i);
  }
  return { text, ends };
}
