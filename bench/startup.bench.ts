// npm run bench:startup — start-up of the installed package: `slogate --version` from the
// packed tarball (compiled JavaScript) against `node -e 0`, and the clone's tsx entry beside
// them. Target: the installed package within 3x of `node -e 0`.
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { installedProject, packRepository, ROOT } from '../test/harness/package.ts';

const RUNS = 15;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(cmd: string, args: string[], cwd: string): number {
  const runs: number[] = [];
  for (let i = 0; i < RUNS + 2; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    if (i >= 2) runs.push(ms); // the first two warm the file cache
  }
  return median(runs);
}

const work = await mkdtemp(join(tmpdir(), 'slogate-bench-startup-'));
let project = '';
try {
  project = await installedProject(await packRepository(work));
  const node = time(process.execPath, ['-e', '0'], project);
  const installed = time(join(project, 'node_modules/.bin/slogate'), ['--version'], project);
  const clone = time(join(ROOT, 'bin/slogate'), ['--version'], ROOT);
  console.log(`median of ${RUNS} runs each (${process.version}, ${dirname(process.execPath)})`);
  console.log(`node -e 0:                          ${node.toFixed(0)} ms`);
  console.log(`slogate --version (installed, dist): ${installed.toFixed(0)} ms  ratio ${(installed / node).toFixed(2)}x  (target <= 3x)`);
  console.log(`slogate --version (clone, tsx):      ${clone.toFixed(0)} ms  ratio ${(clone / node).toFixed(2)}x`);
} finally {
  if (project) await rm(project, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
}
