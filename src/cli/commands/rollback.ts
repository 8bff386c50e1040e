// `slogate rollback verify`: the rollback procedure's step 3, measured instead of slept through.
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { canaryMatchersOf } from '../../contract/runbook.ts';
import { selector as renderMatchers } from '../../contract/selectors.ts';
import { authFromEnv, PrometheusError } from '../../prometheus/client.ts';
import { parseDuration } from '../../promql/duration.ts';
import { DRAIN_CHART_FILE, DRAIN_FILE, drainChartSvg } from '../../rollback/index.ts';
import { rollbackLogJournal } from '../../rollback/journal.ts';
import { verifyDrain } from '../../rollback/verify.ts';
import { UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';
import { durationMs, selectorFlag } from './gate.ts';

export const ROLLBACK_EXIT = { drained: 0, flowing: 1, usage: 2, unknown: 3 } as const;

interface VerifyFlags {
  runbook?: string;
  prometheus: string;
  evidence?: string;
  selector?: string;
  deadline?: string;
  interval: string;
  rateWindow?: string;
  maxRate: string;
  json?: boolean;
  timeout: string;
}

export function registerRollback(program: Command): void {
  const rollback = program.command('rollback').description('the rollback procedure');
  rollback
    .command('verify')
    .description("step 3: poll the canary's delivery rate until it is 0 on every instance, or the deadline passes")
    .requiredOption('--prometheus <url>', 'Prometheus-compatible query API')
    .option('--evidence <dir>', 'evidence folder: entries go to rollback_log.txt, the drain timeline to rollback_drain.json')
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .option('--selector <matchers>', "label matchers for the canary's series (default: the runbook's job on its canary track)")
    .option('--deadline <duration>', "give up after this (default: the runbook's drain deadline; the webhook runbook's step 3 ends at minute 10)")
    .option('--interval <duration>', 'time between polls', '15s')
    .option('--rate-window <duration>', "rate() window of the delivery counter (default: the runbook's)")
    .option('--max-rate <deliveries/s>', 'per-instance rate that still counts as stopped', '0')
    .option('--json', 'print the result and the drain timeline as JSON')
    .option('--timeout <duration>', 'timeout of each HTTP request', '10s')
    .action(async (flags: VerifyFlags) => {
      const rb = await loadRunbook(flags.runbook);
      const selector = selectorFlag(flags.selector ?? renderMatchers(canaryMatchersOf(rb)));
      const deadline = flags.deadline ?? (rb.rollback ? `${rb.rollback.deadlineMinutes}m` : undefined);
      const rateWindow = flags.rateWindow ?? rb.rollback?.rateWindow;
      if (!deadline || !rateWindow) throw new UserError('the runbook sets no rollback drain policy: give --deadline and --rate-window', ROLLBACK_EXIT.usage);
      const deadlineMs = durationMs('--deadline', deadline);
      const intervalMs = durationMs('--interval', flags.interval);
      durationMs('--rate-window', rateWindow);
      if (parseDuration(rateWindow) < 1) throw new UserError(`--rate-window ${rateWindow} is shorter than a second`, ROLLBACK_EXIT.usage);
      const maxRate = Number(flags.maxRate);
      if (flags.maxRate.trim() === '' || !Number.isFinite(maxRate) || maxRate < 0) throw new UserError(`--max-rate ${JSON.stringify(flags.maxRate)} is not a rate >= 0`, ROLLBACK_EXIT.usage);
      if (flags.evidence && !(existsSync(flags.evidence) && statSync(flags.evidence).isDirectory())) throw new UserError(`--evidence ${flags.evidence}: no such folder`, ROLLBACK_EXIT.usage);
      let auth;
      try {
        auth = authFromEnv();
      } catch (err) {
        if (err instanceof PrometheusError) throw new UserError(err.message, ROLLBACK_EXIT.usage);
        throw err;
      }
      try {
        new URL(flags.prometheus);
      } catch {
        throw new UserError(`--prometheus ${JSON.stringify(flags.prometheus)} is not a URL`, ROLLBACK_EXIT.usage);
      }
      const t0 = Date.now();
      const { outcome, timeline } = await verifyDrain({
        prometheus: flags.prometheus,
        auth,
        selector,
        deadlineMs,
        intervalMs,
        rateWindow,
        deliveryMetric: rb.metrics.deliveryTotal.name,
        maxRate,
        timeoutMs: durationMs('--timeout', flags.timeout),
        journal: flags.evidence ? rollbackLogJournal(flags.evidence) : undefined,
        onSample: (s, line) => process.stderr.write(`${new Date(s.t * 1000).toISOString().slice(11, 19)} +${Math.round((s.t * 1000 - t0) / 1000)}s  ${line}\n`),
      });
      if (flags.evidence) {
        await writeFile(path.join(flags.evidence, DRAIN_FILE), JSON.stringify(timeline, null, 2) + '\n');
        await writeFile(path.join(flags.evidence, DRAIN_CHART_FILE), drainChartSvg(timeline));
      }
      if (flags.json) process.stdout.write(JSON.stringify(timeline, null, 2) + '\n');
      else if (outcome.result === 'drained') process.stdout.write(`drained: canary traffic reached 0 at ${timeline.drained_at}, ${timeline.drain_seconds} s after the verification started\n`);
      else if (outcome.result === 'flowing') process.stdout.write(`NOT drained after ${timeline.deadline_seconds} s: still sending: ${outcome.sending.map((x) => `${x.instance} ${x.rate.toFixed(2)}/s`).join(', ')}\n`);
      else process.stdout.write(`cannot tell: ${outcome.reason}\n`);
      process.exitCode = ROLLBACK_EXIT[outcome.result];
    });
}
