import { type Command, Option } from 'commander';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { CANARY_TRACK, STABLE_TRACK } from '../../contract/metrics.ts';
import { FAULT_NAMES, faults, type FaultName } from '../../simulator/faults.ts';
import { TRACK_ENV } from '../../instrument/index.ts';
import { PRESET_NAMES, type PresetName, type Scenario } from '../../simulator/scenario.ts';
import { startSimulator, type SimulatorInstance } from '../../simulator/server.ts';
import { UserError } from '../errors.ts';
import { instanceName as nameFrom } from '../../contract/runbook.ts';

/** The simulated service is the flagship's: its instances are named like the runbook's. */
const INSTANCE_NAME_PATTERN = 'webhook-sender-%03d';

interface SimulateOptions {
  port: string;
  host: string;
  instance?: string;
  instances: string;
  first: string;
  track?: string;
  preset: PresetName;
  log?: string;
  piiRate?: string;
  rate?: string;
  successRate?: string;
  seed?: string;
  duration?: string;
  stable: string;
  fault?: FaultName;
}

function number(name: string, raw: string | undefined, min: number, max: number, integer = false): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UserError(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/** The runbook's instance name for number n (webhook-sender-001 ...). */
export function instanceName(n: number): string {
  return nameFrom(INSTANCE_NAME_PATTERN, n);
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run simulated webhook-sender instances serving /metrics, with live-changeable scenarios')
    .option('--port <n>', 'port of the first instance (0 = a free port each)', '0')
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--instance <name>', 'instance label (one instance only; default webhook-sender-001)')
    .option('--instances <n>', `how many instances, named ${INSTANCE_NAME_PATTERN.replace('%03d', 'NNN')}`, '1')
    .option('--first <n>', 'number of the first instance name', '1')
    .option('--track <name>', `track label (default $${TRACK_ENV} or ${CANARY_TRACK})`)
    .addOption(new Option('--preset <name>', 'starting scenario').choices(PRESET_NAMES).default('healthy'))
    .option('--log <file>', 'append JSON-lines delivery logs to this file')
    .option('--pii-rate <ratio>', 'share of log lines that leak PII (0..1), on top of the preset')
    .option('--rate <n>', 'deliveries per second per instance, on top of the preset')
    .option('--success-rate <ratio>', 'success ratio (0..1), on top of the preset')
    .option('--seed <n>', 'random seed, for a reproducible run (instance i uses seed+i)')
    .option('--duration <seconds>', 'stop after this many seconds (default: run until interrupted)')
    .option('--stable <n>', `also run n instances on track ${STABLE_TRACK} (the baseline), numbered after the others`, '0')
    .addOption(new Option('--fault <name>', `start with a fault: ${FAULT_NAMES.map((f) => `${f} (${faults[f].scope})`).join(', ')}`).choices(FAULT_NAMES))
    .addHelpText(
      'after',
      `
Prints one base URL per instance on stdout (first lines), then runs until SIGINT/SIGTERM.
Each instance serves GET /metrics, GET /scenario, POST /scenario and POST /fault, e.g.
  curl -d '{"successRate":0.8}' URL/scenario
  curl -d '{"preset":"degraded"}' URL/scenario
  curl -d '{"fault":"receiver-db-down"}' URL/fault   (shared: reaches every track)
  curl -d '{"fault":"canary-slow"}' URL/fault        (canary only: stable instances ignore it)
  curl -d '{"fault":null}' URL/fault                 (clear it)`,
    )
    .action(async (opts: SimulateOptions) => {
      const track = opts.track ?? process.env[TRACK_ENV] ?? CANARY_TRACK;
      const count = number('instances', opts.instances, 1, 100, true)!;
      const stable = number('stable', opts.stable, 0, 100, true)!;
      const first = number('first', opts.first, 0, 999_999, true)!;
      const port = number('port', opts.port, 0, 65535, true)!;
      const seed = number('seed', opts.seed, 0, 2 ** 32 - 1, true);
      const duration = number('duration', opts.duration, 0, 1e7);
      if (opts.instance !== undefined && !opts.instance.trim()) throw new UserError('--instance must not be empty');
      if (opts.instance !== undefined && count > 1) {
        throw new UserError('--instance names a single instance; with --instances N the names follow ' + INSTANCE_NAME_PATTERN);
      }
      if (opts.instance !== undefined && stable > 0) throw new UserError('--instance names a single instance; --stable N numbers the baseline after the others');
      if (track === STABLE_TRACK && stable > 0) throw new UserError(`--track ${STABLE_TRACK} with --stable: the baseline would be compared with itself`);
      if (port > 0 && port + count + stable - 1 > 65535) throw new UserError(`--port ${port} leaves no room for ${count + stable} instances`);
      const overrides: Partial<Scenario> = {};
      const pii = number('pii-rate', opts.piiRate, 0, 1);
      const rate = number('rate', opts.rate, 0, 10_000);
      const success = number('success-rate', opts.successRate, 0, 1);
      if (pii !== undefined) overrides.piiRate = pii;
      if (rate !== undefined) overrides.deliveriesPerSecond = rate;
      if (success !== undefined) overrides.successRate = success;
      if (opts.log !== undefined) {
        // Fail before any port is bound, with the file's own problem.
        try {
          mkdirSync(dirname(opts.log), { recursive: true });
          closeSync(openSync(opts.log, 'a'));
        } catch (err) {
          throw new UserError(`cannot write --log ${opts.log}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
      }

      const running: SimulatorInstance[] = [];
      const stopAll = () => Promise.all(running.map((r) => r.stop()));
      try {
        for (let i = 0; i < count + stable; i++) {
          running.push(
            await startSimulator({
              instance: opts.instance ?? instanceName(first + i),
              track: i < count ? track : STABLE_TRACK,
              fault: opts.fault,
              host: opts.host,
              port: port === 0 ? 0 : port + i,
              preset: opts.preset,
              overrides,
              seed: seed === undefined ? undefined : seed + i,
              logFile: opts.log,
            }),
          );
        }
      } catch (err) {
        await stopAll();
        const e = err as NodeJS.ErrnoException;
        // bind and name-resolution failures are the user's --host/--port, not a bug
        if (['EADDRINUSE', 'EACCES', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EINVAL'].includes(e.code ?? '')) {
          throw new UserError(`cannot listen on ${opts.host}: ${e.code} (${e.message})`);
        }
        throw err;
      }

      // stdout: only the URLs, one per line, so scripts can read them; narration goes to stderr.
      process.stdout.write(running.map((r) => r.url).join('\n') + '\n');
      for (const r of running) {
        process.stderr.write(
          `simulating ${r.instance} (track ${r.track}, preset ${opts.preset}${r.fault() ? `, fault ${r.fault()}` : ''}) at ${r.url}/metrics${opts.log ? `, logging to ${opts.log}` : ''}\n`,
        );
      }

      await new Promise<void>((resolve) => {
        const done = () => {
          process.off('SIGINT', done);
          process.off('SIGTERM', done);
          clearTimeout(timer);
          resolve();
        };
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
        const timer = duration === undefined ? undefined : setTimeout(done, duration * 1000);
      });
      await stopAll();
    });
}
