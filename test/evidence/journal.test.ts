// rollback_log.txt as an append-only journal, through the CLI: following the report's own
// rollback steps must leave a folder that `evidence verify` accepts and a later collect uses.
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slogateAsync as slogate } from '../harness/cli.ts';
import { appendJournal, readJournal } from '../../src/evidence/index.ts';

const FIX = path.resolve('test/report/fixtures');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'slogate journal '));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function collected(name: string): Promise<string> {
  const dir = path.join(work, name);
  // exit 1: no Prometheus and no logs, so the folder is sealed but incomplete
  expect((await slogate(['evidence', 'collect', '--out', dir, '--verdict', path.join(FIX, 'verdict_T+24h_rollback.json')])).code).toBe(1);
  return dir;
}

/** The shell commands the rollback report prints for this folder. */
async function reportedCommands(dir: string): Promise<string[]> {
  const r = await slogate(['report', '--evidence', dir, '--operator', 'dana']);
  expect(r.code).toBe(0);
  return r.stdout.split('\n').filter((l) => l.startsWith('slogate evidence log'));
}

describe('rollback journal', () => {
  it("following the report's rollback steps keeps verify at 0 and a later collect accepted (was: verify exit 1 `extra: rollback_log.txt`, collect refused)", async () => {
    const dir = await collected('steps');
    const cmds = await reportedCommands(dir);
    expect(cmds).toEqual([`slogate evidence log --dir '${dir}' "ROLLBACK INITIATED"`, `slogate evidence log --dir '${dir}' "ROLLBACK COMPLETE"`]);

    const initiated = await slogate(['evidence', 'log', '--dir', dir, 'ROLLBACK INITIATED']);
    expect(initiated.code).toBe(0);
    expect(initiated.stdout).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ - ROLLBACK INITIATED \(sealed in manifest.json\)/);
    expect((await slogate(['evidence', 'verify', dir])).code).toBe(0);
    expect((await slogate(['evidence', 'log', '--dir', dir, 'ROLLBACK COMPLETE'])).code).toBe(0);
    const v = await slogate(['evidence', 'verify', dir]);
    expect(v.code).toBe(0);
    expect(v.stderr).not.toContain('extra');

    const again = await slogate(['evidence', 'collect', '--out', dir, '--verdict', path.join(FIX, 'verdict_T+24h_rollback.json')]);
    expect(again.stderr).not.toMatch(/no longer matches/);
    expect(again.code).toBe(1);
    expect((await readJournal(dir)).map((e) => e.message)).toEqual(['ROLLBACK INITIATED', 'ROLLBACK COMPLETE']);

    const report = await slogate(['report', '--kind', 'rollback', '--evidence', dir, '--operator', 'dana']);
    expect(report.stdout).toContain('- [x] **Step 1**');
  });

  it("a hand-appended line (the runbook's echo >>) only grows the journal: verify says so and exits 0 (was: exit 1)", async () => {
    const dir = await collected('echo');
    await appendFile(path.join(dir, 'rollback_log.txt'), 'Tue Dec  1 06:50:00 UTC 2026 - ROLLBACK INITIATED\n');
    const v = await slogate(['evidence', 'verify', dir]);
    expect(v.code).toBe(0);
    expect(v.stderr).toContain('rollback_log.txt grew by 1 line after its seal');
    // the next entry seals the hand-written one too
    expect((await slogate(['evidence', 'log', '--dir', dir, 'ROLLBACK COMPLETE'])).code).toBe(0);
    const sealed = await slogate(['evidence', 'verify', dir]);
    expect(sealed.code).toBe(0);
    expect(sealed.stderr).not.toContain('grew');
  });

  it('an edited sealed entry fails verify, and `evidence log` refuses to seal over it (exit 1)', async () => {
    const dir = await collected('edited');
    expect((await slogate(['evidence', 'log', '--dir', dir, 'ROLLBACK INITIATED'])).code).toBe(0);
    const file = path.join(dir, 'rollback_log.txt');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/^\S+/, '2020-01-01T00:00:00Z'));
    const v = await slogate(['evidence', 'verify', dir]);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain(`changed: ${dir}/rollback_log.txt`);
    const log = await slogate(['evidence', 'log', '--dir', dir, 'ROLLBACK COMPLETE']);
    expect(log.code).toBe(1);
    expect(log.stderr).toMatch(/^slogate: .*rollback_log.txt no longer starts with what manifest.json sealed/);
    expect(await readFile(file, 'utf8')).not.toContain('ROLLBACK COMPLETE');
  });

  it('bad entries and folders: one line, exit 2', async () => {
    const dir = await collected('bad');
    const multi = await slogate(['evidence', 'log', '--dir', dir, 'ROLLBACK COMPLETE\n2020-01-01T00:00:00Z - forged']);
    expect(multi.code).toBe(2);
    expect(multi.stderr.trim().split('\n')).toHaveLength(1);
    expect((await slogate(['evidence', 'log', '--dir', dir, '  '])).code).toBe(2);
    const none = await slogate(['evidence', 'log', '--dir', path.join(work, 'nowhere'), 'ROLLBACK INITIATED']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('is not an evidence folder');
  });

  it('rollback verify records into the sealed journal: the folder still verifies, nothing left unsealed', async () => {
    const dir = await collected('drain');
    const { freePort } = await import('../harness/tsdb-servers.ts');
    const port = await freePort();
    const r = await slogate(['rollback', 'verify', '--prometheus', `http://127.0.0.1:${port}`, '--evidence', dir, '--deadline', '2s', '--interval', '1s', '--rate-window', '5s']);
    expect(r.code).toBe(3);
    expect((await readJournal(dir)).map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^DRAIN NOT VERIFIED: /)]));
    const v = await slogate(['evidence', 'verify', dir]);
    // the journal's entries are sealed as written (rollback verify's own rollback_drain.json is a separate file, written by rollback verify)
    expect(v.stderr).not.toMatch(/rollback_log\.txt/);
  }, 30_000);

  it('library API: appendJournal seals entry by entry (what rollback verify records)', async () => {
    const dir = await collected('api');
    const r = await appendJournal(dir, 'ROLLBACK VERIFY: traffic 0.00/s on 25 instances', { now: new Date('2026-12-01T07:00:00.500Z') });
    expect(r).toMatchObject({ sealed: true, entry: { at: '2026-12-01T07:00:00Z' } });
    expect(await readJournal(dir)).toEqual([{ at: '2026-12-01T07:00:00Z', message: 'ROLLBACK VERIFY: traffic 0.00/s on 25 instances' }]);
    const m = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
    expect(m.files.find((f: { path: string }) => f.path === 'rollback_log.txt').bytes).toBe(Buffer.byteLength('2026-12-01T07:00:00Z - ROLLBACK VERIFY: traffic 0.00/s on 25 instances\n'));
    expect((await slogate(['evidence', 'verify', dir])).code).toBe(0);
  });
});
