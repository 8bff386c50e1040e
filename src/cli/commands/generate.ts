import type { Command } from 'commander';
import { buildArtefacts, DefinitionError } from '../../generate/artefacts.ts';
import { compareArtefacts, OutputError, writeArtefacts } from '../../generate/output.ts';
import { lintGenerated } from '../../generate/lint.ts';
import type { Runbook } from '../../contract/runbook.ts';
import { UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';

function build(rb: Runbook, forScale?: number, slothCompatible?: boolean, rawLongWindows?: boolean) {
  try {
    return buildArtefacts(rb, { forScale, slothCompatible, rawLongWindows });
  } catch (e) {
    if (e instanceof DefinitionError) {
      // every problem on its own line; the last one becomes the UserError line
      const lines = e.problems;
      for (const l of lines.slice(0, -1)) process.stderr.write(`slogate: ${l}\n`);
      throw new UserError(lines[lines.length - 1] ?? 'invalid definitions');
    }
    throw e;
  }
}

/** A folder that can't be read or written is one line, exit 1, not a stack trace. */
async function onOutput<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof OutputError) throw new UserError(e.message, 1);
    throw e;
  }
}

function parseScale(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new UserError(`--for-scale: expected a number in (0, 1], got "${v}"`);
  return n;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate rule files, OpenSLO specs and dashboards into generated/')
    .option('--check', 'write nothing; exit 1 naming each stale, missing or extra file')
    .option('--out <dir>', 'output directory', 'generated')
    .option('--for-scale <factor>', 'multiply every alert `for` (test variants of the rules)', parseScale)
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .option('--sloth-compatible', "also emit Sloth's labels (sloth_id, sloth_service, sloth_slo, sloth_window) and sloth_slo_info")
    .option('--raw-long-windows', 'read the 1d, 3d and period ratios from the raw series (a first deployment, before the recorded rates cover them)')
    .action(async (opts: { check?: boolean; out: string; forScale?: number; runbook?: string; slothCompatible?: boolean; rawLongWindows?: boolean }) => {
      const artefacts = build(await loadRunbook(opts.runbook), opts.forScale, opts.slothCompatible, opts.rawLongWindows);
      if (opts.check) {
        const drift = await onOutput(() => compareArtefacts(opts.out, artefacts));
        const lines = [
          ...drift.stale.map((p) => `stale: ${opts.out}/${p}`),
          ...drift.missing.map((p) => `missing: ${opts.out}/${p}`),
          ...drift.extra.map((p) => `extra: ${opts.out}/${p}`),
        ];
        if (lines.length) {
          for (const l of lines) process.stderr.write(`slogate: ${l}\n`);
          process.stderr.write(`slogate: ${opts.out}/ is out of date; run \`npm run generate\`\n`);
          process.exitCode = 1;
        } else {
          process.stdout.write(`${opts.out}/ is up to date (${artefacts.length} files)\n`);
        }
        return;
      }
      await onOutput(() => writeArtefacts(opts.out, artefacts));
      process.stdout.write(`wrote ${artefacts.length} files to ${opts.out}/\n`);
    });
}

export function registerLint(program: Command): void {
  program
    .command('lint')
    .description('check generated rules, OpenSLO specs and dashboards without writing anything')
    .argument('[dir]', 'generated output directory', 'generated')
    .option('--no-promtool', 'skip `promtool check rules` even when promtool is installed')
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .action(async (dir: string, opts: { promtool: boolean; runbook?: string }) => {
      const problems = await lintGenerated(dir, await loadRunbook(opts.runbook), { promtool: opts.promtool });
      for (const p of problems) process.stderr.write(`slogate: ${p}\n`);
      if (problems.length) process.exitCode = 1;
      else process.stdout.write(`${dir}/: no problems\n`);
    });
}
