// `slogate backtest`: what the gate would have said at every point of a past range.
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import type { CheckpointName } from '../../contract/runbook.ts';
import { BacktestSetError, backtestSvg, backtestTable, runBacktest } from '../../backtest/index.ts';
import { checkpointRule, GATE_EXIT, type PhaseNumber } from '../../gate/index.ts';
import { parseDuration } from '../../promql/duration.ts';
import { UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';
import { asUserError, durationMs, instant, notInTheFuture, positiveInt, selectorFlag } from './gate.ts';

interface BacktestFlags {
  prometheus: string;
  from: string;
  to: string;
  every: string;
  checkpoint: string;
  phase?: string;
  selector?: string;
  minDeliveries?: string;
  runbook?: string;
  set?: string;
  json?: boolean;
  svg?: string;
  timeout: string;
  deadline: string;
  concurrency: string;
}

/** Points a backtest may evaluate: 30 days at 1 min is already 43 200. */
const MAX_POINTS = 50_000;

function everySeconds(text: string): number {
  let s: number;
  try {
    s = parseDuration(text);
  } catch {
    throw new UserError(`--every ${JSON.stringify(text)} is not a duration such as 1h or 30m`, GATE_EXIT.usage);
  }
  // the per-minute series are sliced per point: points must sit on their minute grid
  if (!(s >= 60) || s % 60 !== 0) throw new UserError(`--every ${text} must be a whole number of minutes (at least 1m)`, GATE_EXIT.usage);
  return s;
}

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description("replay the gate's metric checks over a past range: verdict timeline, flips, runs, deciding checks (exit 0, 2 usage)")
    .requiredOption('--prometheus <url>', 'Prometheus-compatible query API holding the history')
    .requiredOption('--from <rfc3339>', 'first checkpoint time evaluated')
    .requiredOption('--to <rfc3339>', 'last checkpoint time evaluated')
    .option('--every <duration>', 'time between evaluated points (whole minutes)', '1h')
    .option('--checkpoint <name>', "the checkpoint each point is judged as, as if a canary started that long before (default: the first phase's final one)")
    .option('--phase <percent>', "traffic share: one of the runbook's phases (default: the first)")
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .option('--selector <matchers>', "label matchers added to the runbook's job and canary track matchers (naming job or track replaces that one)")
    .option('--min-deliveries <n>', "fewer deliveries in a window is inconclusive (default: the runbook's)")
    .option('--set <path=value>', 'rerun with one threshold changed (e.g. successRate.target=94) and list the verdicts that change')
    .option('--json', 'print the backtest as one JSON object')
    .option('--svg <file>', 'write the verdict timeline chart here')
    .option('--timeout <duration>', 'timeout of each HTTP request', '60s')
    .option('--deadline <duration>', 'the whole backtest answers within this', '10m')
    .option('--concurrency <n>', 'queries in flight at once', '4')
    .action(async (flags: BacktestFlags) => {
      const from = instant('--from', flags.from);
      const to = instant('--to', flags.to);
      if (to < from) throw new UserError(`--to ${flags.to} is before --from ${flags.from}`, GATE_EXIT.usage);
      notInTheFuture('--to', flags.to, to);
      const every = everySeconds(flags.every);
      const points = Math.floor((to - from) / every) + 1;
      if (points > MAX_POINTS) throw new UserError(`--from .. --to every ${flags.every} is ${points} points, more than ${MAX_POINTS}: use a larger --every`, GATE_EXIT.usage);
      const rb = await loadRunbook(flags.runbook);
      const phase = positiveInt('--phase', flags.phase ?? String(rb.phases[0].phase), 0);
      const checkpoint = flags.checkpoint ?? rb.phases.find((p) => p.phase === phase)?.finalCheckpoint ?? '';
      const rule = checkpointRule(rb, phase, checkpoint);
      if ('error' in rule) throw new UserError(rule.error, GATE_EXIT.usage);
      const report = await runBacktest({
        runbook: rb,
        prometheus: flags.prometheus,
        from,
        to,
        every,
        checkpoint: checkpoint as CheckpointName,
        phase: phase as PhaseNumber,
        ...(flags.selector !== undefined ? { selector: selectorFlag(flags.selector) } : {}),
        minDeliveries: positiveInt('--min-deliveries', flags.minDeliveries ?? String(rb.gates.minDeliveries), 0),
        set: flags.set,
        timeoutMs: durationMs('--timeout', flags.timeout),
        deadlineMs: durationMs('--deadline', flags.deadline),
        concurrency: positiveInt('--concurrency', flags.concurrency),
      }).catch((err) => {
        if (err instanceof BacktestSetError) throw new UserError(err.message, GATE_EXIT.usage);
        return asUserError(err);
      });
      if (flags.svg) {
        try {
          writeFileSync(flags.svg, backtestSvg(report));
        } catch (err) {
          throw new UserError(`cannot write --svg ${flags.svg}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, GATE_EXIT.usage);
        }
      }
      process.stdout.write(flags.json ? JSON.stringify(report) + '\n' : backtestTable(report));
    });
}
