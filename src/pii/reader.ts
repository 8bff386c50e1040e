// Streaming: bytes in, whole lines out to a Tally. Never holds more than one chunk plus one
// partial line, and a line longer than MAX_SEGMENT is scanned in segments.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../cli/errors.ts';
import type { Tally } from './tally.ts';

// Small enough that each latin1 string is a young-generation object (cheap to allocate and collect).
export const CHUNK = 64 << 10;
export const MAX_SEGMENT = 1 << 20;
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
}

function safeCut(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - CUT_WINDOW); i--) {
    const c = buf[i];
    // space, tab, comma, quote, braces, semicolon
    if (c === 32 || c === 9 || c === 44 || c === 34 || c === 123 || c === 125 || c === 59) return i + 1;
  }
  return buf.length;
}

/** Feeds a byte stream to `tally`, line-aligned. `onBytes` reports raw bytes consumed from `source`. */
export async function scanStream(chunks: AsyncIterable<Buffer>, tally: Tally): Promise<void> {
  let pending: Buffer | null = null;
  let lineNo = 1;
  let midLine = false; // the pending bytes continue a line already partly scanned
  for await (const chunk of chunks) {
    tally.result.bytes += chunk.length;
    let buf: Buffer = chunk;
    const first = buf.indexOf(10);
    if (pending) {
      if (first < 0) {
        pending = Buffer.concat([pending, buf]);
        while (pending.length >= MAX_SEGMENT) {
          const cut = safeCut(pending.subarray(0, MAX_SEGMENT));
          tally.scanText(pending.toString("latin1", 0, cut), lineNo);
          pending = pending.subarray(cut);
          midLine = true;
        }
        continue;
      }
      const head = Buffer.concat([pending, buf.subarray(0, first + 1)]);
      lineNo += tally.scanText(head.toString("latin1", 0, head.length), lineNo);
      pending = null;
      midLine = false;
      buf = buf.subarray(first + 1);
    }
    const last = buf.lastIndexOf(10);
    if (last >= 0) {
      lineNo += tally.scanText(buf.toString("latin1", 0, last + 1), lineNo);
      buf = buf.subarray(last + 1);
    }
    if (buf.length > 0) {
      pending = Buffer.from(buf); // copy: don't pin the whole chunk
      while (pending.length >= MAX_SEGMENT) {
        const cut = safeCut(pending.subarray(0, MAX_SEGMENT));
        tally.scanText(pending.toString("latin1", 0, cut), lineNo);
        pending = pending.subarray(cut);
        midLine = true;
      }
    }
  }
  if (pending && pending.length > 0) {
    tally.scanText(pending.toString("latin1", 0, pending.length), lineNo);
    lineNo++;
  } else if (midLine) {
    lineNo++;
  }
  tally.result.lines += lineNo - 1;
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

/** Scans one file or byte range. `onBytes` gets raw (on-disk) byte counts as they are read. */
export async function scanUnit(unit: ReadUnit, tally: Tally, onBytes?: (n: number) => void): Promise<void> {
  const raw = createReadStream(unit.path, {
    highWaterMark: CHUNK,
    ...(unit.start !== undefined ? { start: unit.start } : {}),
    ...(unit.end !== undefined ? { end: unit.end - 1 } : {}),
  });
  if (onBytes) raw.on('data', (c) => onBytes((c as Buffer).length));
  let source: Readable = raw;
  if (unit.gz) {
    const gunzip = createGunzip({ chunkSize: 256 * 1024 });
    raw.on('error', (e) => gunzip.destroy(e));
    source = raw.pipe(gunzip);
  }
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

/** True when the file starts with the gzip magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
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
