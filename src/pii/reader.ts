// Streaming: bytes in, whole lines out to a Tally. Never holds more than one chunk plus one
// partial line, and a line longer than MAX_SEGMENT is scanned in segments.
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../contract/errors.ts';
import type { Tally } from './tally.ts';

/** Read size: large reads mean few system calls. */
export const CHUNK = 256 << 10;
/** Longest stretch of one line scanned at once; below V8's external-string size, so it stays a heap string. */
export const MAX_SEGMENT = 512 << 10;
/** How far back from a segment's end we look for a delimiter to cut at, so a value is rarely split. */
const CUT_WINDOW = 4096;

export interface ReadUnit {
  path: string;
  /** Name reported in findings. */
  display: string;
  gz: boolean;
  /** Byte range [start, end) of a plain file; whole file when absent. */
  start?: number;
  end?: number;
  /** The file's size when the scan began: reading ends short of it only if the file shrank. */
  size?: number;
  /** When the file was last written (unix seconds). */
  mtime?: number;
}

/**
 * The time a unit's year-less lines are read near: the scan's reference, or when the file was
 * last written if that is earlier. No line was written after its file was, so a year-old rotated
 * log's `Dec  1 06:47:22` is last year's, never inside this year's window.
 */
export function unitReference(unit: ReadUnit, reference: number): number {
  return unit.mtime !== undefined ? Math.min(reference, unit.mtime) : reference;
}

function safeCut(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - CUT_WINDOW); i--) {
    const c = buf[i];
    // space, tab, comma, quote, braces, semicolon
    if (c === 32 || c === 9 || c === 44 || c === 34 || c === 123 || c === 125 || c === 59) return i + 1;
  }
  return buf.length;
}

/**
 * Feeds a byte stream to `tally`, line-aligned. A partial line is carried in one fixed buffer;
 * when it fills up (a line longer than MAX_SEGMENT), it is scanned as a segment of that line.
 */
export async function scanStream(chunks: AsyncIterable<Buffer>, tally: Tally, sniffBom = true): Promise<void> {
  if (sniffBom) chunks = decodeUtf16(chunks);
  const carry = Buffer.allocUnsafe(MAX_SEGMENT);
  let carryLen = 0;
  let lineNo = 1;
  let midLine = false; // the carried bytes continue a line already partly scanned
  const append = (buf: Buffer, from: number, to: number, endsLine: boolean) => {
    let off = from;
    while (off < to) {
      const n = Math.min(to - off, MAX_SEGMENT - carryLen);
      buf.copy(carry, carryLen, off, off + n);
      carryLen += n;
      off += n;
      if (carryLen === MAX_SEGMENT && !(endsLine && off === to)) {
        const cut = safeCut(carry.subarray(0, carryLen));
        tally.clock.addBytes(carry, 0, cut, !midLine);
        tally.scanBytes(carry, 0, cut, lineNo);
        carry.copy(carry, 0, cut, carryLen);
        carryLen -= cut;
        midLine = true;
      }
    }
  };
  try {
    for await (const chunk of chunks) {
      tally.result.bytes += chunk.length;
      let from = 0;
      if (carryLen > 0 || midLine) {
        const first = chunk.indexOf(10);
        if (first < 0) {
          append(chunk, 0, chunk.length, false);
          continue;
        }
        append(chunk, 0, first + 1, true);
        tally.clock.addBytes(carry, 0, carryLen, !midLine);
        lineNo += tally.scanBytes(carry, 0, carryLen, lineNo);
        carryLen = 0;
        midLine = false;
        from = first + 1;
      }
      const last = chunk.lastIndexOf(10);
      // Whole lines: the clock and the prefilter read the bytes; only lines with a candidate are decoded.
      if (from <= last) {
        const lines = tally.scanBytes(chunk, from, last + 1, lineNo);
        tally.clock.addBytes(chunk, from, last + 1, true, lines);
        lineNo += lines;
        from = last + 1;
      }
      append(chunk, from, chunk.length, false);
    }
  } catch (err) {
    // what was read before the error counts: the partial line too, its findings are kept
    if (carryLen > 0) {
      tally.clock.addBytes(carry, 0, carryLen, !midLine);
      tally.scanBytes(carry, 0, carryLen, lineNo);
      lineNo++;
    }
    tally.result.lines += lineNo - 1;
    throw err;
  }
  if (carryLen > 0) {
    tally.clock.addBytes(carry, 0, carryLen, !midLine);
    tally.scanBytes(carry, 0, carryLen, lineNo);
    lineNo++;
  } else if (midLine) {
    lineNo++;
  }
  tally.result.lines += lineNo - 1;
}

/** The UTF-16 encoding a byte-order mark announces, or undefined. */
export function utf16Bom(b: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return undefined;
}

/**
 * A file that starts with a UTF-16 byte-order mark (Windows tools write these) is transcoded to
 * UTF-8 on the fly, so the byte-level detectors see `jane@acme.io` rather than `j\0a\0n\0e\0`.
 * Anything else passes through untouched.
 */
async function* decodeUtf16(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let decoder: InstanceType<typeof TextDecoder> | undefined;
  let first = true;
  for await (const chunk of chunks) {
    if (first) {
      first = false;
      const enc = utf16Bom(chunk);
      if (enc) decoder = new TextDecoder(enc);
    }
    yield decoder ? Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8') : chunk;
  }
  if (decoder) {
    const tail = decoder.decode();
    if (tail) yield Buffer.from(tail, 'utf8');
  }
}

function ioError(display: string, err: unknown): UserError {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message)) {
    return new UserError(`${display}: truncated gzip file (unexpected end of file)`, 2);
  }
  if (e.code?.startsWith('Z_') || e.errno !== undefined && e.code === undefined) {
    return new UserError(`${display}: corrupt gzip file (${e.message})`, 2);
  }
  return new UserError(`cannot read ${display}: ${e.code ?? e.message}`, 2);
}

/**
 * Plain files are read with blocking reads into one reused buffer: the scanning thread has nothing
 * else to do, and it avoids a thread-pool hop per chunk. Every few MB it yields to the event loop
 * so worker messages and the progress bar keep flowing.
 */
async function* readPlain(unit: ReadUnit, onBytes?: (n: number) => void): AsyncGenerator<Buffer> {
  const fd = openSync(unit.path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = unit.start ?? 0;
    // a whole file is read to its end, past its first size if it grows (a live log)
    const end = unit.end ?? Infinity;
    const expected = unit.end ?? unit.size ?? 0;
    let sinceYield = 0;
    while (pos < end) {
      const want = Math.min(CHUNK, end - pos);
      const n = readSync(fd, buf, 0, want, pos);
      if (n === 0) {
        // truncated under us (logrotate's copytruncate): what was not read is not clean
        if (pos < expected) throw new UserError(`${unit.display}: the file shrank while it was read (${expected} bytes expected, it ended at byte ${pos}); truncated by log rotation? Scan it again`, 2);
        break;
      }
      pos += n;
      onBytes?.(n);
      yield buf.subarray(0, n);
      sinceYield += n;
      if (sinceYield >= 4 << 20) {
        sinceYield = 0;
        await yieldToLoop();
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** Scans one file or byte range. `onBytes` gets raw (on-disk) byte counts as they are read. */
export async function scanUnit(unit: ReadUnit, tally: Tally, onBytes?: (n: number) => void): Promise<void> {
  if (!unit.gz) {
    try {
      await scanStream(readPlain(unit, onBytes), tally, !unit.start);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw ioError(unit.display, err);
    }
    return;
  }
  const raw = createReadStream(unit.path, { highWaterMark: CHUNK });
  if (onBytes) raw.on('data', (c) => onBytes((c as Buffer).length));
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  raw.on('error', (e) => gunzip.destroy(e));
  const source: Readable = raw.pipe(gunzip);
  try {
    await scanStream(source as AsyncIterable<Buffer>, tally);
  } catch (err) {
    raw.destroy();
    if (err instanceof UserError) throw err;
    throw ioError(unit.display, err);
  }
}

/** Scans standard input (gzip detected by its magic bytes). */
export async function scanStdin(tally: Tally, stdin: Readable = process.stdin): Promise<void> {
  const it = (stdin as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const firstRes = await it.next();
  if (firstRes.done) return;
  const first = firstRes.value as Buffer;
  async function* rest(): AsyncGenerator<Buffer> {
    yield first;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value as Buffer;
    }
  }
  try {
    if (first[0] === 0x1f && first[1] === 0x8b) {
      const { Readable } = await import('node:stream');
      const gunzip = createGunzip({ chunkSize: 256 * 1024 });
      Readable.from(rest()).pipe(gunzip);
      await scanStream(gunzip as AsyncIterable<Buffer>, tally);
    } else {
      await scanStream(rest(), tally);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw ioError('standard input', err);
  }
}

/**
 * What a file's first bytes say it is: gzip (by its magic bytes, whatever the name: a `.gz` that
 * holds plain text is scanned as text) or UTF-16 text (by its byte-order mark; never split into ranges).
 */
export async function sniffFile(path: string): Promise<{ gz: boolean; utf16: boolean }> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    const head = b.subarray(0, bytesRead);
    return { gz: bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b, utf16: utf16Bom(head) !== undefined };
  } finally {
    await fh.close();
  }
}

/** Offset just past the first newline at or after `from` (or the file size). */
export async function nextLineStart(path: string, from: number, size: number): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    let pos = from;
    while (pos < size) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      const i = buf.subarray(0, bytesRead).indexOf(10);
      if (i >= 0) return pos + i + 1;
      pos += bytesRead;
    }
    return size;
  } finally {
    await fh.close();
  }
}
