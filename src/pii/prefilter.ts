// The byte-level prefilter: finds candidate positions in raw log bytes without decoding them,
// and drops the candidates detection would certainly reject, so a realistic clean line costs
// no decoding and no detector call.
//  - The SIMD kernel (src/pii/wasm/stretches.wat) reads the range 64 bytes a step and reports
//    number stretches, regions dense in colons and the sparse anchors (`@`, `%40`, `+digit`,
//    `::`, username key words); it already drops dates, epochs, private quads and unkeyed runs.
//  - What it reports is judged here on bytes; `@` and username words by detection's own checks
//    (the `vet*` options), so what the prefilter drops detection would drop too.
//  - Without the kernel (no WebAssembly SIMD, a range over 1 MiB) the same judgements run over
//    JavaScript passes: a word-at-a-time (SWAR) pass for numbers, native `indexOf` for anchors.
//  - Access-log users are one check per line start, in both.
import { ByteMemo } from './byte-memo.ts';
import { WASM_BASE64 } from './wasm/stretches.wasm.ts';

export const K_NUMBER = 2;
export const K_AT = 3;
export const K_PCT40 = 4;
export const K_PLUS = 5;
export const K_V6 = 6;
export const K_WORD = 7;
export const K_ACCESS_USER = 8;
export const K_AUTH_USER = 9;

/** Digits and the separators a number is written with: space ( ) - . */
const NUMISH = new Uint8Array(256);
const DIGIT = new Uint8Array(256);
/** Hex digits, ':' and '.': what an IPv6 address (IPv4-embedded too) is written with. */
const HEXCOLON = new Uint8Array(256);
const HEXCOLON_ONLY = new Uint8Array(256);
/** After `+`: what the international number detector reads. */
const PLUS_BODY = new Uint8Array(256);
/** Before `+`: glued to a word or another `+`, the `+` starts no number. */
const PLUS_WORD = new Uint8Array(256);
for (let c = 48; c <= 57; c++) DIGIT[c] = NUMISH[c] = HEXCOLON[c] = HEXCOLON_ONLY[c] = PLUS_BODY[c] = PLUS_WORD[c] = 1;
for (const c of ' ().-') NUMISH[c.charCodeAt(0)] = PLUS_BODY[c.charCodeAt(0)] = 1;
for (const c of 'abcdefABCDEF:') HEXCOLON[c.charCodeAt(0)] = HEXCOLON_ONLY[c.charCodeAt(0)] = 1;
HEXCOLON[46] = 1;
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_+') PLUS_WORD[c.charCodeAt(0)] = 1;

export interface Prefilter {
  /**
   * Appends `pos * 16 + kind` for every candidate in `buf[from, to)` to `hits` (positions
   * relative to `from`, unsorted). `from` is a line start (or the start of a segment of a very
   * long line); newlines are left to the caller.
   */
  scan(buf: Buffer, from: number, to: number, hits: number[]): void;
  /**
   * How many newlines bytes [a, b) of the range last scanned hold (offsets relative to its
   * start), counted by the kernel on its copy; -1 when the kernel did not scan it.
   */
  newlines(a: number, b: number): number;
}

export interface PrefilterOptions {
  /** Words of phone field names (`phone`, `mobile`, ...): a bare digit run under another key is no candidate. */
  phoneWords: readonly string[];
  /** The policy calls some non-routable ranges personal: private addresses stay candidates. */
  keepPrivate: boolean;
  /** The policy reads national numbers with a trunk `0` (non-NANP countries): keep runs that could be one. */
  nationalTrunk: boolean;
  /** The policy reads NANP national numbers ((NPA) NXX-XXXX): keep grouped runs of that shape. */
  nanp: boolean;
  /** Detection's check of an `@` at `at` (bytes of the range): could an address be found there? */
  vetAt?: (buf: Buffer, at: number) => boolean;
  /** Detection's check of a username word at `pos`: could its key hold a username? */
  vetWord?: (buf: Buffer, pos: number) => boolean;
  /** Find number stretches with the WebAssembly SIMD kernel (default), or in JavaScript only. */
  simd?: boolean;
}

const DEFAULT_OPTIONS: PrefilterOptions = { phoneWords: ['phone', 'mobile', 'msisdn', 'tel', 'cell', 'contact'], keepPrivate: false, nationalTrunk: false, nanp: true };

/** Generic value keys whose parent names the number (`"phone":{"number":…}`, OTLP `intValue`). */
const GENERIC_VALUE_KEYS = ['number', 'value', 'stringvalue', 'intvalue', 'e164', 'national', 'nationalnumber', 'raw', 'digits', 'num', 'no', 'international'];

// Needles as bytes: Buffer#indexOf would encode a string needle on every call.
const PCT40 = Buffer.from('%40', 'latin1');
const DOUBLE_COLON = Buffer.from('::', 'latin1');

/** Builds the prefilter for a policy's username key words (lowercase ASCII). */
export function prefilterFor(words: readonly string[], options: Partial<PrefilterOptions> = {}): Prefilter {
  const opts: PrefilterOptions = { ...DEFAULT_OPTIONS, ...options };
  const keep = makeKeep(opts);
  const { vetAt, vetWord } = opts;
  const policyWords = [...new Set(words.map((w) => w.toLowerCase()))];
  // the policy's words, then `user` when they lack it: authentication messages without a
  // `[pid]` tag are found from it (authWordAt)
  const lowerWords = [...policyWords, ...(policyWords.includes(AUTH_WORD) ? [] : [AUTH_WORD])].map((w) => Buffer.from(w, 'latin1'));
  const isPolicyWord = lowerWords.map((w) => policyWords.includes(w.toString('latin1')));
  const authWord = lowerWords.findIndex((w) => w.toString('latin1') === AUTH_WORD);
  // per word: its first four letters, each repeated over 16 bytes, then how many of them count
  const wordTable = new Uint8Array(lowerWords.length * KERNEL_WORD_BYTES);
  lowerWords.forEach((w, j) => {
    for (let k = 0; k < Math.min(4, w.length); k++) wordTable.fill(w[k], j * KERNEL_WORD_BYTES + k * 16, j * KERNEL_WORD_BYTES + k * 16 + 16);
    wordTable[j * KERNEL_WORD_BYTES + 64] = Math.min(4, w.length);
    wordTable[j * KERNEL_WORD_BYTES + 65] = Math.min(4, w.length) - 1;
  });
  const wordRe = new RegExp(lowerWords.map((w) => w.toString('latin1').replace(/[^a-z0-9]/g, '')).join('|'), 'gi');
  const policyWordSet = new Set(policyWords.map((w) => w.replace(/[^a-z0-9]/g, '')));
  const jsPasses = (v: Buffer, hits: number[]) => {
    numberPassJs(v, keep, hits);
    for (let i = v.indexOf(64); i >= 0; i = v.indexOf(64, i + 1)) if (atCandidate(v, i) && (!vetAt || vetAt(v, i))) hits.push(i * 16 + K_AT);
    for (let i = v.indexOf(PCT40); i >= 0; i = v.indexOf(PCT40, i + 3)) hits.push(i * 16 + K_PCT40);
    for (let i = v.indexOf(43); i >= 0; i = v.indexOf(43, i + 1)) if (plusCandidate(v, i)) hits.push(i * 16 + K_PLUS);
    for (let i = v.indexOf(DOUBLE_COLON); i >= 0; i = v.indexOf(DOUBLE_COLON, i + 1)) {
      hits.push(i * 16 + K_V6);
      while (v[i + 2] === 58) i++;
    }
    // keys in any case, as the kernel reads them
    const text = v.toString('latin1');
    wordRe.lastIndex = 0;
    for (let m = wordRe.exec(text); m; m = wordRe.exec(text)) {
      const w = m[0].toLowerCase();
      if (w === AUTH_WORD) authWordAt(v, m.index, hits);
      if (policyWordSet.has(w) && (!vetWord || vetWord(v, m.index))) hits.push(m.index * 16 + K_WORD);
    }
  };
  const useKernel = opts.simd !== false && lowerWords.length <= MAX_KERNEL_WORDS && lowerWords.every((w) => w.length >= 2);
  // the kernel holding the range last scanned, while no other scan has replaced its copy
  let scanned: Kernel | null = null;
  let scannedGen = 0;
  return {
    scan(buf, from, to, hits) {
      scanned = null;
      if (to <= from) return;
      const v = buf.subarray(from, to);
      const k = useKernel && v.length <= KERNEL_INPUT ? loadKernel() : null;
      if (k && kernelPass(k, v, keep, wordTable, lowerWords, isPolicyWord, authWord, opts, hits)) {
        scanned = k;
        scannedGen = k.gen;
      } else jsPasses(v, hits);
      bracketCandidates(v, hits);
    },
    newlines(a, b) {
      return scanned && scanned.gen === scannedGen ? scanned.newlines(a, b) : -1;
    },
  };
}

/** `x@`: something that could end a local part precedes it (`"@timestamp"` is a key, not an address). */
function atCandidate(v: Buffer, i: number): boolean {
  if (i === 0) return false;
  const p = v[i - 1];
  // a quoted local part ends in a quote: `"john doe"@example.com`, but `{"@timestamp` opens a key
  if (p === 34) return i >= 2 && v[i - 2] !== 123 && v[i - 2] !== 44 && v[i - 2] !== 91 && v[i - 2] !== 58 && v[i - 2] !== 10;
  return !(p <= 32 || p === 123 || p === 91 || p === 44 || p === 58 || p === 40 || p === 60 || p === 92);
}

/** `+` then digits long enough for an international number (`+0000]`, a time zone, is not). */
function plusCandidate(v: Buffer, i: number): boolean {
  if (i > 0 && PLUS_WORD[v[i - 1]]) return false;
  // Arabic-Indic or fullwidth digits (UTF-8 lead bytes): detection reads them
  if (v[i + 1] === 0xd9 || v[i + 1] === 0xdb || v[i + 1] === 0xef) return true;
  if (!DIGIT[v[i + 1]]) return false;
  // the + detector reads `\+\d[\d .()-]{5,22}\d`: a digit 7 to 24 characters after the +
  const limit = Math.min(v.length, i + 25);
  for (let j = i + 1; j < limit && PLUS_BODY[v[j]]; j++) if (j - i >= 7 && DIGIT[v[j]]) return true;
  return false;
}

/** Whitespace as a regex's `\s` reads it in ASCII (tokens of an access log are `\S+`). */
const WS = new Uint8Array(256);
for (const c of [9, 10, 11, 12, 13, 32]) WS[c] = 1;

/** Programs whose syslog messages name a login (`sshd[812]: Accepted publickey for alice`). */
export const AUTH_PROGRAMS = ['sshd', 'sudo', 'su', 'systemd-logind', 'login', 'passwd', 'useradd', 'userdel', 'usermod', 'CRON', 'crond'] as const;
const AUTH_NAMES = new Set<string>(AUTH_PROGRAMS);

/**
 * The word authentication messages without a `[pid]` tag are found from, and what must stand
 * around it (before, after): sudo's command line (`; USER=root ;`) and PAM's session line
 * (`session opened for user root`). Detection then reads the line's syslog header, RFC 5424's
 * or journald's for the program (one source for both sides: authWordContext).
 */
export const AUTH_WORD = 'user';
export const AUTH_WORD_CONTEXTS: readonly (readonly [string, string])[] = [['; ', '='], ['for ', ' ']];

/** Whether `user` (any case) at pos stands in one of AUTH_WORD_CONTEXTS; `at(i)` reads a byte. */
export function authWordContext(at: (i: number) => number, pos: number): boolean {
  return AUTH_WORD_CONTEXTS.some(([before, after]) => {
    if (at(pos + AUTH_WORD.length) !== after.charCodeAt(0)) return false;
    for (let k = 1; k <= before.length; k++) if (at(pos - k) !== before.charCodeAt(before.length - k)) return false;
    return true;
  });
}

const AUTH_WORD_NEXT = new Uint8Array(256);
for (const [, after] of AUTH_WORD_CONTEXTS) AUTH_WORD_NEXT[after.charCodeAt(0)] = 1;

function authWordAt(v: Buffer, pos: number, hits: number[]): void {
  // most `user`s are keys' (`user_agent`, `"user":`): one byte rules them out
  if (AUTH_WORD_NEXT[v[pos + AUTH_WORD.length]] && authWordContext((i) => v[i], pos)) hits.push(pos * 16 + K_AUTH_USER);
}

/**
 * The candidates a `[` starts, found from each one (memchr): nginx/Apache `addr ident user
 * [time] "`, when a space precedes the `[` and `] "` (or JSON's `] \"`) closes it within 64
 * bytes: the user token, read back over three tokens to the line's start or a space (a
 * container runtime's or syslog's prefix before the record: detection decides which); a user
 * of `-` is nobody. And a syslog tag of an authentication program, `sshd[812]: `: its name.
 */
function bracketCandidates(v: Buffer, hits: number[]): void {
  for (let p = v.indexOf(91); p >= 0; p = v.indexOf(91, p + 1)) {
    if (v[p - 1] !== 32) {
      authProgramAt(v, p, hits);
      continue;
    }
    const q = v.indexOf(93, p + 1);
    if (q < 0 || q - p > 65 || v[q + 1] !== 32 || (v[q + 2] !== 34 && !(v[q + 2] === 92 && v[q + 3] === 34))) continue;
    let i = p - 2;
    while (i >= 0 && !WS[v[i]]) i--;
    const user = i + 1;
    if (user > p - 2 || v[i] !== 32 || (user === p - 2 && v[user] === 45)) continue;
    const identEnd = --i;
    while (i >= 0 && !WS[v[i]]) i--;
    if (i === identEnd || v[i] !== 32) continue;
    const addrEnd = --i;
    while (i >= 0 && !WS[v[i]]) i--;
    if (i === addrEnd || (i >= 0 && v[i] !== 10 && v[i] !== 32)) continue;
    hits.push(user * 16 + K_ACCESS_USER);
  }
}

/** `name[pid]: ` with the `[` at p and the name one of AUTH_PROGRAMS, after a space or at the line's start. */
function authProgramAt(v: Buffer, p: number, hits: number[]): void {
  let q = p + 1;
  while (DIGIT[v[q]] && q - p <= 10) q++;
  if (q === p + 1 || v[q] !== 93 || v[q + 1] !== 58 || v[q + 2] !== 32) return;
  let n = p;
  while (n > 0 && p - n < 14 && (((v[n - 1] | 0x20) >= 97 && (v[n - 1] | 0x20) <= 122) || v[n - 1] === 45)) n--;
  if (n === p || (n > 0 && v[n - 1] !== 32 && v[n - 1] !== 10)) return;
  if (AUTH_NAMES.has(v.toString('latin1', n, p))) hits.push(n * 16 + K_AUTH_USER);
}

type Keep = (buf: Buffer, start: number, end: number, digits: number, dots: number) => boolean;

const H = 0x80808080 | 0;
const words32 = new WeakMap<ArrayBufferLike, Uint32Array>();

/**
 * The word-at-a-time pass. A candidate number (7+ digits, or a dotted quad) is a stretch of at
 * least 7 digit-or-separator bytes, so it holds at least one whole aligned 4-byte word made only
 * of those bytes; an IPv6 address without `::` (6+ colons) likewise holds an aligned word of hex
 * digits and a colon. Every other word is skipped with a few integer operations.
 */
function numberPassJs(v: Buffer, keep: Keep, hits: number[]): void {
  const len = v.length;
  const base = v.byteOffset;
  const first = (base + 3) & ~3; // first aligned byte (absolute)
  const nWords = (base + len - first) >> 2;
  if (nWords <= 0) return;
  let u32 = words32.get(v.buffer);
  if (!u32) {
    u32 = new Uint32Array(v.buffer, 0, v.buffer.byteLength >> 2);
    words32.set(v.buffer, u32);
  }
  const w0 = first >> 2;
  const rel0 = first - base; // offset in v of word 0
  let doneTo = 0; // bytes before this are examined for numbers
  let colonsTo = 0; // and for colon chains
  for (let w = 0; w < nWords; w++) {
    const x = u32[w0 + w];
    const L = x & 0x7f7f7f7f;
    const hi = x & H;
    const ge3a = (L + 0x46464646) & H;
    const ge30 = (L + 0x50505050) & H;
    if ((ge3a | hi) === 0) {
      // every byte below ':' — digits and separators only?
      if (((L + 0x60606060) & H) !== H || ge30 === 0) continue; // a control byte, or no digit
      const r = rel0 + (w << 2);
      if (!(NUMISH[v[r]] & NUMISH[v[r + 1]] & NUMISH[v[r + 2]] & NUMISH[v[r + 3]])) continue;
      let s = r;
      while (s > doneTo && NUMISH[v[s - 1]]) s--;
      let e = r + 4;
      while (e < len && NUMISH[v[e]]) e++;
      if (e - s >= 7) numberRuns(v, s, e, keep, hits);
      doneTo = e;
      w = (e - rel0) >> 2; // the word holding byte e is not all digits; the loop steps past it
      continue;
    }
    // hex digits and ':' only, with a colon: part of a long colon chain?
    if (ge30 !== H || hi !== 0 || ((L + 0x19191919) & H) !== 0 || (ge3a & ~((L + 0x45454545) & H)) === 0) continue;
    const r = rel0 + (w << 2);
    if (r < colonsTo || !(HEXCOLON_ONLY[v[r]] & HEXCOLON_ONLY[v[r + 1]] & HEXCOLON_ONLY[v[r + 2]] & HEXCOLON_ONLY[v[r + 3]])) continue;
    let s = r;
    while (s > colonsTo && HEXCOLON[v[s - 1]]) s--;
    let e = r + 4;
    while (e < len && HEXCOLON[v[e]]) e++;
    colonStretch(v, s, e, hits);
    // no jump: a number stretch may start inside this one (`0:59..15`)
    colonsTo = e;
  }
}

/** A stretch of hex digits, colons and dots: detection reads an address without `::` only with 7 colons (6 before an embedded IPv4). */
function colonStretch(v: Buffer, s: number, e: number, hits: number[]): void {
  let colons = 0;
  for (let i = s; i < e; i++) if (v[i] === 58) colons++;
  if (colons >= 6) hits.push(s * 16 + K_V6);
}

// The SIMD kernel (src/pii/wasm/stretches.wat): input at offset 0, then the words, then pairs out.
const KERNEL_INPUT = 1 << 20;
const MAX_KERNEL_WORDS = 64;
const KERNEL_WORD_BYTES = 80;
// (the kernel reads bytes before its input from KERNEL_INPUT + 100: past the input's 80 bytes of
// zero padding and short of the words, so never written)
const KERNEL_WORDS = KERNEL_INPUT + 128;
const KERNEL_OUT = KERNEL_WORDS + MAX_KERNEL_WORDS * KERNEL_WORD_BYTES;

// The few WebAssembly names used here (Node's types declare the namespace without them).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};

interface Kernel {
  mem: Uint8Array;
  out: Int32Array;
  cap: number;
  scan: (len: number, out: number, cap: number, words: number, nwords: number, flags: number) => number;
  newlines: (a: number, b: number) => number;
  /** Bumped by every pass: which range the memory holds. */
  gen: number;
}
let kernel: Kernel | null | undefined;

/** The kernel, instantiated once per thread; null where WebAssembly SIMD is not available. */
function loadKernel(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64')));
    const memory = instance.exports.memory as { buffer: ArrayBuffer };
    kernel = {
      mem: new Uint8Array(memory.buffer),
      out: new Int32Array(memory.buffer, KERNEL_OUT),
      cap: (memory.buffer.byteLength - KERNEL_OUT) >> 3,
      scan: instance.exports.scan as Kernel['scan'],
      newlines: instance.exports.newlines as Kernel['newlines'],
      gen: 0,
    };
  } catch {
    kernel = null;
  }
  return kernel;
}

/**
 * One pass of the SIMD kernel over `v`, each thing it reports judged as the JavaScript passes
 * judge it. False (nothing added) when its output fills up: the caller runs those passes instead.
 */
function kernelPass(k: Kernel, v: Buffer, keep: Keep, wordTable: Uint8Array, words: readonly Buffer[], isPolicyWord: readonly boolean[], authWord: number, opts: PrefilterOptions, hits: number[]): boolean {
  k.gen++;
  k.mem.set(v, 0);
  k.mem.fill(0, v.length, v.length + 80);
  k.mem.set(wordTable, KERNEL_WORDS);
  const n = k.scan(v.length, KERNEL_OUT, k.cap, KERNEL_WORDS, words.length, (opts.keepPrivate ? 1 : 0) | (opts.nationalTrunk ? 2 : 0));
  if (n < 0) return false;
  const out = k.out;
  const { vetAt, vetWord } = opts;
  let colonsTo = 0;
  for (let i = 0; i < n; i++) {
    const a = out[2 * i];
    const b = out[2 * i + 1];
    if (a >= 0) {
      numberRuns(v, a, b, keep, hits);
      continue;
    }
    const pos = a & 0xffffff;
    switch ((a >>> 24) & 0x7f) {
      case 1: {
        // a region dense in colons: the hex-and-colon stretches that touch it
        const end = Math.min(b, v.length);
        let p = Math.max(pos, colonsTo);
        while (p > colonsTo && HEXCOLON[v[p - 1]]) p--;
        while (p < end) {
          while (p < end && !HEXCOLON[v[p]]) p++;
          if (p >= end) break;
          let q = p + 1;
          while (q < v.length && HEXCOLON[v[q]]) q++;
          colonStretch(v, p, q, hits);
          p = q;
        }
        colonsTo = Math.max(colonsTo, p);
        break;
      }
      case 2:
        // the kernel's atOk and plusOk already judged as atCandidate and plusCandidate do
        if (!vetAt || vetAt(v, pos)) hits.push(pos * 16 + K_AT);
        break;
      case 3:
        hits.push(pos * 16 + K_PCT40);
        break;
      case 4:
        hits.push(pos * 16 + K_PLUS);
        break;
      case 5:
        hits.push(pos * 16 + K_V6);
        break;
      case 6: {
        const w = words[b];
        let q = 4;
        while (q < w.length && (v[pos + q] | 0x20) === w[q]) q++;
        if (b === authWord) authWordAt(v, pos, hits);
        if (isPolicyWord[b] && q >= w.length && (!vetWord || vetWord(v, pos))) hits.push(pos * 16 + K_WORD);
        break;
      }
    }
  }
  return true;
}

/** The number-like runs of a stretch of digits and separators: digits joined by at most two separators. */
function numberRuns(v: Buffer, s: number, e: number, keep: Keep, hits: number[]): void {
  let runStart = -1;
  let runDigits = 0;
  let runDots = 0;
  let lastDigit = -10;
  for (let i = s; i < e; i++) {
    const c = v[i];
    if (DIGIT[c]) {
      if (runStart < 0 || i - lastDigit > 3) {
        if (runStart >= 0 && (runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) && keep(v, runStart, lastDigit + 1, runDigits, runDots)) hits.push(runStart * 16 + K_NUMBER);
        runStart = i;
        runDigits = 0;
        runDots = 0;
      }
      runDigits++;
      lastDigit = i;
    } else if (runStart >= 0) {
      if (i - lastDigit > 2) {
        if ((runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) && keep(v, runStart, lastDigit + 1, runDigits, runDots)) hits.push(runStart * 16 + K_NUMBER);
        runStart = -1;
      } else if (c === 46) runDots++;
    }
  }
  if (runStart >= 0 && (runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) && keep(v, runStart, lastDigit + 1, runDigits, runDots)) hits.push(runStart * 16 + K_NUMBER);
}

/** A NANP national number's digits and grouping, `(415) 555-0132`, `1.415.555.0132`: detection's pattern is built on it. */
export const NANP_GROUPING = String.raw`(?:1[ .-]?)?(?:\(\d{3}\)[ .-]?\d{3}[ .-]?|\d{3}[ .-]\d{3}[ .-])\d{4}`;
/** A NANP national number somewhere in a run (detection's pattern, looser at its edges). */
const NANP_SHAPE = new RegExp(`(?:^|[^0-9])${NANP_GROUPING}(?!\\d)`);

/**
 * Whether a number-like run [start, end) is worth decoding its line for. Rejected at byte level:
 * a lone private, loopback or shared address (the service's own machines), a `YYYY-MM-DD` date,
 * a bare 13+ digit run starting with 0, 1 or 7 (epoch milliseconds and nanoseconds: no card
 * network starts so), a bare 7-12 digit run that is not the value of a phone-like key (only a
 * phone field makes such a number personal), and a grouped run of under 13 digits that is
 * neither in a phone field nor shaped like a national number of the policy's countries (an
 * access log's `200 5123`, a browser's `120.0.6099.109`).
 */
function makeKeep(opts: PrefilterOptions): Keep {
  const phoneWords = opts.phoneWords.map((w) => w.toLowerCase());
  const generic = new Set(GENERIC_VALUE_KEYS);
  const phoneKey = (key: string): boolean => {
    const low = key.toLowerCase();
    return generic.has(low.replace(/[^a-z0-9]/g, '')) || phoneWords.some((w) => low.includes(w));
  };
  const keyMemo = new ByteMemo();
  /**
   * Whether the key right before `pos` (`"key":`, `key=`; quotes, escapes, spaces and an array's
   * `[` skipped) is a phone's: undefined when no key stands there.
   */
  const phoneKeyBefore = (buf: Buffer, pos: number): boolean | undefined => {
    let i = pos - 1;
    if (buf[i] === 34 || buf[i] === 39) i--;
    if (buf[i] === 92) i--;
    while (buf[i] === 32) i--;
    if (buf[i] === 91) {
      i--;
      while (buf[i] === 32) i--;
    }
    if (buf[i] === 62 && buf[i - 1] === 61) i--; // Ruby `"k"=>"v"`
    if (buf[i] !== 58 && buf[i] !== 61) return undefined;
    i--;
    while (buf[i] === 32) i--;
    if (buf[i] === 34 || buf[i] === 39) i--;
    if (buf[i] === 92) i--;
    if (buf[i] === 41) i--;
    const keyEnd = i + 1;
    while (i >= 0 && keyEnd - i <= 128 && isKeyByte(buf[i])) i--;
    if (keyEnd - i - 1 <= 0) return undefined;
    const h = ByteMemo.hash(buf, i + 1, keyEnd);
    let phone = keyMemo.get(buf, i + 1, keyEnd, h);
    if (phone === undefined) {
      phone = phoneKey(buf.toString('latin1', i + 1, keyEnd));
      keyMemo.set(buf, i + 1, keyEnd, h, phone);
    }
    return phone;
  };
  /** A phone-like key for the value at `start`, or for the quoted string (or array) it sits in. */
  const inPhoneField = (buf: Buffer, start: number): boolean => {
    const k = phoneKeyBefore(buf, start);
    if (k !== undefined) return k;
    if (start === 0) return false; // (a negative offset would search from the end)
    const ls = buf.lastIndexOf(10, start - 1) + 1;
    const q = buf.lastIndexOf(34, start - 1);
    if (q < ls || start - q > 4096) return false;
    let j = q - 1;
    if (buf[j] === 92) j--;
    while (buf[j] === 32) j--;
    if (buf[j] === 58 || buf[j] === 61) {
      return phoneKeyBefore(buf, q + 1) === true;
    }
    if (buf[j] === 91) {
      return phoneKeyBefore(buf, j + 1) === true;
    }
    return buf[j] === 44; // an array element further on: the field is worked out by detection
  };
  return (buf, start, end, digits, dots) => {
    const len = end - start;
    if (dots === 3 && digits === len - 3) {
      // a lone dotted quad: parse it
      let o = 0;
      let longest = 0;
      let g = 0;
      const oct = [0, 0, 0, 0];
      for (let i = start; i < end; i++) {
        const c = buf[i];
        if (c === 46) {
          o++;
          g = 0;
        } else {
          oct[o] = oct[o] * 10 + (c - 48);
          if (++g > longest) longest = g;
        }
      }
      if (longest <= 3) {
        if (opts.keepPrivate) return true;
        const [a, b] = oct;
        return !(a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254));
      }
      // a part of 4+ digits: no address (a version, a build number); judged as a number below
    } else if (dots >= 3) return true;
    if (digits < 7) return false;
    if (len === 10 && digits === 8 && buf[start + 4] === 45 && buf[start + 7] === 45) return false; // 2026-11-22
    if (encodedPlusBefore(buf, start)) return true;
    const first = buf[start];
    if (digits !== len) {
      // grouped: a card, a national number, or anything under a phone field
      if (digits >= 13 || opts.nationalTrunk) return true;
      // dialled with an international prefix (`0064 3 331 6005`, `011 44 …`; 10 digits or more, as the kernel keeps): detection's iddPhone
      if (digits >= 10 && first === 48 && (buf[start + 1] === 48 || (buf[start + 1] === 49 && buf[start + 2] === 49))) return true;
      if (opts.nanp && digits >= 10 && NANP_SHAPE.test(buf.toString('latin1', Math.max(0, start - 1), end))) return true;
      return inPhoneField(buf, start);
    }
    if (digits >= 13) {
      if (digits <= 19 && first !== 48 && first !== 49 && first !== 55) return true;
      if (digits === 15 && first === 49) return true; // a UATP card, where detection sees a card named
      // no card starts with 0, 1 or 7 (epoch milliseconds do); a phone dialled with 00 or 011 may, under a phone key
      if (first !== 48 || digits > 18) return false;
    }
    // bare 7-12 digits: only as the value of a phone-like key (or of a generic key inside one)
    if (opts.nationalTrunk && first === 48) return true;
    const k = phoneKeyBefore(buf, start);
    if (k === undefined) return buf[start - 1] === 34 || buf[start - 1] === 39; // quoted, e.g. an array element
    return k;
  };
}

/** `%2B` (query strings) or `\u002B` (.NET's JSON escapes `+`) right before `start`: an encoded `+`. */
function encodedPlusBefore(buf: Buffer, start: number): boolean {
  if ((buf[start - 1] | 0x20) !== 98 || buf[start - 2] !== 50) return false;
  return buf[start - 3] === 37 || (buf[start - 3] === 48 && buf[start - 4] === 48 && buf[start - 5] === 117 && buf[start - 6] === 92);
}

const isKeyByte = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 64 || c === 36;
