// Exact decimal arithmetic for thresholds written into rule files, so 0.05 * 720 / 6
// prints as `6` and not `5.999999999999999`.

export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

function norm(n: bigint, d: bigint): Rational {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

/** Parses a finite decimal such as `99.9`, `14.4` or `1e-3` exactly. */
export function rational(value: number | string | bigint): Rational {
  if (typeof value === 'bigint') return { n: value, d: 1n };
  const s = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new RangeError(`not a plain decimal: ${s}`);
  const frac = m[3] ?? '';
  const n = BigInt(m[2] + frac) * (m[1] === '-' ? -1n : 1n);
  return norm(n, 10n ** BigInt(frac.length));
}

function numberToPlain(v: number): string {
  if (!Number.isFinite(v)) throw new RangeError(`not finite: ${v}`);
  // toPrecision(15) drops binary noise; strip exponent form
  const s = Number(v.toPrecision(15)).toString();
  if (!/e/i.test(s)) return s;
  return v.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

export const add = (a: Rational, b: Rational): Rational => norm(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational => norm(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => norm(a.n * b.n, a.d * b.d);
export const div = (a: Rational, b: Rational): Rational => norm(a.n * b.d, a.d * b.n);

/**
 * Shortest exact decimal when the fraction terminates; otherwise rounded to
 * `maxDigits` fractional digits (burn factors like 720/7 have no exact form).
 */
export function toDecimal(r: Rational, maxDigits = 12): string {
  const neg = r.n < 0n;
  let n = neg ? -r.n : r.n;
  const int = n / r.d;
  let rem = n % r.d;
  let digits = '';
  for (let i = 0; i < maxDigits && rem !== 0n; i++) {
    rem *= 10n;
    digits += (rem / r.d).toString();
    rem %= r.d;
  }
  if (rem !== 0n) {
    // round half up on the next digit
    const next = (rem * 10n) / r.d;
    if (next >= 5n) {
      const scaled = BigInt(int.toString() + digits) + 1n;
      const s = scaled.toString().padStart(digits.length + 1, '0');
      const ip = s.slice(0, s.length - digits.length);
      const fp = s.slice(s.length - digits.length).replace(/0+$/, '');
      return (neg ? '-' : '') + ip + (fp ? '.' + fp : '');
    }
  }
  digits = digits.replace(/0+$/, '');
  return (neg && (int !== 0n || digits) ? '-' : '') + int.toString() + (digits ? '.' + digits : '');
}

export const toNumber = (r: Rational): number => Number(toDecimal(r, 17));
