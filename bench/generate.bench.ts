// npm run bench:generate — wall time of `slogate generate` on this project, and
// in-process generation of N synthetic SLOs to show the cost grows linearly.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildArtefacts, writeArtefacts, type Runbook, type SloDef } from '../src/index.ts';
import { runbook as projectDefinitions } from '../runbooks/webhook-delivery/index.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function syntheticSlos(n: number): SloDef[] {
  const [availability, latency] = projectDefinitions.slos;
  return Array.from({ length: n }, (_, i) => {
    const base = i % 2 ? latency : availability;
    // the derived alert names would pass 40 characters: name them
    return { ...base, name: `synthetic-${i}-${base.name}`, objective: [99, 99.5, 99.9, 95][i % 4], alerts: { page: { name: `Synthetic${i}Page` }, ticket: { name: `Synthetic${i}Ticket` } } };
  });
}

const tmp = await mkdtemp(join(tmpdir(), 'slogate-bench-'));
try {
  const cli: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = spawnSync('bin/slogate', ['generate', '--out', join(tmp, 'cli')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    cli.push(performance.now() - t);
  }
  console.log(`npm run generate (bin/slogate generate, whole process, median of 5): ${median(cli).toFixed(0)} ms (target < 3000 ms)`);

  const baseDefs: Runbook = { ...projectDefinitions, slos: [] };
  const rows: [number, number, number][] = [];
  for (const n of [25, 50, 100, 200, 400]) {
    const defs: Runbook = { ...baseDefs, slos: syntheticSlos(n) };
    buildArtefacts(defs); // warm-up
    const times: number[] = [];
    let files = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const artefacts = buildArtefacts(defs);
      await writeArtefacts(join(tmp, `syn-${n}`), artefacts);
      times.push(performance.now() - t);
      files = artefacts.length;
    }
    rows.push([n, median(times), files]);
  }
  console.log('\nsynthetic SLOs (build + validate + atomic write, in process, median of 3):');
  console.log('  SLOs   files   time (ms)   ms per SLO   vs 25 SLOs (per SLO)');
  const per25 = rows[0][1] / rows[0][0];
  for (const [n, ms, files] of rows) {
    console.log(`  ${String(n).padStart(4)}  ${String(files).padStart(6)}  ${ms.toFixed(1).padStart(10)}  ${(ms / n).toFixed(2).padStart(11)}   ${((ms / n) / per25).toFixed(2)}x`);
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
