// Numbers and times as the gate's messages print them.

/** Integers as they are, other numbers with `digits` decimals. */
export const fmt = (n: number, digits = 2) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));

/** Unix seconds as RFC 3339 without milliseconds. */
export const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export function round(n: number, digits: number): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A time scale for people: 1/60 reads 0.0166667. */
export const showScale = (scale: number) => String(Number(scale.toPrecision(6)));
