// Streaming edge cases through the library: segment cuts in very long lines, chunk boundaries.
import { appendFileSync, mkdtempSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLogs } from '../../src/pii/index.ts';
import { MAX_SEGMENT, scanStream } from '../../src/pii/reader.ts';
import { Tally } from '../../src/pii/tally.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slogate-pii-reader-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tally = () => new Tally('t', { key: Buffer.from('k'), maxFindings: 1_000_000, evidenceLines: 0 });

async function scanChunks(chunks: Buffer[]) {
  const t = tally();
  await scanStream(Readable.from(chunks), t);
  return t.result;
}

describe('scanStream', () => {
  it('finds every value in a line several segments long when delimiters are around', async () => {
    const parts: string[] = [];
    let n = 0;
    for (let len = 0; len < 3 * MAX_SEGMENT; n++) {
      parts.push(`pad${'x'.repeat(900)} user${n}@acme.io`);
      len += parts[n].length + 1;
    }
    const r = await scanChunks([Buffer.from(parts.join(' ') + '\nnext jane@acme.io\n')]);
    expect(r.lines).toBe(2);
    expect(r.pii_leaks).toBe(2);
    expect(r.findings.filter((f) => f.line === 1)).toHaveLength(n);
    expect(r.findings.at(-1)).toMatchObject({ line: 2 });
  });

  it('gives the same answer whatever the chunk boundaries', async () => {
    const text = Buffer.from(['a jane@acme.io', '', 'ip 81.2.69.160', 'x'.repeat(5000) + ' 4111111111111111', 'tail +1 415 555 2671'].join('\n'));
    const whole = await scanChunks([text]);
    for (const size of [1, 3, 7, 64, 4999, 5001]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.subarray(i, i + size));
      const r = await scanChunks(chunks);
      expect({ lines: r.lines, bytes: r.bytes, findings: r.findings }).toEqual({ lines: whole.lines, bytes: whole.bytes, findings: whole.findings });
    }
    expect(whole.lines).toBe(5);
    expect(whole.findings.map((f) => [f.line, f.category])).toEqual([
      [1, 'email'],
      [3, 'ip'],
      [4, 'card'],
      [5, 'phone'],
    ]);
  });

  it('counts lines like wc -l, plus a last line without a newline', async () => {
    expect((await scanChunks([Buffer.from('a\nb\n')])).lines).toBe(2);
    expect((await scanChunks([Buffer.from('a\nb')])).lines).toBe(2);
    expect((await scanChunks([Buffer.from('\n\n\n')])).lines).toBe(3);
    expect((await scanChunks([])).lines).toBe(0);
  });
});

describe('scanLogs', () => {
  it('orders findings by input, then line, across files', async () => {
    writeFileSync(join(dir, 'b.log'), 'x\nb jane@acme.io\n');
    writeFileSync(join(dir, 'a.log'), 'a 81.2.69.160\n');
    const r = await scanLogs([join(dir, 'b.log'), join(dir, 'a.log')], { jobs: 1 });
    expect(r.findings.map((f) => [f.file.slice(-5), f.line])).toEqual([
      ['b.log', 2],
      ['a.log', 1],
    ]);
    expect(r).toMatchObject({ files: 2, lines: 3, pii_leaks: 2 });
  });

  it('uses a worker thread when loaded as a library too, with the same result', async () => {
    const clean = '{"ts":"2026-11-22T10:00:00Z","msg":"webhook delivered","status":200,"pad":"' + 'x'.repeat(180) + '"}\n';
    const body = clean.repeat(40_000);
    writeFileSync(join(dir, 'w1.log'), body + 'to jane@acme.io\n');
    writeFileSync(join(dir, 'w2.log'), 'ip 81.2.69.160\n' + body);
    const files = [join(dir, 'w1.log'), join(dir, 'w2.log')];
    const one = await scanLogs(files, { jobs: 1 });
    const two = await scanLogs(files, { jobs: 2 });
    expect(one.bytes).toBeGreaterThan(16 << 20); // enough for the worker path
    expect(two).toEqual(one); // same process, same fingerprint key
    expect(two.findings.map((f) => [f.category, f.line])).toEqual([
      ['email', 40_001],
      ['ip', 1],
    ]);
  });

  it('numbers lines exactly across chunks, ranges and threads (the kernel counts the newlines)', async () => {
    // lines of 0 to 3,000 bytes, some CRLF, a few over a chunk long; an address on every 97th
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    const lines: string[] = [];
    const planted: number[] = [];
    while (lines.reduce((n, l) => n + l.length + 1, 0) < 40 << 20) {
      const i = lines.length;
      const pad = 'x'.repeat(rnd(50) === 0 ? 300_000 : rnd(3000));
      if (i % 97 === 5) {
        planted.push(i + 1);
        lines.push(`{"msg":"${pad.slice(0, 40)}","to":"jane.doe${i}@acme.io"}${rnd(4) === 0 ? '\r' : ''}`);
      } else lines.push(rnd(10) === 0 ? '' : `{"msg":"${pad}","n":${i}}${rnd(4) === 0 ? '\r' : ''}`);
    }
    writeFileSync(join(dir, 'numbered.log'), lines.join('\n') + '\n');
    for (const jobs of [1, 2]) {
      const r = await scanLogs([join(dir, 'numbered.log')], { jobs, maxFindings: 1_000_000 });
      expect(r.lines).toBe(lines.length);
      expect(r.findings.map((f) => f.line)).toEqual(planted);
    }
  });
});

describe('year-less timestamps across threads', () => {
  it('every thread reads syslog times in the year the window gives (two threads, byte ranges)', async () => {
    // 40 MiB of BSD syslog, one line a second over 9 hours of 30 Nov 2026 and 1 Dec 2026
    const t0 = Date.parse('2026-11-30T21:00:00Z') / 1000;
    const mon = ['Nov', 'Dec'];
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < 40 << 20; i++) {
      const d = new Date((t0 + Math.floor(i / 40)) * 1000);
      const time = d.toISOString().slice(11, 19);
      const line = `${mon[d.getUTCMonth() - 10]} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} canary-1 webhook-sender[812]: webhook delivered id=wh_${i} status=200 ${'x'.repeat(i % 200)}`;
      lines.push(line);
      bytes += line.length + 1;
    }
    writeFileSync(join(dir, 'syslog.log'), lines.join('\n') + '\n');
    const end = t0 + Math.floor((lines.length - 1) / 40);
    const window = { start: t0, end };
    for (const jobs of [1, 2]) {
      // with two threads, this one stalls at its first progress report, so the worker reads most ranges
      let stalled = jobs === 1;
      const onProgress = () => {
        if (stalled) return;
        stalled = true;
        for (const until = Date.now() + 2000; Date.now() < until; );
      };
      const r = await scanLogs([join(dir, 'syslog.log')], { jobs, window, onProgress });
      expect(r.coverage).toMatchObject({ covered: true, lines_in_window: lines.length, undated_lines: 0 });
      expect(r.per_file[0]).toMatchObject({ first_ts: '2026-11-30T21:00:00Z', last_ts: new Date(end * 1000).toISOString().replace('.000Z', 'Z') });
    }
  });
});

describe('year-less timestamps and the file that holds them', () => {
  it("a rotated log last written a year before the window is last year's, not evidence for this window", async () => {
    const t0 = Date.parse('2026-12-01T06:00:00Z') / 1000;
    const window = { start: t0, end: t0 + 1800 };
    const text = Array.from({ length: 181 }, (_, i) => {
      const t = new Date((t0 + i * 10) * 1000).toISOString().slice(11, 19);
      return `Dec  1 ${t} canary-1 webhook-sender[812]: webhook delivered status=200`;
    }).join('\n') + '\n';
    const fresh = join(dir, 'syslog-fresh.log');
    const old = join(dir, 'syslog-2025.log');
    writeFileSync(fresh, text);
    writeFileSync(old, text);
    const lastYear = new Date('2025-12-01T07:00:00Z');
    utimesSync(old, lastYear, lastYear);
    const a = await scanLogs([fresh], { window });
    expect(a.coverage).toMatchObject({ covered: true, lines_in_window: 181 });
    const b = await scanLogs([old], { window });
    expect(b.coverage).toMatchObject({ covered: false, lines_in_window: 0, lines_before_window: 181 });
    expect(b.per_file[0].first_ts).toBe('2025-12-01T06:00:00Z');
  });
});

describe('a file truncated while it is read', () => {
  // logrotate's copytruncate empties a file the scan is reading: the bytes never read are not clean
  const leak = '{"msg":"signup","email":"jane.doe@acme.io"}\n';
  const clean = '{"msg":"delivered","status":200,"latency_ms":12}\n';

  it.each([
    ['one thread, the whole file', 1, 4 << 20],
    ['two threads, byte ranges', 2, 40 << 20],
  ])('%s: the scan reports the file as unread, and keeps the leak found before', async (_n, jobs, size) => {
    const path = join(dir, `rotated-${jobs}.log`);
    writeFileSync(path, leak + clean.repeat(Math.ceil(size / clean.length)));
    let truncated = false;
    const r = await scanLogs([path], {
      jobs,
      onProgress: (p) => {
        // after the first read: the file now ends well before where this thread's reading does
        if (!truncated && p.bytesDone > 0) {
          truncated = true;
          truncateSync(path, 100_000);
        }
      },
    });
    expect(truncated).toBe(true);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/shrank while it was read .*Scan it again/);
    expect(r.per_file[0].error).toBe(r.errors[0].message);
    expect(r.findings[0]).toMatchObject({ line: 1, category: 'email' });
  });

  it('a file that grows while it is read (a live log) is read to its end, with no error', async () => {
    const path = join(dir, 'growing.log');
    writeFileSync(path, clean.repeat(Math.ceil((4 << 20) / clean.length)));
    let grown = false;
    const r = await scanLogs([path], {
      jobs: 1,
      onProgress: (p) => {
        if (!grown && p.bytesDone > 0) {
          grown = true;
          appendFileSync(path, leak);
        }
      },
    });
    expect(r.errors).toEqual([]);
    expect(r.pii_leaks).toBe(1);
  });
});
