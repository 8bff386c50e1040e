// The log inputs and PII policy options, declared once for every command that reads canary
// logs (pii-scan, gate, evidence collect), and turned into one LogSource.
import { Option, type Command } from 'commander';
import type { LogSource } from '../../pii/source.ts';
import type { PiiPolicy } from '../../pii/policy.ts';
import { UserError } from '../errors.ts';

export interface LogFlags {
  logs?: string[];
  allow?: string;
  loki?: string;
  query?: string;
  baselineLogs?: string[];
}

/** `--allow`, `--loki`, `--query`: the same words and help in every command. */
export function addLogPolicyOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--allow <file>', 'YAML allowlist of values per category that are not leaks (CIDRs, email domains, exact values)'))
    .addOption(new Option('--loki <url>', 'read the logs from Loki query_range instead of files (LOKI_TOKEN, LOKI_ORG_ID from the environment)'))
    .addOption(new Option('--query <logql>', 'LogQL stream selector for --loki, e.g. {app="webhook-sender"}'))
    .addOption(new Option('--baseline-logs <path-or-glob...>', "the stable track's logs of the same window: PII (category, field) pairs found there too are pre-existing, reported but not counted as leaks"));
}

/** `--logs` plus the policy options, for the commands that also run the gate. */
export function addLogOptions(cmd: Command): Command {
  return addLogPolicyOptions(cmd.option('--logs <path-or-glob...>', 'canary logs to scan for PII (files, .gz, directories, globs)'));
}

/**
 * The flags as one LogSource (undefined when no logs are named), with the runbook's PII policy;
 * every mistake is a usage error.
 */
export async function logSourceFromFlags(flags: LogFlags, paths: readonly string[] = flags.logs ?? [], policy?: PiiPolicy): Promise<LogSource | undefined> {
  if (flags.baselineLogs?.length && flags.loki) throw new UserError('--baseline-logs works with log files, not --loki', 2);
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
  if (flags.baselineLogs?.length && paths.length === 0) throw new UserError('--baseline-logs needs the canary logs too (--logs PATH)', 2);
  return {
    ...(flags.loki ? { loki: { url: flags.loki, query: flags.query! } } : { paths: [...paths] }),
    ...(allow ? { allow } : {}),
    ...(policy ? { policy } : {}),
    ...(flags.baselineLogs?.length ? { baseline: [...flags.baselineLogs] } : {}),
  };
}
