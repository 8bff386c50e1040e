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

/** Builds the prefilter for a policy's username key words (lowercase ASCII). */
export function prefilterFor(words: readonly string[]): Prefilter {
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

  return { scan: (buf, from, to, hits) => scanBytes(cls, wordTable, buf, from, to, hits) };
}

/** The hot loop, a plain function of its inputs (no closure state to load per byte). */
function scanBytes(cls: Uint8Array, wordTable: (Uint8Array[] | undefined)[], buf: Uint8Array, from: number, to: number, hits: number[]): void {
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
            if (runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) hits.push((runStart - from) * 16 + K_NUMBER);
            runStart = -1;
          }
          // most bytes: skip the plain ones in a tight loop
          do {
            if (++i >= to) return;
            c = buf[i];
            k = cls[c];
          } while (k === C_OTHER);
        }
        if (k === C_DIGIT) {
          if (runStart < 0 || i - lastDigit > 3) {
            if (runStart >= 0 && (runDigits >= 7 || (runDots >= 3 && runDigits >= 4))) hits.push((runStart - from) * 16 + K_NUMBER);
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
              if (runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) hits.push((runStart - from) * 16 + K_NUMBER);
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
          if (runDigits >= 7 || (runDots >= 3 && runDigits >= 4)) hits.push((runStart - from) * 16 + K_NUMBER);
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
      if (runStart >= 0 && (runDigits >= 7 || (runDots >= 3 && runDigits >= 4))) hits.push((runStart - from) * 16 + K_NUMBER);
    }
  }
}
