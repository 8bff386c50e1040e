// Odd but real inputs through the CLI: UTF-16 with a BOM, a `.gz` that is plain text, symlinked
// directories and symlink loops, lines of bare digits, a long JSON line with many values.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SLOGATE = fileURLToPath(new URL('../../bin/slogate', import.meta.url));
let dir: string;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON, checked field by field
function scan(args: string[], input?: Buffer): { r: SpawnSyncReturns<string>; json: any } {
  // the timeout turns a walk that never ends (a symlink loop) into a failure, not a hung suite
  const r = spawnSync(SLOGATE, ['pii-scan', ...args, '--json', '--max-findings', '10000'], { encoding: 'utf8', cwd: dir, input, maxBuffer: 64 << 20, timeout: 60_000 });
  return { r, json: r.stdout ? JSON.parse(r.stdout) : undefined };
}

const LINE = '{"to":"jane.doe@acme.io","client_ip":"81.2.69.160","username":"bob"}\n';
const utf16 = (text: string, be: boolean) => {
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  if (be) for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slogate-pii-odd-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('odd input', () => {
  it.each([
    ['little-endian', false],
    ['big-endian', true],
  ])('a UTF-16 %s file with a BOM is decoded, not read as clean', (_n, be) => {
    writeFileSync(join(dir, 'u16.log'), utf16('{"msg":"café ☕"}\n' + LINE, be as boolean));
    for (const { r, json } of [scan(['u16.log']), scan(['-'], utf16(LINE, be as boolean))]) {
      expect(r.status, r.stderr).toBe(1);
      expect(json.by_category).toMatchObject({ email: 1, ip: 1, username: 1 });
    }
    writeFileSync(join(dir, 'u16.log.gz'), gzipSync(utf16(LINE, be as boolean)));
    expect(scan(['u16.log.gz']).json.by_category).toMatchObject({ email: 1, ip: 1, username: 1 });
  });

  it('a .gz that is really plain text is scanned as text (gzip is told by its magic bytes)', () => {
    writeFileSync(join(dir, 'plain.log.gz'), LINE);
    const { r, json } = scan(['plain.log.gz']);
    expect(r.status, r.stderr).toBe(1);
    expect(json.pii_leaks).toBe(1);
  });

  it('follows symlinked directories, ends symlink loops, and reads each directory once', () => {
    mkdirSync(join(dir, 'tree/a'), { recursive: true });
    mkdirSync(join(dir, 'day1'));
    writeFileSync(join(dir, 'tree/a/x.log'), LINE);
    writeFileSync(join(dir, 'day1/y.log'), LINE);
    symlinkSync('..', join(dir, 'tree/a/up'));
    symlinkSync('../day1', join(dir, 'tree/current'));
    const { r, json } = scan(['tree']);
    expect(r.status, r.stderr).toBe(1);
    expect(json.files).toBe(2);
    expect(json.pii_leaks).toBe(2);
  });

  it('a glob that matches nothing exits 2 with one line', () => {
    const { r } = scan(['nothing-*.log']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^slogate: no files match 'nothing-\*\.log'$/);
  });

  it('lines of bare digits: a test card is a card; epochs and 10-digit numbers are nothing', () => {
    writeFileSync(join(dir, 'digits.log'), ['1731492610', '1731492610123', '4155552671', '1731492610123456789', '4111111111111111', ''].join('\n'));
    const { json } = scan(['digits.log']);
    expect(json.by_category).toEqual({ email: 0, username: 0, ip: 0, phone: 0, card: 1 });
    expect(json.findings.map((f: { line: number }) => f.line)).toEqual([5]);
  });

  it('a long JSON line with many values finds every planted value and nothing else', () => {
    const fields: string[] = [];
    for (let i = 0; i < 20000; i++) fields.push(`"k${i}":${i % 3 === 0 ? `"v${i} ${1731492610 + i} 1.${i % 250}.3"` : i}`);
    fields.splice(7000, 0, '"email":"ann@example.org"', '"peer":"[2001:db8::7]:443"');
    fields.push('"phone":"+44 20 7946 0958"', '"card":"5555 5555 5555 4444"');
    writeFileSync(join(dir, 'long.log'), '{' + fields.join(',') + '}\n');
    const { json } = scan(['long.log']);
    expect(json.findings.map((f: { category: string }) => f.category).sort()).toEqual(['card', 'email', 'ip', 'phone']);
  });
});
