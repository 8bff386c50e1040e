// `slogate metrics`: the runbook's calculate_canary_metrics.py, one window to one summary JSON.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { loadRunbook } from '../runbook.ts';
import { GATE_EXIT, checkSelector, gatherEvidence, parseSummaryWindow, summaryFromEvidence } from '../../gate/index.ts';
import { UserError } from '../errors.ts';
import { asUserError, durationMs, instant, notInTheFuture, positiveInt } from './gate.ts';
import { addLogOptions, logSourceFromFlags, type LogFlags } from './log-options.ts';

interface MetricsFlags extends LogFlags {
  prometheus: string;
  start: string;
  window: string;
  output: string;
  selector?: string;
  runbook?: string;
  timeout: string;
  deadline: string;
  concurrency: string;
}

export function registerMetrics(program: Command): void {
  const cmd = program
    .command('metrics')
    .description("write the runbook's summary JSON (success_rate, p95_ms, cb_opens, pii_leaks) for one window")
    .requiredOption('--prometheus <url>', 'Prometheus-compatible query API')
    .requiredOption('--start <rfc3339>', "the canary's T+0")
    .requiredOption('--window <window>', 'from T+0 (30m, 2h, 24h) or an hour of the canary (Nh-Mh, e.g. 3h-4h)')
    .requiredOption('--output <file>', 'where to write the summary JSON')
    .option('--selector <matchers>', "label matchers added to the runbook's job and canary track matchers (naming job or track replaces that one)")
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)');
  // the same log inputs and PII policy as pii-scan and the gate (pii_leaks is null without logs)
  addLogOptions(cmd)
    .option('--timeout <duration>', 'timeout of each HTTP request', '10s')
    .option('--deadline <duration>', 'give up after this', '60s')
    .option('--concurrency <n>', 'queries in flight at once', '4')
    .action(async (flags: MetricsFlags) => {
      const t0 = instant('--start', flags.start);
      const w = parseSummaryWindow(flags.window);
      if (!w) throw new UserError(`--window ${JSON.stringify(flags.window)} is not a window: use 30m, 2h, 24h or Nh-Mh such as 3h-4h`, GATE_EXIT.usage);
      notInTheFuture('--window', flags.window, t0 + w.to);
      const rb = await loadRunbook(flags.runbook);
      const selErr = flags.selector === undefined ? null : checkSelector(flags.selector);
      if (selErr) throw new UserError(selErr, GATE_EXIT.usage);
      const logSource = await logSourceFromFlags(flags);
      const g = await gatherEvidence({
        runbook: rb,
        prometheus: flags.prometheus,
        start: t0 + w.from,
        end: t0 + w.to,
        ...(flags.selector !== undefined ? { selector: flags.selector } : {}),
        logSource,
        skip: logSource ? [] : ['pii'],
        series: false,
        rules: false,
        timeoutMs: durationMs('--timeout', flags.timeout),
        deadlineMs: durationMs('--deadline', flags.deadline),
        concurrency: positiveInt('--concurrency', flags.concurrency),
      }).catch(asUserError);
      // a summary with a hole where Prometheus failed is not a summary: write nothing
      const e = g.evidence;
      const failed = [e.deliveries, e.successes, e.p95Seconds, e.cbOpens, e.criticalAlerts].find(
        (m) => !m.ok && !/^no .*series match/.test(m.reason),
      );
      if (failed && !failed.ok) throw new UserError(`cannot summarise ${w.label}: ${failed.reason}`, GATE_EXIT.inconclusive);
      if (e.piiLeaks !== 'skipped' && !e.piiLeaks.ok) throw new UserError(`cannot summarise ${w.label}: ${e.piiLeaks.reason}`, GATE_EXIT.inconclusive);
      const summary = summaryFromEvidence(e, g.selector, w.label);
      await mkdir(dirname(flags.output), { recursive: true });
      await writeFile(flags.output, JSON.stringify(summary, null, 2) + '\n');
    });
}
