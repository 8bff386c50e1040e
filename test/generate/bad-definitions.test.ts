// A bad definition file, through the CLI, in a copy of the project: one line naming the file
// and the field, exit 2, never a stack trace; `generate --check` keeps exit 1 for drift only.
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { ROOT } from '../harness/cli.ts';

let copy: string;
const DIRS = ['bin', 'src', 'slo', 'alerts', 'dashboards', 'schemas', 'templates', 'generated', 'runbooks'];

beforeAll(async () => {
  copy = await mkdtemp(path.join(tmpdir(), 'slogate-defs-'));
  for (const d of DIRS) await cp(path.join(ROOT, d), path.join(copy, d), { recursive: true }).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  for (const f of ['package.json', 'tsconfig.json']) await cp(path.join(ROOT, f), path.join(copy, f));
  await symlink(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
});
afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

/** The SLO definition file holding `timeWindow` (slo/ today, runbooks/… once definitions move). */
async function sloFile(): Promise<string> {
  for (const f of ['slo/availability.ts', 'runbooks/webhook-delivery/slo-availability.ts', 'runbooks/webhook-delivery/availability.ts']) {
    const p = path.join(copy, f);
    if ((await readFile(p, 'utf8').catch(() => '')).includes("timeWindow: '30d'")) return f;
  }
  throw new Error('no SLO definition with timeWindow 30d found');
}

async function edited<T>(file: string, edit: (s: string) => string, run: () => Promise<T>): Promise<T> {
  const p = path.join(copy, file);
  const before = await readFile(p, 'utf8');
  await writeFile(p, edit(before));
  try {
    return await run();
  } finally {
    await writeFile(p, before);
  }
}

/** The copy's own bin/slogate, so it loads the copy's definitions. */
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string; lines: string[] }> {
  return new Promise((resolve) => {
    execFile(path.join(copy, 'bin', 'slogate'), args, { cwd: copy }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr, lines: stderr.trim().split('\n') });
    });
  });
}

describe('bad definitions', () => {
  it("timeWindow: '30days' was a RangeError stack trace and exit 1; now one line naming the file and the field, exit 2", async () => {
    const file = await sloFile();
    const gate = ['gate', '--prometheus', 'http://127.0.0.1:9', '--start', '2025-01-01T00:00:00Z', '--at', '2025-01-01T00:30:00Z', '--checkpoint', '30m', '--skip', 'pii'];
    for (const args of [['generate'], ['generate', '--check'], gate]) {
      const r = await edited(file, (s) => s.replace("timeWindow: '30d'", "timeWindow: '30days'"), () => run(args));
      expect(r.code, r.stderr).toBe(2);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(new RegExp(`^slogate: ${file.replace(/[.+]/g, '\\$&')}:\\d+: timeWindow: .*"30days"`));
      expect(r.stderr).not.toMatch(/\n\s+at |RangeError/);
    }
  });

  it('a TypeScript syntax error in a definition was an esbuild stack; now one line with file:line:column, exit 2', async () => {
    const file = await sloFile();
    const r = await edited(file, (s) => s.replace('objective: 99,', 'objective: 99,,'), () => run(['generate', '--check']));
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(new RegExp(`^slogate: ${file.replace(/[.+]/g, '\\$&')}:\\d+:\\d+: .+ \\(the definition does not compile\\)$`));
    expect(r.stdout).toBe('');
  });

  it('generate --check keeps exit 1 for drift only', async () => {
    const ok = await run(['generate', '--check']);
    expect(ok.code, ok.stderr).toBe(0);
    const file = path.join(copy, 'generated', 'README.md');
    const stale = (await readFile(file, 'utf8').catch(() => null)) === null ? null : file;
    const target = stale ?? path.join(copy, 'generated', 'extra-file.txt');
    const before = stale ? await readFile(stale, 'utf8') : null;
    await writeFile(target, (before ?? '') + '\nhand edit\n');
    try {
      const drift = await run(['generate', '--check']);
      expect(drift.code).toBe(1);
      expect(drift.stderr).toMatch(/(stale|extra): /);
    } finally {
      if (before !== null) await writeFile(target, before);
      else await rm(target);
    }
  });
});
