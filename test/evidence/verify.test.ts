// `evidence verify` / `collect --verdict` on folders that were tampered with, and verdict
// files that were hand-edited: no Prometheus needed, the CLI end to end.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slogateAsync } from '../harness/cli.ts';

const FIX = path.resolve('test/report/fixtures');

const slogate = (args: string[]) => slogateAsync(args);

let work: string;
const fixture = async (name: string) => JSON.parse(await readFile(path.join(FIX, name), 'utf8'));
async function verdictFile(name: string, edit: (v: Record<string, any>) => void): Promise<string> {
  const v = await fixture(name);
  edit(v);
  const f = path.join(work, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(f, JSON.stringify(v, null, 2));
  return f;
}

beforeAll(async () => {
  // a path with spaces, as operators' home folders have
  work = await mkdtemp(path.join(tmpdir(), 'slogate verify '));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('evidence verify', () => {
  it('an edited manifest verdict (continue -> promote) does not pass, and blocks a re-collect', async () => {
    const dir = path.join(work, 'ev canary');
    expect((await slogate(['evidence', 'collect', '--out', dir, '--verdict', path.join(FIX, 'verdict_T+30m_marginal.json')])).code).toBe(1);
    const v2h = await verdictFile('verdict_T+30m_marginal.json', (v) => {
      v.checkpoint = '2h';
      v.verdict = 'continue';
      v.window.end = '2025-09-01T08:00:00Z';
      v.checks = v.checks.map((c: { status: string }) => ({ ...c, status: 'pass' }));
    });
    expect((await slogate(['evidence', 'collect', '--out', dir, '--verdict', v2h])).code).toBe(1);
    const ok = await slogate(['evidence', 'verify', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('T+30m marginal, T+2h continue');

    const file = path.join(dir, 'manifest.json');
    const m = JSON.parse(await readFile(file, 'utf8'));
    m.verdict = 'promote';
    m.verdicts['2h'] = 'promote';
    await writeFile(file, JSON.stringify(m, null, 2));
    const bad = await slogate(['evidence', 'verify', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('manifest.json says T+2h was promote, but verdict_T+2h.json says continue');
    const again = await slogate(['evidence', 'collect', '--out', dir, '--verdict', v2h]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/no longer matches its manifest/);
  });

  it('no manifest and no folder: one line each, exit 2', async () => {
    const empty = path.join(work, 'empty dir');
    await mkdir(empty);
    const a = await slogate(['evidence', 'verify', empty]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(`slogate: ${empty}/manifest.json: no manifest (collect the evidence with slogate first)\n`);
    const b = await slogate(['evidence', 'verify', path.join(work, 'nope')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`slogate: ${path.join(work, 'nope')}: no such evidence folder\n`);
  });
});

describe('hand-edited verdicts are refused, naming the field', () => {
  it.each([
    ['a rollback turned into promote', 'verdict_T+24h_rollback.json', (v: Record<string, any>) => ((v.verdict = 'promote'), (v.next_phase = 25)), /"verdict" is promote, but its checks at T\+24h of the 5% phase make it rollback \(.*critical/],
    ['a marginal turned into continue', 'verdict_T+30m_marginal.json', (v: Record<string, any>) => (v.verdict = 'continue'), /"verdict" is continue, but its checks .* make it marginal \(success_rate warn\)/],
    ['a next_phase skipping a phase', 'verdict_T+24h_promote.json', (v: Record<string, any>) => (v.next_phase = 100), /"next_phase" is 100, but a promote at 5% leads to 25/],
    ['a phase that does not exist', 'verdict_T+24h_promote.json', (v: Record<string, any>) => (v.phase = 7), /"phase"\/"checkpoint": phase 7 is not a canary phase/],
    ['a window ending before it starts', 'verdict_T+24h_promote.json', (v: Record<string, any>) => (v.window.end = v.window.start), /"window.end" must be after "window.start"/],
    ['a success rate written as a string', 'verdict_T+24h_promote.json', (v: Record<string, any>) => (v.metrics.success_rate = '98.7'), /"metrics.success_rate" must be a number or null/],
  ])('%s', async (_, name, edit, message) => {
    const f = await verdictFile(name, edit);
    for (const args of [['report', '--verdict', f], ['evidence', 'collect', '--out', path.join(work, 'never'), '--verdict', f]]) {
      const r = await slogate(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('a rollback with passing checks is a manual escalation and is kept', async () => {
    const f = await verdictFile('verdict_T+24h_promote.json', (v) => ((v.verdict = 'rollback'), (v.next_phase = 0)));
    const r = await slogate(['report', '--kind', 'rollback', '--verdict', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('manual escalation');
  });

  it('a truncated verdict in the evidence folder says it is not JSON', async () => {
    const dir = path.join(work, 'trunc');
    await mkdir(dir);
    await writeFile(path.join(dir, 'verdict_T+24h.json'), (await readFile(path.join(FIX, 'verdict_T+24h_promote.json'), 'utf8')).slice(0, 300));
    const r = await slogate(['report', '--evidence', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^slogate: .*verdict_T\+24h\.json is not valid JSON/);
  });
});

describe('report numbers are the verdict JSON', () => {
  it('a success rate just under the target is not rounded up to it, nor a p95 just under 2000 ms up to 2,000', async () => {
    const f = await verdictFile('verdict_T+30m_marginal.json', (v) => {
      v.metrics.success_rate = 94.9968;
      v.metrics.p95_ms = 1999.6;
      v.metrics.deliveries = 123456;
    });
    const r = await slogate(['report', '--verdict', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| Success rate | 94.9968% |');
    expect(r.stdout).toContain('| P95 latency | 1999.6 ms |');
    expect(r.stdout).toContain('123456');
    expect(r.stdout).not.toContain('95.00%');
    expect(r.stdout).not.toContain('2,000 ms');
  });
});
