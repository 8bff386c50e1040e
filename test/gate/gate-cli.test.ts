// The command line contract without a backend: usage errors exit 2 in one line, and a
// Prometheus that is down makes the gate inconclusive (exit 3), never green.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../harness/tsdb-servers.ts';
import { slogate } from '../harness/gate-suite.ts';

const base = ['gate', '--prometheus', 'http://127.0.0.1:9', '--start', '2025-06-01T00:00:00Z', '--at', '2025-06-01T00:30:00Z', '--checkpoint', '30m'];

describe('slogate gate: usage', () => {
  it.each([
    [['--phase', '5', '--checkpoint', '48h'], /phase 5 has no 48h checkpoint/],
    [['--phase', '25', '--checkpoint', '30m'], /phase 25 has no 30m checkpoint/],
    [['--phase', '100', '--checkpoint', '24h'], /phase 100 has no checkpoints/],
    [['--phase', '7'], /--phase 7 is not a canary phase/],
    [['--start', 'yesterday'], /--start "yesterday" is not an RFC 3339 time/],
    [['--at', '2025-05-31T00:00:00Z'], /is not after --start/],
    [['--selector', 'job="x"'], /--selector must be label matchers in braces/],
    [['--selector', '{job="x"} or up{job="y"}'], /--selector must be label matchers in braces.*only label matchers/],
    [['--selector', '{job="x"}[5m]'], /--selector must be label matchers in braces/],
    [['--selector', '{job="x"} offset 1h'], /--selector must be label matchers in braces/],
    [['--selector', '{job}'], /not valid PromQL/],
    [['--selector', '{job="x"'], /--selector must be label matchers in braces/],
    [['--start', '2999-01-01T00:00:00Z', '--at', '2999-01-01T00:30:00Z'], /--at 2999-01-01T00:30:00Z ends the window at .* in the future/],
    [['--timeout', 'soon'], /--timeout "soon" is not a duration/],
    [['--checkpoint', '1h'], /--checkpoint 1h is not a checkpoint \(use 30m, 2h, 24h, 48h\)/],
    [['--skip', 'alerts'], /Allowed choices are pii/],
    [['--prometheus', 'ftp://x'], /must be http or https/],
    [['--time-scale', '0'], /--time-scale "0" must be a number in \(0, 1\]/],
    [['--time-scale', '2'], /--time-scale "2" must be a number in \(0, 1\]/],
    [['--time-scale', '-0.5'], /--time-scale "-0.5" must be a number in \(0, 1\]/],
    [['--time-scale', 'fast'], /--time-scale "fast" must be a number in \(0, 1\]/],
  ])('%j', async (extra, message) => {
    const r = await slogate([...base, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('slogate metrics refuses a window that ends in the future', async () => {
    const start = new Date(Date.now() - 3600_000).toISOString();
    const r = await slogate(['metrics', '--prometheus', 'http://127.0.0.1:9', '--start', start, '--window', '0h-2h', '--output', '/tmp/never-written.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^slogate: --window 0h-2h ends the window at .* in the future/);
  });

  it('lists --time-scale in its help', async () => {
    const r = await slogate(['gate', '--help']);
    expect(r.stdout).toMatch(/--time-scale <factor>.*never in production/s);
  });

  it('requires --prometheus, --start and --checkpoint', async () => {
    const r = await slogate(['gate', '--start', '2025-06-01T00:00:00Z', '--checkpoint', '30m']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--prometheus/);
  });
});

describe('slogate gate: Prometheus down', () => {
  it('is inconclusive with exit 3 and says why, without printing credentials', async () => {
    const port = await freePort();
    const r = await slogate([...base, '--prometheus', `http://127.0.0.1:${port}`, '--skip', 'pii', '--json'], { PROMETHEUS_TOKEN: 'tok-abc-123', PROMETHEUS_PASSWORD: 'pw-xyz' });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('inconclusive');
    expect(out.next_phase).toBe(5);
    expect(out.reasons.join(' ')).toMatch(/unreachable: ECONNREFUSED/);
    expect(out.checks.filter((c: { status: string }) => c.status === 'no_data').map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining(['deliveries', 'success_rate', 'p95_latency', 'circuit_breaker_opens', 'critical_alerts']),
    );
    expect(r.stdout + r.stderr).not.toMatch(/tok-abc-123|pw-xyz/);
  });

  it('--out with a regex --selector still seals the verdict (no crash, exit 3)', async () => {
    const port = await freePort();
    const out = await mkdtemp(join(tmpdir(), 'slogate-gate-out-'));
    try {
      const sel = '{job="webhook-sender",instance=~"webhook-sender-00[1-5]"}';
      const r = await slogate([...base, '--prometheus', `http://127.0.0.1:${port}`, '--skip', 'pii', '--selector', sel, '--out', out, '--deadline', '3s']);
      expect(r.code).toBe(3);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      const verdict = JSON.parse(await readFile(join(out, 'verdict_T+30m.json'), 'utf8'));
      expect(verdict.verdict).toBe('inconclusive');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('slogate metrics refuses to write a summary with holes (exit 3)', async () => {
    const port = await freePort();
    const r = await slogate(['metrics', '--prometheus', `http://127.0.0.1:${port}`, '--start', '2025-06-01T00:00:00Z', '--window', '2h', '--output', '/tmp/slogate-never-written.json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot summarise T\+2h: .*unreachable/);
  });

  it('slogate metrics rejects a malformed window', async () => {
    const r = await slogate(['metrics', '--prometheus', 'http://127.0.0.1:9', '--start', '2025-06-01T00:00:00Z', '--window', '4h-3h', '--output', '/tmp/x.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--window "4h-3h" is not a window/);
  });
});
