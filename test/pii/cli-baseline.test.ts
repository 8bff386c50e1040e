// `slogate pii-scan` as an operator uses it: the report grouped by (category, field),
// `--baseline-logs` (pre-existing pairs reported, not counted), and `| head` exiting quietly.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SLOGATE = fileURLToPath(new URL('../../bin/slogate', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'slogate-pii-baseline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(SLOGATE, args, { encoding: 'utf8', cwd: dir });
const file = (name: string, lines: string[]) => {
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
  return name;
};
const line = (extra: string) => `{"ts":"2026-11-22T08:00:00Z","msg":"webhook delivered","upstream_addr":"10.1.2.3:8443","from":"no-reply@hooks.slogate.dev"${extra}}`;

describe('pii-scan report and baseline', () => {
  const canary = file('canary.log', [
    ...Array.from({ length: 5 }, (_, i) => line(`,"egress":"52.1.2.${i + 1}","client_ip":"81.2.69.${i + 1}"`)),
    line(',"customer_email":"jane@acme.io"'),
    line(''),
  ]);

  it('groups findings by (category, field) in the text report, with the rule and the exempting entry', () => {
    const r = run(['pii-scan', canary]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\s+5 line\(s\) x ip\s+under client_ip\s+e\.g\. 81\.2\.x\.x\s+rule ip\.public; exempt with fields\.infrastructure: client_ip/m);
    expect(r.stdout).toMatch(/^\s+1 line\(s\) x email\s+under customer_email/m);
    expect(r.stdout).not.toMatch(/under (upstream_addr|egress|from)\b/);
    expect(r.stdout).not.toContain('jane@');
  });

  it('a pair the baseline has too is pre-existing and out of pii_leaks; a new pair still counts', () => {
    const stable = file('stable.log', [line(',"client_ip":"89.160.20.112"'), line('')]);
    const r = run(['pii-scan', canary, '--baseline-logs', stable, '--json']);
    expect(r.status, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.pii_leaks).toBe(1); // the customer email
    expect(j.by_category).toEqual({ email: 1, username: 0, ip: 0, phone: 0, card: 0 });
    expect(j.pre_existing).toBe(5);
    expect(j.baseline).toEqual({ files: 1, lines: 2, bytes: expect.any(Number), pairs: 1 });
    expect(j.groups).toEqual([
      { category: 'email', field: 'customer_email', lines: 1, values: 1, rule: 'email.address', exempt: expect.any(String), sample: 'j***@a***.io', status: 'new' },
      { category: 'ip', field: 'client_ip', lines: 5, values: 5, rule: 'ip.public', exempt: expect.any(String), sample: '81.2.x.x', status: 'pre-existing' },
    ]);
    expect(j.findings.filter((f: { status?: string }) => f.status === 'pre-existing')).toHaveLength(5);
    const text = run(['pii-scan', canary, '--baseline-logs', stable]);
    expect(text.stdout).toMatch(/5 line\(s\) x ip\s+under client_ip.*\[pre-existing: also in the baseline; still a leak to fix\]/);

    const onlyPre = file('canary-ip.log', [line(',"client_ip":"81.2.69.9"')]);
    const quiet = run(['pii-scan', onlyPre, '--baseline-logs', stable, '--json']);
    expect(quiet.status).toBe(0);
    expect(JSON.parse(quiet.stdout)).toMatchObject({ pii_leaks: 0, pre_existing: 1 });
  });

  it('an unreadable baseline is an error, never a quiet pass', () => {
    const r = run(['pii-scan', canary, '--baseline-logs', 'nope/*.log']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^slogate: .*nope/);
  });
});

describe('stdout closed early', () => {
  // A reader that goes away after the first chunk, like `| head -1`.
  const closedEarly = (args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(SLOGATE, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('close', (code) => resolve({ code, stderr }));
    });

  it('pii-scan --json | head exits without a stack trace', async () => {
    const big = file('big.log', Array.from({ length: 60_000 }, (_, i) => `{"client_ip":"81.2.${i % 250}.${(i >> 8) % 250}","n":${i}}`));
    const r = await closedEarly(['pii-scan', big, '--json', '--max-findings', '100000']);
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
  }, 60_000);

  it('so does any other command (help of every command, a long listing)', async () => {
    const r = await closedEarly(['pii-scan', '--help']);
    expect(r.stderr).toBe('');
    const g = await closedEarly(['gate', '--help']);
    expect(g.stderr).toBe('');
  }, 60_000);
});
