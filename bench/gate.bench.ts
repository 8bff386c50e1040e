// npm run bench:gate — a T+24h gate against a real Prometheus holding 24h of per-minute
// history (BENCH_INSTANCES instances, default 25: the phase-25 fleet), against two naive baselines:
//   sequential: the same queries, one at a time;
//   hourly loop: the runbook's way, one summary per hour (24 windows) plus the 24h one,
//                each query one at a time.
// Prints wall time (median of RUNS) and HTTP requests for each, on loopback and again
// through a proxy that adds BENCH_RTT_MS (default 25 ms) per request, like a remote backend.
import { runbook } from '../runbooks/webhook-delivery/index.ts';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gatherEvidence, runGate } from '../src/gate/index.ts';
import { instanceNames, scenarioSamples, type ScenarioHistory } from '../test/harness/history.ts';
import { cleanLogFor, scenario, iso } from '../test/harness/gate-scenarios.ts';
import { startPrometheus } from '../test/harness/tsdb-servers.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 25);

/** A forwarding proxy that holds each request for `delayMs` before passing it on. */
async function slowProxy(target: string, delayMs: number): Promise<{ url: string; close: () => Promise<void> }> {
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      setTimeout(() => {
        const up = http.request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(Buffer.concat(chunks));
      }, delayMs),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
const run = promisify(execFile);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

async function measure(name: string, fn: () => Promise<number>): Promise<{ name: string; ms: number; requests: number }> {
  await fn(); // warm the page cache and the TSDB's chunk reads once
  const times: number[] = [];
  let requests = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await timed(fn);
    times.push(r.ms);
    requests = r.value;
  }
  return { name, ms: median(times), requests };
}

const base = scenario('healthy-24h-noise-alerts');
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 25);
const template = base.history.instances[1]; // no breaker opens
const history: ScenarioHistory = { ...base.history, instances: instanceNames(INSTANCES).map((instance) => ({ ...template, instance })) };
const samples = [...scenarioSamples(history)];
console.log(`history: ${history.instances.length} instances x ${history.minutes} minutes, ${samples.length} samples`);
const loadStart = performance.now();
// the generated rules run, so the gate's rules check (and its evaluation-coverage query) is measured too
const server = await startPrometheus(samples, { ruleFiles: [join(import.meta.dirname, '../generated/prometheus/webhook_canary_alerts.yml')], evaluationInterval: '5s' });
// the final checkpoint promotes only with a PII scan: a clean log covering the day
const cleanLog = cleanLogFor({ ...base, history });
console.log(`backfill + start Prometheus: ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

try {
  const t0 = history.t0;
  const at = t0 + 24 * 3600;
  const cli = join(import.meta.dirname, '../bin/slogate');
  const proxy = await slowProxy(server.url, RTT_MS);
  try {
    for (const [label, url] of [['loopback', server.url], [`+${RTT_MS} ms per request`, proxy.url]] as const) {
      const results: { name: string; ms: number; requests: number }[] = [];
      const gateOpts = { runbook, prometheus: url, start: t0, at, checkpoint: '24h' as const, phase: 5 as const, logs: [cleanLog] };
      results.push(
        await measure('slogate gate (library, concurrency 4)', async () => {
          const r = await runGate({ ...gateOpts, concurrency: 4 });
          if (r.verdict !== 'promote') throw new Error(`unexpected verdict ${r.verdict}: ${r.reasons.join('; ')}`);
          return r.http_requests;
        }),
      );
      results.push(await measure('baseline: same queries, sequential', async () => (await runGate({ ...gateOpts, concurrency: 1 })).http_requests));
      results.push(await measure('gate without the rules check (as before rules health)', async () => (await gatherEvidence({ ...gateOpts, end: at, series: true, rules: false, concurrency: 4 })).httpRequests));
      results.push(
        await measure('baseline: runbook hourly loop, sequential', async () => {
          let requests = 0;
          for (let h = 0; h < 24; h++) {
            const g = await gatherEvidence({ runbook, prometheus: url, start: t0 + h * 3600, end: t0 + (h + 1) * 3600, skip: ['pii'], series: true, rules: false, concurrency: 1 });
            requests += g.httpRequests;
          }
          const day = await gatherEvidence({ runbook, prometheus: url, start: t0, end: at, skip: ['pii'], series: false, rules: false, concurrency: 1 });
          return requests + day.httpRequests;
        }),
      );
      const cliArgs = ['gate', '--prometheus', url, '--start', iso(t0), '--at', iso(at), '--checkpoint', '24h', '--logs', cleanLog, '--json'];
      results.push(
        await measure('slogate gate (CLI process, incl. tsx start-up)', async () => {
          const r = await run(cli, cliArgs);
          if (JSON.parse(r.stdout).verdict !== 'promote') throw new Error('unexpected verdict');
          return results[0].requests;
        }),
      );
      const gate = results[0];
      console.log(`\nT+24h gate, ${label}, median of ${RUNS} runs after one warm-up:`);
      for (const r of results) {
        const ratio = r === gate ? '' : `  (${(r.ms / gate.ms).toFixed(1)}x the gate's time)`;
        console.log(`  ${r.name.padEnd(48)} ${(r.ms / 1000).toFixed(3).padStart(7)} s  ${String(r.requests).padStart(4)} HTTP requests${ratio}`);
      }
      const target = 2000;
      const cliResult = results[results.length - 1];
      console.log(`  target < ${target / 1000} s: ${cliResult.ms < target ? 'met' : 'MISSED'} (library ${(gate.ms / 1000).toFixed(3)} s, CLI ${(cliResult.ms / 1000).toFixed(3)} s)`);
    }
  } finally {
    await proxy.close();
  }
} finally {
  await server.stop();
}
