// Starts a real Prometheus and a real Alertmanager (the Debian packages) on free
// loopback ports, in a temporary directory, and stops them again, also when the test
// or the process dies. Used by test/e2e/loop.test.ts and scripts/demo.ts.
//
// Reuse: `startPrometheus()` alone serves any test that needs a live Prometheus (pass
// `extraConfig`/`dataDir` for pre-built TSDB blocks); `startAlertmanager()` alone gives
// an Alertmanager; `startLiveStack()` wires both with scrape targets and rule files.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { SCRAPE_JOB } from '../../src/contract/metrics.ts';

export const PROMETHEUS_BIN = process.env.SLOGATE_PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = process.env.SLOGATE_ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';

/** A port that was free a moment ago (bind 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

// Children still running when the process exits are killed, whatever path it exits by.
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of running) c.kill('SIGKILL');
    });
  }
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly url: string;
  readonly port: number;
  /** The last lines the process wrote to stderr (both tools log there). */
  output(): string;
  stop(): Promise<void>;
}

const OUTPUT_KEEP = 64 * 1024;

async function waitReady(url: string, child: ChildProcess, name: string, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output().slice(-2000)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms:\n${output().slice(-2000)}`);
}

async function startProcess(name: string, bin: string, args: string[], port: number, readyPath: string): Promise<ManagedProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString('utf8')).slice(-OUTPUT_KEEP);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const spawnError = new Promise<never>((_, reject) => child.once('error', (e) => reject(new Error(`${name}: cannot start ${bin}: ${e.message}`))));
  const url = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const proc: ManagedProcess = {
    name,
    pid: child.pid,
    url,
    port,
    output: () => out,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
      return stopping;
    },
  };
  try {
    await Promise.race([waitReady(url + readyPath, child, name, () => out, 30_000), spawnError]);
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}

export interface PrometheusOptions {
  /** Working directory; config and TSDB go below it. */
  dir: string;
  /** The full prometheus.yml content as an object. Rule files must already be inside `dir`. */
  config: Record<string, unknown>;
  /** TSDB path (default `<dir>/data`); point it at pre-built blocks to query history. */
  dataDir?: string;
  extraArgs?: string[];
}

export async function startPrometheus(opts: PrometheusOptions): Promise<ManagedProcess> {
  const port = await freePort();
  const configFile = join(opts.dir, 'prometheus.yml');
  writeFileSync(configFile, stringify(opts.config));
  return startProcess(
    'prometheus',
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${opts.dataDir ?? join(opts.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Keep Alertmanager's view fresh within seconds instead of the default minute.
      '--rules.alert.resend-delay=1s',
      '--log.level=warn',
      ...(opts.extraArgs ?? []),
    ],
    port,
    '/-/ready',
  );
}

export interface AlertmanagerOptions {
  dir: string;
  /** alertmanager.yml as an object; default routes everything to a receiver that drops it. */
  config?: Record<string, unknown>;
}

export const DEFAULT_ALERTMANAGER_CONFIG = {
  route: { receiver: 'null', group_by: ['alertname'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
  receivers: [{ name: 'null' }],
};

export async function startAlertmanager(opts: AlertmanagerOptions): Promise<ManagedProcess> {
  const port = await freePort();
  const configFile = join(opts.dir, 'alertmanager.yml');
  const storage = join(opts.dir, 'alertmanager-data');
  mkdirSync(storage, { recursive: true });
  writeFileSync(configFile, stringify(opts.config ?? DEFAULT_ALERTMANAGER_CONFIG));
  return startProcess(
    'alertmanager',
    ALERTMANAGER_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.path=${storage}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=', // no gossip: a single, isolated instance
      '--log.level=warn',
    ],
    port,
    '/-/ready',
  );
}

export interface ScrapeTarget {
  /** Base URL of the target, e.g. http://127.0.0.1:40123 (scraped at /metrics). */
  url: string;
  labels?: Record<string, string>;
}

export interface LiveStackOptions {
  targets: ScrapeTarget[];
  /** Rule files to load; they are copied into the stack's directory. */
  ruleFiles?: string[];
  job?: string;
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
  /** Keep the targets' own `instance` label (the simulator sets webhook-sender-NNN). Default true. */
  honorLabels?: boolean;
  /** Keep the temporary directory after stop (for debugging). */
  keepDir?: boolean;
  /** Parent of the stack's temporary directory (default the OS temp dir). */
  parentDir?: string;
  /** alertmanager.yml as an object (default: drop every notification). */
  alertmanagerConfig?: Record<string, unknown>;
}

/** An Alertmanager config that sends every notification to one webhook URL within a second. */
export function webhookReceiverConfig(url: string): Record<string, unknown> {
  return {
    route: { receiver: 'webhook', group_by: ['alertname'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
    receivers: [{ name: 'webhook', webhook_configs: [{ url, send_resolved: true }] }],
  };
}

export interface LiveStack {
  readonly dir: string;
  readonly prometheus: ManagedProcess;
  readonly alertmanager: ManagedProcess;
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  /** Stops both and removes the directory. Safe to call more than once. */
  stop(): Promise<void>;
}

export async function startLiveStack(opts: LiveStackOptions): Promise<LiveStack> {
  const dir = mkdtempSync(join(opts.parentDir ?? tmpdir(), 'slogate-stack-'));
  const started: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(started.map((p) => p.stop()));
      if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
    })());
  try {
    const alertmanager = await startAlertmanager({ dir, config: opts.alertmanagerConfig });
    started.push(alertmanager);
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir);
    const rules = (opts.ruleFiles ?? []).map((f) => {
      const dest = join(rulesDir, basename(f));
      copyFileSync(f, dest);
      return dest;
    });
    const interval = `${opts.scrapeIntervalSeconds ?? 1}s`;
    const prometheus = await startPrometheus({
      dir,
      config: {
        global: {
          scrape_interval: interval,
          scrape_timeout: interval,
          evaluation_interval: `${opts.evaluationIntervalSeconds ?? 1}s`,
        },
        rule_files: rules,
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }] }] },
        scrape_configs: [
          {
            job_name: opts.job ?? SCRAPE_JOB,
            honor_labels: opts.honorLabels ?? true,
            static_configs: opts.targets.map((t) => ({ targets: [new URL(t.url).host], labels: t.labels ?? {} })),
          },
        ],
      },
    });
    started.push(prometheus);
    return {
      dir,
      prometheus,
      alertmanager,
      prometheusUrl: prometheus.url,
      alertmanagerUrl: alertmanager.url,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

// ---- small clients for what the loop watches ----

export interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

/** Alerts Prometheus holds now (pending and firing), from /api/v1/alerts. */
export async function prometheusAlerts(prometheusUrl: string): Promise<PromAlert[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/alerts`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { data: { alerts: PromAlert[] } };
  return body.data.alerts;
}

export interface AmAlert {
  labels: Record<string, string>;
  status: { state: string };
}

/** Alerts Alertmanager has received and holds active, from /api/v2/alerts. */
export async function alertmanagerAlerts(alertmanagerUrl: string): Promise<AmAlert[]> {
  const res = await fetch(`${alertmanagerUrl}/api/v2/alerts`, { signal: AbortSignal.timeout(5000) });
  return (await res.json()) as AmAlert[];
}

/** Instant query; returns the result vector. */
export async function instantQuery(prometheusUrl: string, query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(query)}`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`query ${query} failed: ${body.error}`);
  return body.data.result;
}

/** Polls `probe` until it returns a value that is not undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
