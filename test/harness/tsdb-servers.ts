// Real Prometheus and VictoriaMetrics servers on free loopback ports, loaded with
// synthetic history. Every server started here is stopped by stop() and, as a last
// resort, when the test process exits.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toOpenMetrics, toVictoriaImport, type Sample } from './history.ts';

const run = promisify(execFile);
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TsdbServer {
  kind: 'prometheus' | 'victoriametrics';
  url: string;
  stop(): Promise<void>;
}

async function waitFor(url: string, proc: ChildProcess, ok: (status: number, body: string) => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}: ${last}`);
    try {
      const res = await fetch(url);
      const body = await res.text();
      if (ok(res.status, body)) return;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms: ${last}`);
}

function startProcess(cmd: string, args: string[]): { proc: ChildProcess; log: () => string } {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let log = '';
  const keep = (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.once('exit', () => live.delete(proc));
  return { proc, log: () => log };
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface PrometheusRuleOptions {
  /** Rule files (globs allowed) Prometheus loads and evaluates. */
  ruleFiles?: string[];
  /** Rule evaluation interval (default 1m, Prometheus's). */
  evaluationInterval?: string;
  /** Also scrape itself (its `prometheus_rule_group_*` metrics), every this often. */
  selfScrape?: string;
}

/** Backfills the samples with promtool, then serves them with a real Prometheus. */
export async function startPrometheus(samples: Iterable<Sample>, rules: PrometheusRuleOptions = {}): Promise<TsdbServer> {
  const dir = await mkdtemp(join(tmpdir(), 'slogate-prom-'));
  try {
    const data = join(dir, 'data');
    const om = join(dir, 'history.om');
    await writeFile(om, toOpenMetrics(samples));
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, data], { maxBuffer: 64 * 1024 * 1024 });
    await rm(om);
    const config = join(dir, 'prometheus.yml');
    const port = await freePort();
    await writeFile(config, prometheusConfig(port, rules));
    const { proc, log } = startProcess('prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${data}`,
      // the history is in the past: keep every block
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${url}/-/ready`, proc, (s) => s === 200, `prometheus (${log()})`);
    // with rules, ready means every group has been evaluated once
    if (rules.ruleFiles?.length) await waitFor(`${url}/api/v1/rules`, proc, (s, body) => s === 200 && allEvaluated(body), `prometheus rules (${log()})`, 120_000);
    return {
      kind: 'prometheus',
      url,
      async stop() {
        await stopProcess(proc);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function allEvaluated(body: string): boolean {
  const groups = JSON.parse(body).data?.groups as { lastEvaluation?: string }[] | undefined;
  return !!groups?.length && groups.every((g) => g.lastEvaluation && !g.lastEvaluation.startsWith('0001'));
}

function prometheusConfig(port: number, o: PrometheusRuleOptions): string {
  const lines = ['global:', `  scrape_interval: ${o.selfScrape ?? '1m'}`, `  evaluation_interval: ${o.evaluationInterval ?? '1m'}`];
  if (o.ruleFiles?.length) lines.push('rule_files:', ...o.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`));
  if (o.selfScrape) lines.push('scrape_configs:', '  - job_name: prometheus', '    static_configs:', `      - targets: ["127.0.0.1:${port}"]`);
  return lines.join('\n') + '\n';
}

/** Starts VictoriaMetrics and loads the samples through its import API. */
export async function startVictoriaMetrics(samples: Iterable<Sample>, probe: { query: string; time: number }, rules: { ruleFiles?: string[]; evaluationInterval?: string } = {}): Promise<TsdbServer> {
  const dir = await mkdtemp(join(tmpdir(), 'slogate-vm-'));
  const port = await freePort();
  // with rules, a vmalert evaluates them against VictoriaMetrics, writes ALERTS back, and
  // VictoriaMetrics proxies its /api/v1/rules (-vmalert.proxyURL)
  const vmalertPort = rules.ruleFiles?.length ? await freePort() : null;
  const { proc, log } = startProcess('victoria-metrics', [
    ...(vmalertPort ? [`-vmalert.proxyURL=http://127.0.0.1:${vmalertPort}`] : []),
    `-storageDataPath=${dir}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-retentionPeriod=100y',
    // tests query right after the import: no result cache, no "recent data" delay
    '-search.disableCache',
    '-search.latencyOffset=0s',
    '-loggerLevel=ERROR',
  ]);
  const url = `http://127.0.0.1:${port}`;
  let vmalert: ChildProcess | null = null;
  const server: TsdbServer = {
    kind: 'victoriametrics',
    url,
    async stop() {
      if (vmalert) await stopProcess(vmalert);
      await stopProcess(proc);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(`${url}/health`, proc, (s) => s === 200, `victoria-metrics (${log()})`);
    const res = await fetch(`${url}/api/v1/import`, { method: 'POST', body: toVictoriaImport(samples) });
    if (res.status !== 204) throw new Error(`import failed: ${res.status} ${await res.text()}`);
    await fetch(`${url}/internal/force_flush`);
    // the import is visible once the probe finds data
    const probeUrl = `${url}/api/v1/query?query=${encodeURIComponent(probe.query)}&time=${probe.time}`;
    await waitFor(probeUrl, proc, (s, body) => s === 200 && JSON.parse(body).data?.result?.length > 0, 'victoria-metrics import');
    if (vmalertPort) {
      const va = startProcess('vmalert', [
        ...rules.ruleFiles!.map((f) => `-rule=${f}`),
        `-datasource.url=${url}`,
        `-remoteWrite.url=${url}`,
        // an address nothing listens on: the tests read alerts from the rules API, not a notifier
        '-notifier.url=http://127.0.0.1:9',
        `-evaluationInterval=${rules.evaluationInterval ?? '1m'}`,
        `-httpListenAddr=127.0.0.1:${vmalertPort}`,
        '-loggerLevel=ERROR',
      ]);
      vmalert = va.proc;
      await waitFor(`${url}/api/v1/rules`, va.proc, (s, body) => s === 200 && allEvaluated(body), `vmalert (${va.log()})`, 120_000);
    }
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}
