import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { EXIT_CODES } from '../contract/exit-codes.ts';
import { UserError } from './errors.ts';
import { quietOnClosedPipe } from './closed-pipe.ts';
import { commandsFor } from './commands/index.ts';
import { definitionErrorLine } from './load-errors.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** commander prints its own one-line errors: on stderr, with the same `slogate:` prefix as ours (it says `error:`). */
const OUTPUT = {
  writeErr: (s: string) => process.stderr.write(s),
  outputError: (s: string, write: (s: string) => void) => write(s.replace(/^error: /, 'slogate: ')),
};

/** The package's version, from its package.json (two levels up from src/cli and from dist/src/cli alike). */
function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const p of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(p) as { name?: string; version?: string };
      if (pkg.name === 'slogate' && pkg.version) return pkg.version;
    } catch {
      // not at this level
    }
  }
  return 'unknown';
}

/** Runs the CLI and returns the process exit code. Commands set `process.exitCode` or throw. */
export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const args = argv.slice(2);
  // --version loads no command: start-up is the whole cost of this answer
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const program = new Command();
  program
    .name('slogate')
    .description('Observability-as-code and SLO gates for canary rollouts')
    .version(packageVersion())
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput(OUTPUT);
  try {
    // loading a command loads the definitions it reads: a bad one fails here
    for (const register of await commandsFor(argv.slice(2))) register(program);
    // subcommands (and theirs) inherit neither: every command prints its errors the same way
    const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
    for (const cmd of all(program).slice(1)) cmd.exitOverride().configureOutput(OUTPUT);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; parse errors have already been printed in one line
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if ((err as NodeJS.ErrnoException)?.code === 'EPIPE') return typeof process.exitCode === 'number' ? process.exitCode : 0;
    if (err instanceof UserError) {
      process.stderr.write(`slogate: ${err.message}\n`);
      return err.exitCode;
    }
    const definition = definitionErrorLine(err, ROOT);
    if (definition) {
      process.stderr.write(`slogate: ${definition}\n`);
      return 2;
    }
    process.stderr.write(`slogate: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT_CODES.common.internal;
  }
}
