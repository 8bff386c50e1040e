// `slogate canary status`: where the rollout stands, from the evidence folder and the clock.
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { timelineSvg } from '../../charts/timeline.ts';
import { RolloutInputError, loadRolloutEvidence } from '../../rollout/load.ts';
import { hhmm, rolloutStatus, statusNeedsAction, type RolloutStatus } from '../../rollout/status.ts';
import { UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';
import { instant } from './gate.ts';

export const CANARY_STATUS_EXIT = { onTrack: 0, actionNeeded: 1, usage: 2 } as const;

interface StatusFlags {
  runbook?: string;
  evidence: string;
  phase?: string;
  at?: string;
  json?: boolean;
  svg?: string;
}

const CP_MARK: Record<string, string> = { done: 'done', open: 'OPEN', upcoming: 'next', missed: 'MISSED', unreadable: 'BAD' };

export function statusText(s: RolloutStatus): string {
  const lines = [`${s.phase_name}: ${s.state}${s.t0 ? `, T+0 ${s.t0} (${Math.floor(s.elapsed_minutes! / 60)} h ${s.elapsed_minutes! % 60} min ago)` : ''}`];
  for (const c of s.checkpoints) {
    const window = `${c.earliest.slice(0, 10)} ${hhmm(Date.parse(c.earliest) / 1000)}–${hhmm(Date.parse(c.latest) / 1000)} UTC`;
    const verdict = c.verdict ? `${c.verdict}${c.verdict_at ? ` at ${c.verdict_at}` : ''}${c.outside_window ? ' (outside its window)' : ''}` : c.problem ?? '—';
    lines.push(`  ${CP_MARK[c.state].padEnd(6)} ${c.label.padEnd(6)} ${window}   ${verdict}`);
  }
  lines.push('', s.message);
  if (s.next_command) lines.push(`next: ${s.next_command}`);
  return lines.join('\n') + '\n';
}

export function registerCanary(program: Command): void {
  const canary = program.command('canary').description('the rollout as a whole');
  canary
    .command('status')
    .description('phase, T+0, checkpoint windows, recorded verdicts, what is due or missed, and the next command')
    .requiredOption('--evidence <dir>', 'the evidence folder of this phase (start_time.txt, verdict_T+*.json)')
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .option('--phase <percent>', "phase (default: from the folder's name or verdicts, else the runbook's first)")
    .option('--at <rfc3339>', 'judge at this time instead of now')
    .option('--json', 'print the status as JSON')
    .option('--svg <file>', 'also write the rollout timeline as SVG')
    .action(async (flags: StatusFlags) => {
      const rb = await loadRunbook(flags.runbook);
      const dir = flags.evidence;
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--evidence ${dir}: no such folder`, CANARY_STATUS_EXIT.usage);
      let phase: number | undefined;
      if (flags.phase !== undefined) {
        phase = Number(flags.phase);
        if (!rb.phases.some((p) => p.phase === phase)) throw new UserError(`--phase ${JSON.stringify(flags.phase)} is not a phase of the runbook: use ${rb.phases.map((p) => p.phase).join(', ')}`, CANARY_STATUS_EXIT.usage);
      }
      const now = flags.at ? instant('--at', flags.at) : Math.floor(Date.now() / 1000);
      let ev;
      try {
        ev = await loadRolloutEvidence(rb, dir);
      } catch (err) {
        if (err instanceof RolloutInputError) throw new UserError(err.message, CANARY_STATUS_EXIT.usage);
        throw err;
      }
      const s = rolloutStatus({ runbook: rb, phase: phase ?? ev.phase ?? rb.phases[0].phase, t0: ev.t0, now, recorded: ev.recorded, evidenceDir: dir });
      if (flags.svg) {
        await mkdir(path.dirname(flags.svg), { recursive: true });
        await writeFile(flags.svg, timelineSvg(s));
      }
      process.stdout.write(flags.json ? JSON.stringify(s, null, 2) + '\n' : statusText(s));
      process.exitCode = statusNeedsAction(s) ? CANARY_STATUS_EXIT.actionNeeded : CANARY_STATUS_EXIT.onTrack;
    });
}
