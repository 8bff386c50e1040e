// The byte-level prefilter: one pass over raw log bytes with a class table, no regex, no
// decoding. It reports candidate positions (a number-like run, `@`, `%40`, `+digit`, an IPv6
// colon chain, an access-log user, a username key word) and where lines end; only lines with a
// candidate are decoded and checked precisely. A realistic line with none costs one table
// lookup per byte.
export const K_NUMBER = 2;
export const K_AT = 3;
export const K_PCT40 = 4;
export const K_PLUS = 5;
export const K_V6 = 6;
export const K_WORD = 7;
export const K_ACCESS_USER = 8;

// byte classes
const C_OTHER = 0;
const C_DIGIT = 1;
const C_SEP = 2; // space ( ) - .
const C_AT = 3;
const C_PCT = 4;
const C_PLUS = 5;
const C_COLON = 6;
const C_NL = 7;
const C_WORD = 8; // first letter of a username key word (per policy)

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

export interface Prefilter {
  /**
   * Appends `pos * 16 + kind` for every candidate in `buf[from, to)` to `hits` (positions
   * relative to `from`). Returns nothing; newlines are left to the caller (Buffer.indexOf).
   */
  scan(buf: Uint8Array, from: number, to: number, hits: number[]): void;
}

export interface PrefilterOptions {
  /** Words of phone field names (`phone`, `mobile`, ...): a bare digit run under another key is no candidate. */
  phoneWords: readonly string[];
  /** The policy calls some non-routable ranges personal: private addresses stay candidates. */
  keepPrivate: boolean;
  /** The policy reads national numbers with a trunk `0` (non-NANP countries): keep bare runs starting with 0. */
  nationalTrunk: boolean;
}

/** Generic value keys whose parent names the number (`"phone":{"number":…}`, OTLP `intValue`). */
const GENERIC_VALUE_KEYS = ['number', 'value', 'stringvalue', 'intvalue', 'e164', 'national', 'nationalnumber', 'raw', 'digits', 'num', 'no', 'international'];

/** Builds the prefilter for a policy's username key words (lowercase ASCII). */
export function prefilterFor(words: readonly string[], opts: PrefilterOptions = { phoneWords: ['phone', 'mobile', 'msisdn', 'tel', 'cell', 'contact'], keepPrivate: false, nationalTrunk: false }): Prefilter {
  const cls = new Uint8Array(256);
  for (let c = 48; c <= 57; c++) cls[c] = C_DIGIT;
  for (const c of ' ()-.') cls[c.charCodeAt(0)] = C_SEP;
  cls[64] = C_AT;
  cls[37] = C_PCT;
  cls[43] = C_PLUS;
  cls[58] = C_COLON;
  cls[10] = C_NL;
  const byFirst = new Map<number, Uint8Array[]>();
  for (const w of words) {
    const bytes = Uint8Array.from(Buffer.from(w.toLowerCase(), 'latin1'));
    for (const first of [bytes[0], bytes[0] ^ 0x20]) {
      if (cls[first] === C_OTHER || cls[first] === C_WORD) {
        cls[first] = C_WORD;
        if (!byFirst.has(first)) byFirst.set(first, []);
        byFirst.get(first)!.push(bytes);
      }
    }
  }
  const wordTable: (Uint8Array[] | undefined)[] = Array.from({ length: 256 }, (_, b) => byFirst.get(b));

  const idle = cls.slice();
  for (const c of '().-') idle[c.charCodeAt(0)] = C_OTHER; // separators only matter inside a number
  const keep = makeKeep(opts);
  return { scan: (buf, from, to, hits) => scanBytes(cls, idle, wordTable, keep, buf, from, to, hits) };
}

type Keep = (buf: Uint8Array, start: number, end: number, digits: number, dots: number) => boolean;

/**
 * Whether a number-like run [start, end) is worth decoding its line for. Rejected at byte level:
 * a lone private, loopback or shared address (the service's own machines), a `YYYY-MM-DD` date,
 * a bare 13+ digit run starting with 0, 1 or 7 (epoch milliseconds and nanoseconds: no card
 * network starts so), and a bare 7-12 digit run that is not the value of a phone-like key
 * (only a phone field makes such a number personal).
 */
function makeKeep(opts: PrefilterOptions): Keep {
  const phoneWords = opts.phoneWords.map((w) => Buffer.from(w.toLowerCase(), 'latin1'));
  const generic = new Set(GENERIC_VALUE_KEYS);
  return (buf, start, end, digits, dots) => {
    const len = end - start;
    if (dots === 3 && !opts.keepPrivate && digits === len - 3) {
      // a lone dotted quad: parse it
      let o = 0;
      let i = start;
      const oct = [0, 0, 0, 0];
      for (; i < end; i++) {
        const c = buf[i];
        if (c === 46) o++;
        else oct[o] = oct[o] * 10 + (c - 48);
      }
      const [a, b] = oct;
      if (a === 10 || a === 127 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254)) return false;
      return true;
    }
    if (dots >= 3) return true;
    if (len === 10 && digits === 8 && buf[start + 4] === 45 && buf[start + 7] === 45) return false; // 2026-11-22
    if (digits !== len) return digits >= 7; // grouped: a card, a national phone format, …
    const first = buf[start];
    if (digits >= 13) return digits <= 19 && first !== 48 && first !== 49 && first !== 55;
    // bare 7-12 digits: only as the value of a phone-like key (or of a generic key inside one)
    if (opts.nationalTrunk && first === 48) return true;
    if (buf[start - 3] === 37 && buf[start - 2] === 50 && (buf[start - 1] | 0x20) === 98) return true; // %2B: an encoded +
    let i = start - 1;
    if (buf[i] === 34 || buf[i] === 39) i--;
    if (buf[i] === 92) i--;
    while (buf[i] === 32) i--;
    if (buf[i] === 91) {
      i--;
      while (buf[i] === 32) i--;
    }
    if (buf[i] !== 58 && buf[i] !== 61) return buf[start - 1] === 34 || buf[start - 1] === 39; // quoted, e.g. an array element
    i--;
    while (buf[i] === 32) i--;
    if (buf[i] === 34) i--;
    if (buf[i] === 92) i--;
    const keyEnd = i + 1;
    while (i >= 0 && keyEnd - i <= 64 && isKeyByte(buf[i])) i--;
    const key = Buffer.from(buf.buffer, buf.byteOffset + i + 1, keyEnd - i - 1).toString('latin1').toLowerCase();
    if (generic.has(key.replace(/[^a-z0-9]/g, ''))) return true;
    for (const w of phoneWords) if (key.includes(w.toString('latin1'))) return true;
    return false;
  };
}

const isKeyByte = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;

/** The hot loop, a plain function of its inputs (no closure state to load per byte). */
function scanBytes(cls: Uint8Array, idle: Uint8Array, wordTable: (Uint8Array[] | undefined)[], keep: Keep, buf: Uint8Array, from: number, to: number, hits: number[]): void {
  {
    {
      // the current number-like run: digits joined by at most two separators in a row
      let runStart = -1;
      let runDigits = 0;
      let runDots = 0;
      let lastDigit = -10;
      for (let i = from; i < to; i++) {
        let c = buf[i];
        let k = cls[c];
        if (k === C_OTHER) {
          if (runStart >= 0) {
            if ((runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) && keep(buf, runStart, lastDigit + 1, runDigits, runDots)) hits.push((runStart - from) * 16 + K_NUMBER);
            runStart = -1;
          }
          // most bytes: skip the plain ones in a tight loop
          do {
            if (++i >= to) return;
            c = buf[i];
          } while (idle[c] === C_OTHER);
          k = cls[c];
        }
        if (k === C_DIGIT) {
          if (runStart < 0 || i - lastDigit > 3) {
            if (runStart >= 0 && (runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) && keep(buf, runStart, lastDigit + 1, runDigits, runDots)) hits.push((runStart - from) * 16 + K_NUMBER);
            runStart = i;
            runDigits = 0;
            runDots = 0;
          }
          runDigits++;
          lastDigit = i;
          continue;
        }
        if (k === C_SEP) {
          if (runStart >= 0) {
            if (i - lastDigit > 2) {
              if ((runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) && keep(buf, runStart, lastDigit + 1, runDigits, runDots)) hits.push((runStart - from) * 16 + K_NUMBER);
              runStart = -1;
            } else if (c === 46) runDots++;
          }
          // nginx/Apache: `addr - user [`
          if (c === 32 && i + 3 < to && buf[i + 1] === 45 && buf[i + 2] === 32) {
            const n = buf[i + 3];
            if (n !== 32 && n !== 91 && n !== 45 && n !== 10) hits.push((i + 3 - from) * 16 + K_ACCESS_USER);
          }
          continue;
        }
        if (runStart >= 0) {
          if ((runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) && keep(buf, runStart, lastDigit + 1, runDigits, runDots)) hits.push((runStart - from) * 16 + K_NUMBER);
          runStart = -1;
        }
        if (k === C_NL) continue;
        if (k === C_AT) {
          hits.push((i - from) * 16 + K_AT);
        } else if (k === C_PCT) {
          if (i + 2 < to && buf[i + 1] === 52 && buf[i + 2] === 48) hits.push((i - from) * 16 + K_PCT40);
        } else if (k === C_PLUS) {
          if (i + 1 < to) {
            const n = buf[i + 1];
            if (n >= 48 && n <= 57) hits.push((i - from) * 16 + K_PLUS);
          }
        } else if (k === C_COLON) {
          // `::`, or `:h:h:` (a colon chain of 1-4 hex digits)
          if (i + 1 < to && buf[i + 1] === 58) {
            hits.push((i - from) * 16 + K_V6);
            i++;
            continue;
          }
          let j = i + 1;
          let groups = 0;
          while (groups < 2) {
            let h = 0;
            while (h < 5 && j < to && HEX[buf[j]] === 1) {
              j++;
              h++;
            }
            if (h === 0 || h > 4 || j >= to || buf[j] !== 58) break;
            groups++;
            j++;
          }
          if (groups === 2) hits.push((i - from) * 16 + K_V6);
        } else {
          // C_WORD
          const list = wordTable[c]!;
          for (let w = 0; w < list.length; w++) {
            const word = list[w];
            if (i + word.length > to) continue;
            let q = 1;
            while (q < word.length && (buf[i + q] | 0x20) === word[q]) q++;
            if (q === word.length) {
              hits.push((i - from) * 16 + K_WORD);
              i += word.length - 1;
              break;
            }
          }
        }
      }
      if (runStart >= 0 && (runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) && keep(buf, runStart, lastDigit + 1, runDigits, runDots)) hits.push((runStart - from) * 16 + K_NUMBER);
    }
  }
}
