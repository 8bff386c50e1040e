// The log inputs and PII policy options, declared once for every command that reads canary
// logs (pii-scan, gate, evidence collect), and turned into one LogSource.
import { Option, type Command } from 'commander';
import type { LogSource } from '../../pii/source.ts';
import { UserError } from '../errors.ts';

export interface LogFlags {
  logs?: string[];
  allow?: string;
  loki?: string;
  query?: string;
}

/** `--allow`, `--loki`, `--query`: the same words and help in every command. */
export function addLogPolicyOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--allow <file>', 'YAML allowlist of values per category that are not leaks (CIDRs, email domains, exact values)'))
    .addOption(new Option('--loki <url>', 'read the logs from Loki query_range instead of files (LOKI_TOKEN, LOKI_ORG_ID from the environment)'))
    .addOption(new Option('--query <logql>', 'LogQL stream selector for --loki, e.g. {app="webhook-sender"}'));
}

/** `--logs` plus the policy options, for the commands that also run the gate. */
export function addLogOptions(cmd: Command): Command {
  return addLogPolicyOptions(cmd.option('--logs <path-or-glob...>', 'canary logs to scan for PII (files, .gz, directories, globs)'));
}

/** The flags as one LogSource (undefined when no logs are named); every mistake is a usage error. */
export async function logSourceFromFlags(flags: LogFlags, paths: readonly string[] = flags.logs ?? []): Promise<LogSource | undefined> {
  if (flags.loki) {
    if (paths.length > 0) throw new UserError('give either log paths or --loki, not both', 2);
    if (!flags.query) throw new UserError('--loki needs --query, e.g. --query \'{app="webhook-sender"}\'', 2);
    try {
      new URL(flags.loki);
    } catch {
      throw new UserError(`--loki ${JSON.stringify(flags.loki)} is not a URL`, 2);
    }
  } else if (flags.query) throw new UserError('--query needs --loki URL', 2);
  const allow = flags.allow ? await (await import('../../pii/index.ts')).loadAllowList(flags.allow) : undefined;
  if (!flags.loki && paths.length === 0) {
    if (flags.allow) throw new UserError('--allow needs logs to apply to (--logs PATH or --loki URL)', 2);
    return undefined;
  }
  return { ...(flags.loki ? { loki: { url: flags.loki, query: flags.query! } } : { paths: [...paths] }), ...(allow ? { allow } : {}) };
}
