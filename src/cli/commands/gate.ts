// `slogate gate`: one checkpoint of the canary runbook as a command with an exit code.
import { Command, Option } from 'commander';
import { canaryMatchersOf, type CheckpointName, type Runbook } from '../../contract/runbook.ts';
import { GATE_EXIT, GateConfigError, canarySelector, checkSelector, checkTimeScale, checkpointRule, parseInstant, runGate, verdictJson, verdictTable, type GateOptions, type PhaseNumber } from '../../gate/index.ts';
import { PrometheusError } from '../../prometheus/client.ts';
import { parseDuration } from '../../promql/duration.ts';
import { UserError } from '../errors.ts';
import { loadRunbook } from '../runbook.ts';
import { collectGateEvidence, EvidenceError, PII_EVIDENCE_LINES } from '../../evidence/index.ts';
import { addLogOptions, logSourceFromFlags, type LogFlags } from './log-options.ts';

interface GateFlags extends GateRunFlags {
  json?: boolean;
  out?: string;
  grafana?: string;
}

export function durationMs(flag: string, text: string): number {
  try {
    const s = parseDuration(text);
    if (s <= 0) throw new RangeError();
    return s * 1000;
  } catch {
    throw new UserError(`${flag} ${JSON.stringify(text)} is not a duration such as 10s or 1m`);
  }
}

export function positiveInt(flag: string, text: string, min = 1): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min) throw new UserError(`${flag} ${JSON.stringify(text)} must be a whole number >= ${min}`);
  return n;
}

export function instant(flag: string, text: string): number {
  const t = parseInstant(text);
  if (t === null) throw new UserError(`${flag} ${JSON.stringify(text)} is not an RFC 3339 time such as 2025-11-13T09:00:00Z`);
  return t;
}

/** A little clock skew between the pipeline and the backend is tolerated, no more. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * A window that ends in the future holds only the data up to now, yet would pass the
 * checkpoint's duration check: a T+30m gate run at T+10m must not judge 10 minutes.
 */
export function notInTheFuture(flag: string, text: string, end: number, now = Math.floor(Date.now() / 1000)): void {
  if (end > now + CLOCK_SKEW_SECONDS) {
    const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
    throw new UserError(`${flag} ${text} ends the window at ${iso(end)}, in the future (now ${iso(now)}): wait for the checkpoint`, GATE_EXIT.usage);
  }
}

/** A `--selector` checked as one `{...}` block of label matchers; anything else is a usage error. */
export function selectorFlag(text: string): string {
  const problem = checkSelector(text);
  if (problem) throw new UserError(problem, GATE_EXIT.usage);
  return text;
}

/** Turns configuration errors from the gate's libraries into one-line usage errors. */
export function asUserError(err: unknown): never {
  if (err instanceof GateConfigError) throw new UserError(err.message, GATE_EXIT.usage);
  if (err instanceof PrometheusError && err.kind === 'bad_request') throw new UserError(err.message, GATE_EXIT.usage);
  throw err;
}

/** Flags shared by every command that runs the gate (gate, evidence collect). */
export interface GateRunFlags extends LogFlags {
  prometheus?: string;
  start?: string;
  checkpoint?: string;
  at?: string;
  phase?: string;
  selector?: string;
  rulesUrl?: string;
  skip?: string[];
  minDeliveries?: string;
  runbook?: string;
  baseline?: string;
  alertmanager?: string;
  timeout: string;
  deadline: string;
  concurrency?: string;
  timeScale?: string;
}

/** `--time-scale`: a plain decimal in (0, 1]. */
export function timeScale(text: string): number {
  const n = Number(text);
  if (!/^(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(text.trim()) || checkTimeScale(n)) {
    throw new UserError(`--time-scale ${JSON.stringify(text)} must be a number in (0, 1], such as 0.0166667 (a runbook minute lasts a second)`, GATE_EXIT.usage);
  }
  return n;
}

/** Declares the window, selector and evidence options of a gate run on `cmd`. */
export function addGateRunOptions(cmd: Command, required: boolean): Command {
  const checkpoint = new Option('--checkpoint <name>', "which decision rules apply: one of the runbook's checkpoints");
  if (required) {
    cmd
      .requiredOption('--prometheus <url>', 'Prometheus-compatible query API (Prometheus, VictoriaMetrics, Thanos, Mimir)')
      .requiredOption('--start <rfc3339>', "the canary's T+0")
      .addOption(checkpoint.makeOptionMandatory());
  } else {
    cmd
      .option('--prometheus <url>', 'Prometheus-compatible query API (Prometheus, VictoriaMetrics, Thanos, Mimir)')
      .option('--start <rfc3339>', "the canary's T+0 (when running the gate)")
      .addOption(checkpoint);
  }
  cmd
    .option('--runbook <path>', 'runbook module (default: package.json "slogate.runbook", else the webhook-delivery runbook)')
    .option('--at <rfc3339>', 'end of the window (default: now)')
    .option('--phase <percent>', "traffic share of the canary: one of the runbook's phases (default: the first)")
    .option('--selector <matchers>', "label matchers added to the runbook's job and canary track matchers (naming job or track replaces that one)")
    .option('--rules-url <url>', 'where /api/v1/rules is served, if not by --prometheus (a ruler, vmalert, Mimir)')
    .option('--baseline <matchers>', "compare the canary with a baseline: matchers added to the runbook's job and canary track, e.g. '{track=\"stable\"}' (default: the runbook's baseline selector, if any)");
  // the same log inputs and PII policy as pii-scan, declared once
  return addLogOptions(cmd)
    .addOption(new Option('--skip <evidence...>', 'decide without this evidence (recorded in the output)').choices(['pii']))
    .option('--min-deliveries <n>', "fewer deliveries in the window is inconclusive (default: the runbook's)")
    .option('--alertmanager <url>', 'also count our critical alerts active in Alertmanager now')
    .option('--timeout <duration>', 'timeout of each HTTP request', '10s')
    .option('--deadline <duration>', 'the whole gate answers within this', '60s')
    .option('--concurrency <n>', 'queries in flight at once', '4')
    .option('--time-scale <factor>', "multiply the rules' time constants by this (0 < factor <= 1) for rehearsals, demos and e2e tests; never in production", '1');
}

/** `--baseline`, or the runbook's baseline selector; the runbook must say how to compare. */
function baselineOption(flags: GateRunFlags, rb: Runbook): { baseline?: string } {
  const sel = flags.baseline ?? rb.baseline?.selector;
  if (sel === undefined) return {};
  if (!rb.baseline) throw new UserError(`--baseline: the runbook${rb.source ? ` ${rb.source}` : ''} has no baseline policy (confidence, tolerance, effect sizes)`, GATE_EXIT.usage);
  const problem = checkSelector(sel);
  if (problem) throw new UserError(problem.replace('--selector', '--baseline'), GATE_EXIT.usage);
  // the canary's own series would compare it with itself
  const canary = canarySelector(flags.selector, canaryMatchersOf(rb)).selector;
  if (canarySelector(sel, canaryMatchersOf(rb)).selector === canary) throw new UserError(`--baseline ${sel} selects the canary's own series (${canary})`, GATE_EXIT.usage);
  return { baseline: sel.trim() };
}

/** Validates the flags of a gate run into library options; every mistake is a one-line usage error. */
export async function gateOptionsFromFlags(flags: GateRunFlags, rb: Runbook): Promise<GateOptions> {
  if (!flags.prometheus || !flags.start || !flags.checkpoint) {
    throw new UserError('give --prometheus, --start and --checkpoint to run the gate', GATE_EXIT.usage);
  }
  const start = instant('--start', flags.start);
  const at = flags.at === undefined ? undefined : instant('--at', flags.at);
  const phase = positiveInt('--phase', flags.phase ?? String(rb.phases[0].phase), 0);
  const rule = checkpointRule(rb, phase, flags.checkpoint);
  if ('error' in rule) throw new UserError(rule.error, GATE_EXIT.usage);
  const now = Math.floor(Date.now() / 1000);
  const end = at ?? now;
  if (end <= start) throw new UserError(`--at ${flags.at ?? 'now'} is not after --start ${flags.start}`, GATE_EXIT.usage);
  notInTheFuture('--at', flags.at ?? 'now', end, now);
  const logSource = await logSourceFromFlags(flags);
  return {
    runbook: rb,
    prometheus: flags.prometheus,
    start,
    at: end,
    checkpoint: flags.checkpoint as CheckpointName,
    phase: phase as PhaseNumber,
    ...(flags.selector !== undefined ? { selector: selectorFlag(flags.selector) } : {}),
    ...(flags.rulesUrl !== undefined ? { rulesUrl: flags.rulesUrl } : {}),
    ...baselineOption(flags, rb),
    logs: flags.logs,
    logSource,
    skip: flags.skip,
    minDeliveries: positiveInt('--min-deliveries', flags.minDeliveries ?? String(rb.gates.minDeliveries), 0),
    alertmanager: flags.alertmanager,
    timeoutMs: durationMs('--timeout', flags.timeout),
    deadlineMs: durationMs('--deadline', flags.deadline),
    concurrency: positiveInt('--concurrency', flags.concurrency ?? '4'),
    timeScale: timeScale(flags.timeScale ?? '1'),
  };
}

export function registerGate(program: Command): void {
  const cmd = program
    .command('gate')
    .description('decide one canary checkpoint from live metrics: exit 0 promote/continue, 1 rollback, 2 usage, 3 inconclusive, 4 marginal');
  addGateRunOptions(cmd, true)
    .option('--json', 'print the verdict as one JSON object')
    .option('--out <dir>', "write the runbook's evidence folder here (summary, verdict, hourly, 6h bundles, alerts, pii, panels, manifest.json)")
    .option('--grafana <url>', 'with --out: render the four panels with Grafana (token from GRAFANA_TOKEN)')
    .action(async (flags: GateFlags) => {
      const options = await gateOptionsFromFlags(flags, await loadRunbook(flags.runbook));
      // with --out the scan keeps its redacted evidence lines, so the folder needs no second scan
      const result = await runGate({ ...options, ...(flags.out ? { piiEvidenceLines: PII_EVIDENCE_LINES } : {}) }).catch(asUserError);
      if (flags.out) {
        // the verdict stands whatever happens to the evidence; what is missing is said on stderr
        const ev = await collectGateEvidence(flags.out, result, { ...options, grafana: flags.grafana }).catch((err) => {
          if (err instanceof EvidenceError) throw new UserError(err.message, GATE_EXIT.usage);
          throw err;
        });
        for (const line of ev.incomplete) process.stderr.write(`slogate: evidence incomplete: ${line}\n`);
      }
      if (result.selector_warning) process.stderr.write(`slogate: warning: ${result.selector_warning}\n`);
      process.stdout.write(flags.json ? JSON.stringify(verdictJson(result)) + '\n' : verdictTable(result));
      process.exitCode = GATE_EXIT[result.verdict];
    });
}
