// Report fixes through the CLI, from hand-made verdicts: each test names the old (wrong)
// output and asserts the new one.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slogateAsync as slogate } from '../harness/cli.ts';

const FIX = path.resolve('test/report/fixtures');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'slogate-report-marks-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

type Check = { name: string; value: number | null; status: string; target: string; detail: string };

/** The T+30m fixture turned into a rollback whose checks are `edit`ed. */
async function rollbackFolder(name: string, edit: (checks: Check[], v: Record<string, any>) => void): Promise<string> {
  const v = JSON.parse(await readFile(path.join(FIX, 'verdict_T+30m_marginal.json'), 'utf8'));
  v.verdict = 'rollback';
  v.next_phase = 0;
  v.metrics.success_rate = 96.5;
  v.checks = v.checks.map((c: Check) => (c.name === 'success_rate' ? { ...c, value: 96.5, status: 'pass', detail: '96.5%' } : c));
  edit(v.checks, v);
  v.reasons = v.checks.filter((c: Check) => c.status !== 'pass').map((c: Check) => c.detail);
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'verdict_T+30m.json'), JSON.stringify(v, null, 2));
  return dir;
}

describe('report headline, marks and numbers', () => {
  it('a sustained breach rolled back with the headline showing ✅ for the success rate; now the row shows the check that caused it', async () => {
    const dir = await rollbackFolder('sustained', (checks) => {
      checks.push({ name: 'sustained_success_rate', value: 7, status: 'critical', target: 'no run below 90% longer than 5 min', detail: 'Success rate below 90% for 7 consecutive minutes from 2025-09-01T06:12:00Z.' });
    });
    const r = await slogate(['report', '--evidence', dir, '--output', path.join(dir, 'r.md'), '--operator', 'erin']);
    expect(r.code, r.stderr).toBe(0);
    const md = await readFile(path.join(dir, 'r.md'), 'utf8');
    expect(md).toMatch(/\| Success rate \| 96\.5% \| .* \| ❌ critical \(sustained_success_rate\) \|/);
    expect(md).not.toMatch(/\| Success rate \| 96\.5% \| .* \| ✅ pass \|/);
    const html = await readFile(path.join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/<td>96\.5%<\/td>|96\.5%/);
    expect(html).toContain('critical (sustained_success_rate)');
  });

  it('the HTML report relied on emoji glyphs (✅ ❌ ⚠️ ❔ ⏸️); now inline SVG marks and words, the messages as Slack shortcodes', async () => {
    const dir = await rollbackFolder('marks', (checks) => {
      checks.push({ name: 'sustained_p95_latency', value: null, status: 'no_data', target: 'x', detail: 'not measured' });
      checks.push({ name: 'sustained_success_rate', value: 6, status: 'critical', target: 'x', detail: 'Success rate below 90% for 6 consecutive minutes from 2025-09-01T06:10:00Z.' });
    });
    const r = await slogate(['report', '--evidence', dir, '--output', path.join(dir, 'r.md'), '--operator', 'erin']);
    expect(r.code, r.stderr).toBe(0);
    const html = await readFile(path.join(dir, 'r.html'), 'utf8');
    expect(html).not.toMatch(/[\u2705\u274c\u26a0\u2754\u23f8\u{1F300}-\u{1FAFF}]/u);
    expect(html).toMatch(/<svg class="mark"[^>]*aria-label="fail"/);
    expect(html).toMatch(/<svg class="mark"[^>]*aria-label="no data"/);
    expect(html).toContain(':x: T+30m checkpoint FAIL - rolling back');
    // the markdown keeps its emoji: chat and terminals show them
    expect(await readFile(path.join(dir, 'r.md'), 'utf8')).toContain('❌');
  });

  it('deliveries printed as fractions ("28292.37"); now whole deliveries', async () => {
    const dir = await rollbackFolder('fractions', (checks, v) => {
      v.metrics.deliveries = 28292.37;
      checks.forEach((c) => {
        if (c.name === 'deliveries') Object.assign(c, { value: 28292.37, detail: '28292 deliveries in the window' });
      });
      checks.push({ name: 'sustained_success_rate', value: 6, status: 'critical', target: 'x', detail: 'below 90% for 6 minutes from 2025-09-01T06:10:00Z.' });
    });
    for (const kind of ['checkpoint', 'rollback', 'postmortem']) {
      const r = await slogate(['report', '--kind', kind, '--evidence', dir, '--operator', 'erin']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, kind).not.toMatch(/28292\.37|28,292\.37/);
    }
    const r = await slogate(['report', '--evidence', dir, '--operator', 'erin']);
    expect(r.stdout).toMatch(/\| Deliveries \| 28292 \|/);
  });

  it('a PII-only rollback had the post-mortem say "Duration: 00:00"; now it runs from the first leaked line, or says unknown', async () => {
    const pii = (leakAt?: string) => (checks: Check[], v: Record<string, any>) => {
      v.metrics.pii_leaks = 3;
      checks.forEach((c) => {
        if (c.name === 'pii_leaks') Object.assign(c, { value: 3, status: 'critical', detail: '3 log lines contain personal data (any leak is a rollback).' });
      });
      if (leakAt) v.logs = { files: 1, lines: 900, errors: [], per_file: [], first_leak_ts: leakAt, last_leak_ts: '2025-09-01T06:20:00Z' };
    };
    const dated = await rollbackFolder('pii-dated', pii('2025-09-01T06:12:00Z'));
    const r = await slogate(['report', '--kind', 'postmortem', '--evidence', dated, '--operator', 'erin']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('**Duration:** 00:18 (18 minutes), from 2025-09-01T06:12:00Z to 2025-09-01T06:30:00Z');
    expect(r.stdout).toContain('| 06:12 (T+12m) | First log line with PII written (redacted lines in pii/) |');
    const undated = await rollbackFolder('pii-undated', pii());
    const u = await slogate(['report', '--kind', 'postmortem', '--evidence', undated, '--operator', 'erin']);
    expect(u.stdout).not.toMatch(/\*\*Duration:\*\* 00:00/);
    expect(u.stdout).toMatch(/\*\*Duration:\*\* unknown: the evidence has no alert, breach or leaked-line time/);
  });
});
