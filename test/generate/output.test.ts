// Where generate writes: other working directories, missing parents, files in the way,
// folders it may not write, and two runs at once. Each failure is one line, nothing partial.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slogate, ROOT, BIN } from '../harness/cli.ts';
import { writeArtefacts } from '../../src/generate/output.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'slogate-out-'));
});
afterAll(async () => {
  await chmod(join(tmp, 'ro'), 0o755).catch(() => {});
  await rm(tmp, { recursive: true, force: true });
});

const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/internal error|\n\s+at /);
};

describe('generate output folder', () => {
  it('--check and --out work from another working directory', () => {
    const r = slogate(['generate', '--check', '--out', join(ROOT, 'generated')], { cwd: tmp });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('creates missing parent folders, and a new folder is not private (0700)', async () => {
    const out = join(tmp, 'a', 'b', 'c', 'gen');
    const r = slogate(['generate', '--out', out]);
    expect(r.code).toBe(0);
    expect(slogate(['generate', '--check', '--out', out]).code).toBe(0);
    const mode = (await stat(out)).mode & 0o777;
    expect(mode).toBe((await stat(join(out, 'prometheus'))).mode & 0o777);
    expect(mode & 0o055).not.toBe(0);
  });

  it('keeps the mode of an existing output folder', async () => {
    const out = join(tmp, 'kept-mode');
    expect(slogate(['generate', '--out', out]).code).toBe(0);
    await chmod(out, 0o750);
    expect(slogate(['generate', '--out', out]).code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o750);
  });

  it('refuses to replace a file with the output folder', async () => {
    const file = join(tmp, 'a-file');
    await writeFile(file, 'keep me\n');
    const r = slogate(['generate', '--out', file]);
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toContain(`cannot write ${file}: it is a file, not a directory`);
    expect(await readFile(file, 'utf8')).toBe('keep me\n');
    const c = slogate(['generate', '--check', '--out', file]);
    expect(c.code).toBe(1);
    oneLine(c.stderr);
    const under = slogate(['generate', '--out', join(file, 'sub')]);
    expect(under.code).toBe(1);
    oneLine(under.stderr);
    expect(under.stderr).toContain('ENOTDIR');
  });

  it('refuses to replace a folder holding files it did not generate (`--out .` must not delete a repository)', async () => {
    const dir = join(tmp, 'project');
    await mkdir(join(dir, 'src'), { recursive: true });
    await writeFile(join(dir, 'keep.txt'), 'precious\n');
    const r = slogate(['generate', '--out', '.'], { cwd: dir });
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toBe('slogate: refusing to replace .: it holds files slogate does not generate (keep.txt, src); point --out at an empty folder or an earlier output\n');
    expect(await readFile(join(dir, 'keep.txt'), 'utf8')).toBe('precious\n');
    expect((await readdir(dir)).sort()).toEqual(['keep.txt', 'src']);
  });

  it('replaces an earlier output, removing stale files inside its own folders', async () => {
    const out = join(tmp, 'earlier');
    expect(slogate(['generate', '--out', out]).code).toBe(0);
    await writeFile(join(out, 'prometheus', 'slo_removed-slo.yml'), 'groups: []\n');
    expect(slogate(['generate', '--out', out]).code).toBe(0);
    expect(await readdir(join(out, 'prometheus'))).not.toContain('slo_removed-slo.yml');
    expect(slogate(['generate', '--check', '--out', out]).code).toBe(0);
  });

  it('writes into an existing empty folder', async () => {
    const out = join(tmp, 'empty-out');
    await mkdir(out);
    expect(slogate(['generate', '--out', out]).code).toBe(0);
    expect(slogate(['generate', '--check', '--out', out]).code).toBe(0);
  });

  it('a read-only parent: one line, exit 1, nothing written', async () => {
    const ro = join(tmp, 'ro');
    await chmod(tmp, 0o755); // mkdtemp is 0700: let nobody in
    await mkdir(ro);
    await chmod(ro, 0o555);
    // root ignores file modes: run as nobody then (setpriv is in util-linux)
    const asRoot = process.getuid?.() === 0;
    const cmd = asRoot ? 'setpriv' : BIN;
    const args = [...(asRoot ? ['--reuid=nobody', '--regid=nogroup', '--clear-groups', BIN] : []), 'generate', '--out', join(ro, 'gen')];
    const r = await new Promise<{ code: number | null; stderr: string }>((res) => {
      const c = spawn(cmd, args, { cwd: tmp });
      let stderr = '';
      c.stderr.on('data', (d) => (stderr += d));
      c.on('close', (code) => res({ code, stderr }));
    });
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(new RegExp(`^slogate: cannot write ${join(ro, 'gen')}: .*permission denied \\(EACCES\\)`));
    expect(await readdir(ro)).toEqual([]);
  });

  it('concurrent writes into one folder all succeed and leave one complete copy, no temp folders', async () => {
    const parent = join(tmp, 'race');
    const out = join(parent, 'gen');
    const artefacts = Array.from({ length: 12 }, (_, i) => ({ path: `d${i % 3}/f${i}.txt`, content: `file ${i}\n` }));
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => writeArtefacts(out, artefacts)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await readdir(parent)).toEqual(['gen']);
    for (const a of artefacts) expect(await readFile(join(out, a.path), 'utf8')).toBe(a.content);
  });

  it('two CLI generates racing both exit 0 and --check passes after', async () => {
    const out = join(tmp, 'race-cli');
    const run = () =>
      new Promise<number | null>((res) => {
        const c = spawn(BIN, ['generate', '--out', out], { cwd: ROOT, stdio: 'ignore' });
        c.on('close', res);
      });
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    expect(slogate(['generate', '--check', '--out', out]).code).toBe(0);
  });
});

describe('slogate lint fails closed', () => {
  it('a folder that does not exist is a problem, not "no problems"', () => {
    const r = slogate(['lint', join(tmp, 'no-such-dir')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no such directory');
  });

  it('an empty folder has no rule files', async () => {
    const dir = join(tmp, 'empty');
    await mkdir(dir);
    const r = slogate(['lint', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no rule files');
  });
});
