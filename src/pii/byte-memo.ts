// A small cache keyed by raw bytes, for the prefilter's and detection's repeated judgements.

/**
 * Answers remembered per byte range (a candidate address, a key, an object's text): a repeated
 * value costs a hash, one slot and a compare of its bytes, no string. Direct-mapped: a range
 * whose slot another took is judged again, so the cache never grows past its slots.
 */
export class ByteMemo<T = boolean> {
  private readonly mask: number;
  private readonly keys: (Uint8Array | undefined)[];
  private readonly hashes: Int32Array;
  private readonly values: (T | undefined)[];

  constructor(capacity = 4096) {
    const slots = 1 << Math.ceil(Math.log2(Math.max(2, capacity)));
    this.mask = slots - 1;
    this.keys = new Array<Uint8Array | undefined>(slots).fill(undefined);
    this.hashes = new Int32Array(slots);
    this.values = new Array<T | undefined>(slots).fill(undefined);
  }

  static hash(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    return h & 0x3fffffff; // a small integer
  }

  get(buf: Uint8Array, s: number, e: number, h: number): T | undefined {
    const slot = h & this.mask;
    const key = this.keys[slot];
    if (key === undefined || this.hashes[slot] !== h || key.length !== e - s) return undefined;
    for (let i = 0; i < key.length; i++) if (key[i] !== buf[s + i]) return undefined;
    return this.values[slot];
  }

  set(buf: Uint8Array, s: number, e: number, h: number, value: T): void {
    const slot = h & this.mask;
    // a copy: the buffer is reused for the next chunk (Buffer#slice would be a view)
    this.keys[slot] = Uint8Array.prototype.slice.call(buf, s, e);
    this.hashes[slot] = h;
    this.values[slot] = value;
  }
}
