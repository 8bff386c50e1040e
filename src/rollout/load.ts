// Reads what `canary status` needs from an evidence folder: T+0 and the recorded verdicts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CheckpointName, Runbook } from '../contract/runbook.ts';
import { layout } from '../evidence/layout.ts';
import { toUnix, verdictProblems, verdictWindow, type VerdictDoc } from '../evidence/verdict.ts';
import type { RecordedVerdict } from './status.ts';

export class RolloutInputError extends Error {}

export interface RolloutEvidence {
  t0: number | null;
  /** Where T+0 was read from. */
  startFile: string | null;
  /** Phase as found in the folder: its name (phaseN) or its verdicts; null when nothing says. */
  phase: number | null;
  recorded: Map<CheckpointName, RecordedVerdict>;
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

async function readIfThere(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new RolloutInputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `phase2` → 25: the runbook keeps later phases in evidence/canary/phaseN/. */
function phaseFromDirName(rb: Runbook, dir: string): number | null {
  const m = /^phase(\d+)$/.exec(path.basename(path.resolve(dir)));
  return m ? (rb.phases[Number(m[1]) - 1]?.phase ?? null) : null;
}

export async function loadRolloutEvidence(rb: Runbook, dir: string): Promise<RolloutEvidence> {
  let startFile = path.join(dir, layout.startTime);
  let text = await readIfThere(startFile).catch((err) => {
    if (err instanceof RolloutInputError && /EISDIR/.test(err.message)) return null;
    throw err;
  });
  const named = phaseFromDirName(rb, dir);
  if (text === null && named !== null) {
    // the runbook's Phase 2 setup writes evidence/canary/phase2_start_time.txt next to the folder
    const alt = path.join(path.dirname(path.resolve(dir)), `${path.basename(path.resolve(dir))}_start_time.txt`);
    text = await readIfThere(alt);
    if (text !== null) startFile = alt;
  }
  let t0: number | null = null;
  if (text !== null) {
    const v = text.trim();
    if (!RFC3339.test(v) || Number.isNaN(toUnix(v))) throw new RolloutInputError(`${startFile}: ${JSON.stringify(v.slice(0, 40))} is not an RFC3339 time such as 2026-01-05T10:00:00Z`);
    t0 = toUnix(v);
  }
  const recorded = new Map<CheckpointName, RecordedVerdict>();
  const phases = new Set<number>();
  const all = [...new Set(rb.phases.flatMap((p) => p.checkpoints))];
  for (const cp of all) {
    const file = path.join(dir, layout.verdict(cp));
    const raw = await readIfThere(file);
    if (raw === null) continue;
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch {
      recorded.set(cp, { problem: `${layout.verdict(cp)} is not JSON` });
      continue;
    }
    const problems = verdictProblems(doc, rb);
    if (problems.length) {
      recorded.set(cp, { problem: `${layout.verdict(cp)}: ${problems[0]}` });
      continue;
    }
    const v = doc as VerdictDoc;
    phases.add(v.phase);
    recorded.set(cp, { verdict: v.verdict, at: verdictWindow(v).end });
  }
  const phase = named ?? (phases.size === 1 ? [...phases][0] : null);
  if (phases.size > 1) throw new RolloutInputError(`${dir} holds verdicts of several phases (${[...phases].join(', ')}%): give --phase`);
  return { t0, startFile: t0 === null ? null : startFile, phase, recorded };
}
