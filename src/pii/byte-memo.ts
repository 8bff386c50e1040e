// A small cache keyed by raw bytes, for the prefilter's and detection's repeated judgements.

/**
 * Answers remembered per byte range (a candidate address, a key, an object's text): a repeated
 * value costs a hash and a compare of its bytes, no string. Starts over when full.
 */
export class ByteMemo<T = boolean> {
  private readonly map = new Map<number, { key: Uint8Array; value: T }[]>();
  private size = 0;

  constructor(private readonly capacity = 4096) {}

  static hash(buf: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    return h & 0x3fffffff; // a small integer: a fast Map key
  }

  get(buf: Uint8Array, s: number, e: number, h: number): T | undefined {
    const list = this.map.get(h);
    if (!list) return undefined;
    next: for (const it of list) {
      if (it.key.length !== e - s) continue;
      for (let i = 0; i < it.key.length; i++) if (it.key[i] !== buf[s + i]) continue next;
      return it.value;
    }
    return undefined;
  }

  set(buf: Uint8Array, s: number, e: number, h: number, value: T): void {
    if (this.size >= this.capacity) {
      this.map.clear();
      this.size = 0;
    }
    // a copy: the buffer is reused for the next chunk (Buffer#slice would be a view)
    const entry = { key: Uint8Array.prototype.slice.call(buf, s, e), value };
    const list = this.map.get(h);
    if (list) list.push(entry);
    else this.map.set(h, [entry]);
    this.size++;
  }
}
