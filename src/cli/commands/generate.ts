import type { Command } from 'commander';

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate rule files, OpenSLO specs and dashboards into generated/')
    .option('--check', 'write nothing; exit 1 naming each stale, missing or extra file')
    .option('--out <dir>', 'output directory', 'generated')
    .action(async () => {
      throw new Error('not implemented yet');
    });
}
