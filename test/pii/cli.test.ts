// `slogate pii-scan` through the real CLI: inputs, exit codes, JSON, evidence, malformed input.
import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PII_CATEGORIES } from '../../src/contract/metrics.ts';
import { loadLabelled } from './ground-truth.ts';

const SLOGATE = new URL('../../bin/slogate', import.meta.url).pathname;
let dir: string;

function run(args: string[], opts: { input?: string | Buffer; cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(SLOGATE, ['pii-scan', ...args], {
    encoding: 'utf8',
    input: opts.input,
    cwd: opts.cwd ?? dir,
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 << 20,
  });
}

function json(r: SpawnSyncReturns<string>) {
  expect(r.stdout, r.stderr).not.toBe('');
  return JSON.parse(r.stdout);
}

const PII_LINE = '{"to":"jane.doe@acme.io","client_ip":"81.2.69.160"}\n';
const CLEAN_LINE = '{"ts":"2026-11-22T10:00:00Z","msg":"webhook delivered","status":200,"latency_ms":12}\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slogate-pii-cli-'));
  mkdirSync(join(dir, 'logs/canary/nested'), { recursive: true });
  writeFileSync(join(dir, 'logs/canary/a.log'), CLEAN_LINE + PII_LINE + CLEAN_LINE);
  writeFileSync(join(dir, 'logs/canary/b.log'), CLEAN_LINE.repeat(3));
  writeFileSync(join(dir, 'logs/canary/nested/c.log.gz'), gzipSync(CLEAN_LINE + '{"username":"bob"}\n'));
  writeFileSync(join(dir, 'clean.log'), CLEAN_LINE.repeat(5));
  writeFileSync(join(dir, 'empty.log'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exit codes and output', () => {
  it('exits 0 on a clean file and says so', () => {
    const r = run(['clean.log']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PII leaks: 0 line/);
    expect(r.stderr).toBe(''); // no progress bar without a TTY
  });

  it.skipIf(!existsSync('/usr/bin/script'))('shows a progress bar on a terminal, and none with --json', () => {
    const tty = (args: string) =>
      spawnSync('/usr/bin/script', ['-qec', `${SLOGATE} pii-scan ${args}`, '/dev/null'], { cwd: dir, encoding: 'utf8' }).stdout;
    expect(tty('logs/canary/a.log')).toMatch(/pii-scan \[.*\] \d+% \| [\d.]+\/[\d.]+ MB \| \d+ MB\/s \| \d+ lines with PII/);
    expect(tty('logs/canary/a.log --json')).not.toMatch(/pii-scan \[/);
  });

  it('exits 1 with the JSON contract when PII is found', () => {
    const r = run(['logs/canary/a.log', '--json']);
    expect(r.status).toBe(1);
    const j = json(r);
    expect(Object.keys(j.by_category)).toEqual([...PII_CATEGORIES]);
    expect(j).toMatchObject({ pii_leaks: 1, files: 1, lines: 3, bytes: CLEAN_LINE.length * 2 + PII_LINE.length });
    expect(j.by_category).toEqual({ email: 1, username: 0, ip: 1, phone: 0, card: 0 });
    expect(j.findings).toHaveLength(2);
    for (const f of j.findings) {
      expect(Object.keys(f).sort()).toEqual(['category', 'file', 'fingerprint', 'line', 'redacted']);
      expect(f.line).toBe(2);
      expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(j.findings.map((f: { redacted: string }) => f.redacted)).toEqual(['j***@a***.io', '81.2.x.x']);
    expect(j.findings_truncated).toBeUndefined();
    expect(r.stderr).toBe('');
  });

  it('scans directories recursively, including .gz files', () => {
    const j = json(run(['logs', '--json']));
    expect(j.files).toBe(3);
    expect(j.lines).toBe(3 + 3 + 2);
    expect(j.by_category.username).toBe(1);
    expect(j.findings.find((f: { category: string }) => f.category === 'username')).toMatchObject({ file: 'logs/canary/nested/c.log.gz', line: 2 });
  });

  it('expands globs, with ** for nested directories', () => {
    expect(json(run(['logs/canary/*.log', '--json'])).files).toBe(2);
    expect(json(run(['logs/**/*.gz', '--json'])).files).toBe(1);
    expect(json(run(['logs/**', '--json'])).files).toBe(3);
  });

  it('reads standard input with -, plain or gzipped', () => {
    const plain = run(['-', '--json'], { input: PII_LINE });
    expect(plain.status).toBe(1);
    expect(json(plain).findings[0].file).toBe('-');
    const gz = run(['-', '--json'], { input: gzipSync(PII_LINE + PII_LINE) });
    expect(json(gz).pii_leaks).toBe(2);
  });

  it('caps findings with --max-findings but never the counts', () => {
    writeFileSync(join(dir, 'many.log'), PII_LINE.repeat(50));
    const j = json(run(['many.log', '--json', '--max-findings', '5']));
    expect(j.findings).toHaveLength(5);
    expect(j.findings_truncated).toBe(true);
    expect(j.pii_leaks).toBe(50);
    expect(j.by_category.email).toBe(50);
  });

  it('gives the same value the same fingerprint across files, and a keyed one with SLOGATE_PII_KEY', () => {
    writeFileSync(join(dir, 'x1.log'), 'a jane.doe@acme.io\n');
    writeFileSync(join(dir, 'x2.log'), 'b JANE.DOE@ACME.IO\n');
    const j = json(run(['x1.log', 'x2.log', '--json']));
    expect(j.findings[0].fingerprint).toBe(j.findings[1].fingerprint);
    const k1 = json(run(['x1.log', '--json'], { env: { SLOGATE_PII_KEY: 'k1' } })).findings[0].fingerprint;
    const k1again = json(run(['x1.log', '--json'], { env: { SLOGATE_PII_KEY: 'k1' } })).findings[0].fingerprint;
    const k2 = json(run(['x1.log', '--json'], { env: { SLOGATE_PII_KEY: 'k2' } })).findings[0].fingerprint;
    expect(k1).toBe(k1again);
    expect(k1).not.toBe(k2);
  });
});

describe('errors exit 2 with one clear line', () => {
  const oneLine = (r: SpawnSyncReturns<string>, re: RegExp) => {
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
    expect(r.stdout).toBe('');
  };
  it('missing file', () => oneLine(run(['nope.log']), /^slogate: cannot read nope\.log: no such file/));
  it('dangling symlink is unreadable, never clean', () => {
    symlinkSync(join(dir, 'gone.log'), join(dir, 'dangling.log'));
    oneLine(run(['dangling.log']), /cannot read dangling\.log/);
  });
  it('a dangling link inside a scanned directory is an error, a link to a file is scanned', () => {
    mkdirSync(join(dir, 'linked'));
    symlinkSync(join(dir, 'logs/canary/a.log'), join(dir, 'linked/a.log'));
    expect(json(run(['linked', '--json'])).pii_leaks).toBe(1);
    symlinkSync(join(dir, 'gone.log'), join(dir, 'linked/gone.log'));
    // was: exit 2 and nothing else, the leak in a.log thrown away; now the leak and the error together
    const r = run(['linked', '--json']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^slogate: cannot read linked\/gone\.log/)]);
    expect(json(r)).toMatchObject({ pii_leaks: 1, errors: [{ file: 'linked/gone.log' }] });
    // without PII beside it, the error alone is exit 2 (incomplete, so not clean)
    const only = run(['linked/gone.log']);
    expect(only.status).toBe(2);
  });
  it('glob with no match', () => oneLine(run(['logs/*.txt']), /no files match 'logs\/\*\.txt'/));
  it('bad glob', () => oneLine(run(['logs/[a.log']), /bad glob/));
  it('truncated .gz', () => {
    const gz = gzipSync(CLEAN_LINE.repeat(2000));
    writeFileSync(join(dir, 'cut.log.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    // the error is one line on stderr; the report says what was read before it
    const r = run(['cut.log.gz', '--json']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/cut\.log\.gz: truncated gzip/)]);
    const out = json(r);
    expect(out.pii_leaks).toBe(0);
    expect(out.lines).toBeGreaterThan(0);
    expect(out.errors).toEqual([{ file: 'cut.log.gz', message: expect.stringMatching(/truncated gzip/) }]);
  });
  it('corrupt .gz', () => {
    writeFileSync(join(dir, 'bad.log.gz'), Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(64, 0x41)]));
    const r = run(['bad.log.gz']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/bad\.log\.gz: (corrupt|truncated) gzip/)]);
  });
  it('bad allowlist', () => {
    writeFileSync(join(dir, 'allow-bad.yaml'), 'ip: ["10.0.0.0/40"]\n');
    oneLine(run(['clean.log', '--allow', 'allow-bad.yaml']), /allow-bad\.yaml: ip\[0\] '10\.0\.0\.0\/40' is not an IP address or CIDR/);
    oneLine(run(['clean.log', '--allow', 'missing.yaml']), /cannot read allowlist missing\.yaml/);
  });
  it('bad --jobs', () => oneLine(run(['clean.log', '--jobs', '0']), /--jobs must be an integer >= 1/));
});

describe('allowlist', () => {
  it('drops allowed values', () => {
    writeFileSync(join(dir, 'allow.yaml'), 'ip: [81.2.0.0/16]\nemail: [acme.io]\n');
    const r = run(['logs/canary/a.log', '--json', '--allow', 'allow.yaml']);
    expect(r.status).toBe(0);
    expect(json(r).pii_leaks).toBe(0);
  });
});

describe('malformed input', () => {
  it('an empty file scans as zero lines', () => {
    const j = json(run(['empty.log', '--json']));
    expect(j).toMatchObject({ files: 1, lines: 0, bytes: 0, pii_leaks: 0 });
  });

  it('invalid UTF-8 and NUL bytes scan, and the PII around them is found', () => {
    const bad = Buffer.concat([Buffer.from('ok \xff\xfe\x00\x00 '), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from(' mail jane@acme.io\n\x00\x00\n'), Buffer.from('card 4111111111111111 \x00\n')]);
    writeFileSync(join(dir, 'binary.log'), bad);
    const j = json(run(['binary.log', '--json']));
    expect(j.lines).toBe(3);
    expect(j.by_category).toMatchObject({ email: 1, card: 1 });
    expect(j.findings.map((f: { line: number }) => f.line)).toEqual([1, 3]);
  });

  it('a 50 MB line with no newline scans in bounded memory and finds PII at both ends', () => {
    const body = Buffer.alloc(50 << 20, 'a1. ');
    const line = Buffer.concat([Buffer.from('start jane@acme.io '), body, Buffer.from(' end 81.2.69.160')]);
    writeFileSync(join(dir, 'huge.log'), line);
    const timeBin = '/usr/bin/time';
    const withTime = existsSync(timeBin);
    const r = withTime
      ? spawnSync(timeBin, ['-f', 'maxrss=%M', SLOGATE, 'pii-scan', 'huge.log', '--json', '--jobs', '1'], { cwd: dir, encoding: 'utf8' })
      : run(['huge.log', '--json', '--jobs', '1']);
    expect(r.status, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.lines).toBe(1);
    expect(j.bytes).toBe(line.length);
    expect(j.pii_leaks).toBe(1);
    expect(j.by_category).toMatchObject({ email: 1, ip: 1 });
    if (withTime) {
      const kb = Number(/maxrss=(\d+)/.exec(r.stderr)![1]);
      expect(kb / 1024).toBeLessThan(200);
    }
    rmSync(join(dir, 'huge.log'));
  });

  it('adversarial 1 MB lines (digits, dots, @, spaces, colons) complete and find nothing', () => {
    const mb = 1 << 20;
    const lines = [
      '9'.repeat(mb),
      '.'.repeat(mb),
      '@'.repeat(mb),
      ' '.repeat(mb),
      '1.'.repeat(mb / 2),
      '1 '.repeat(mb / 2),
      'a@'.repeat(mb / 2),
      '1-'.repeat(mb / 2),
      ':'.repeat(mb),
      'f:'.repeat(mb / 2),
      '+1 '.repeat(mb / 3),
      'username '.repeat(mb / 9),
      '(1'.repeat(mb / 2),
      'a.a'.repeat(mb / 3) + '@',
    ];
    writeFileSync(join(dir, 'adversarial.log'), lines.join('\n') + '\n');
    const r = run(['adversarial.log', '--json', '--jobs', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r)).toMatchObject({ lines: lines.length, pii_leaks: 0 });
  });
});

describe('evidence and redaction', () => {
  it('--out writes per-category files and a summary with no raw PII; scanning them finds nothing', () => {
    const truth = loadLabelled();
    writeFileSync(join(dir, 'corpus.log'), truth.text);
    const out = join(dir, 'evidence/pii');
    const r = run(['corpus.log', '--json', '--out', out, '--label', 'T+2h', '--max-findings', '100000']);
    expect(r.status).toBe(1);
    const j = json(r);
    expect(readdirSync(out).sort()).toEqual([...PII_CATEGORIES.map((c) => `${c}_T+2h.txt`), 'summary_T+2h.json'].sort());
    for (const c of PII_CATEGORIES) {
      const text = readFileSync(join(out, `${c}_T+2h.txt`), 'utf8');
      const lines = text.split('\n').filter(Boolean);
      expect(lines).toHaveLength(j.by_category[c]);
      for (const l of lines) expect(l).toMatch(/^corpus\.log:\d+: /);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary_T+2h.json'), 'utf8'));
    expect(summary).toMatchObject({ label: 'T+2h', pii_leaks: j.pii_leaks, by_category: j.by_category });

    // The scanner's own outputs, scanned by the scanner: nothing.
    writeFileSync(join(dir, 'scan-output.json'), r.stdout);
    const again = run([out, 'scan-output.json', '--json']);
    expect(again.status, again.stdout).toBe(0);
    expect(json(again).pii_leaks).toBe(0);
    // And no raw value from the fixtures appears verbatim.
    const all = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')).join('\n') + r.stdout;
    for (const raw of ['jane.doe@acme.io', '81.2.69.160', '4111111111111111', '4155552671', '"username":"bob"', '2001:db8::8a2e:370:7334']) {
      expect(all).not.toContain(raw);
    }
  });
});

describe('worker threads', () => {
  it('--jobs 2 on a file split into ranges gives the same result as --jobs 1', () => {
    const lines: string[] = [];
    for (let i = 0; i < 140_000; i++) {
      lines.push(i % 997 === 0 ? `{"n":${i},"to":"user${i}@acme.io"}` : `{"n":${i},"ts":"2026-11-22T10:00:00Z","msg":"webhook delivered ok","status":200,"pad":"${'x'.repeat(200)}"}`);
    }
    writeFileSync(join(dir, 'big.log'), lines.join('\n') + '\n');
    const one = json(run(['big.log', '--json', '--jobs', '1', '--max-findings', '100000']));
    const two = json(run(['big.log', '--json', '--jobs', '2', '--max-findings', '100000'], { env: {} }));
    expect(one.bytes).toBeGreaterThan(32 << 20); // large enough to be split
    expect(two.lines).toBe(140_000);
    expect(two.pii_leaks).toBe(Math.floor(139_999 / 997) + 1);
    expect({ ...two, findings: two.findings.map((f: { fingerprint?: string }) => ({ ...f, fingerprint: undefined })) }).toEqual({
      ...one,
      findings: one.findings.map((f: { fingerprint?: string }) => ({ ...f, fingerprint: undefined })),
    });
    expect(two.findings[1].line).toBe(998);
    rmSync(join(dir, 'big.log'));
  });
});

describe('--loki', () => {
  it('reads lines from a Loki query_range endpoint and exits 1 on PII', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'streams', result: [{ stream: { app: 'webhook-sender' }, values: [[String(Date.now() * 1e6), '{"to":"jane@acme.io"}']] }] },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile(SLOGATE, ['pii-scan', '--loki', `http://127.0.0.1:${port}`, '--query', '{app="webhook-sender"}', '--since', '30m', '--json'], (err, stdout) =>
          resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout }),
        );
      });
      expect(code).toBe(1);
      const j = JSON.parse(stdout);
      expect(j).toMatchObject({ pii_leaks: 1, lines: 1, files: 1 });
      expect(j.findings[0].file).toBe('loki:{app="webhook-sender"}');
      expect(seen[0]).toMatch(/^\/loki\/api\/v1\/query_range\?/);
      expect(new URLSearchParams(seen[0].split('?')[1]).get('query')).toMatch(/^\{app="webhook-sender"\} \|~ `/);
    } finally {
      server.close();
    }
  });
});
