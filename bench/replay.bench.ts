// npm run bench:replay — a window of BENCH_EVENTS (default 10,000) webhook events replayed in
// batches against the reference API (SQLite store, loopback HTTP), two ways:
//   verified:   `slogate replay window`'s run: before each next batch, re-list the batch and
//               run the reconciliation dry run; every call written to the incident record;
//   unverified: the same plan, the same replay-query calls and the same record of each call,
//               with no re-listing and no reconciliation.
// Each on a fresh store with the same seed, at batch sizes BENCH_BATCHES (default 50,200), and
// again with BENCH_RTT_MS (default 5) added to every answer, as for a remote API. Each figure is
// the median of BENCH_RUNS (default 3) runs, verified and unverified runs taking turns.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { replay as config } from '../runbooks/webhook-delivery/replay.ts';
import { RecoveryApi } from '../src/replay/api.ts';
import { planWindow } from '../src/replay/plan.ts';
import { IncidentRecord } from '../src/replay/record.ts';
import { ReplayRun } from '../src/replay/run.ts';
import { NodeTransport } from '../src/replay/transport.ts';
import { seedStore, type SeedSpec } from '../src/webhook-api/seed.ts';
import { startReferenceServer } from '../src/webhook-api/server.ts';
import { WebhookStore } from '../src/webhook-api/store.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const BATCHES = (process.env.BENCH_BATCHES ?? `${config.batch.defaultSize},${config.batch.maxSize}`).split(',').map(Number);
const RTT_MS = Number(process.env.BENCH_RTT_MS ?? 5);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TOKEN = 'bench-token-0123456789';
const scope = { provider: 'smartlead', org: 'org-b', company: 'co-b' };
const seed: SeedSpec = { start: '2026-02-16T00:00:00Z', stepMs: 1000, scopes: [{ ...scope, campaigns: 20, leadsPerCampaign: 50, events: EVENTS, failEvery: 3 }] };
const win = { from: '2026-02-16T00:00:00Z', to: new Date(Date.parse(seed.start) + EVENTS * 1000).toISOString() };

interface Result {
  ms: number;
  /** CPU time of this process (client and server both live in it): steadier than wall time on a busy machine. */
  cpuMs: number;
  requests: number;
  replayed: number;
}

async function withApi(delayMs: number, fn: (url: string, dir: string, store: WebhookStore) => Promise<Result>): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slogate-bench-replay-'));
  const store = new WebhookStore(path.join(dir, 'api.sqlite'));
  seedStore(store, seed);
  const server = await startReferenceServer({ store, token: TOKEN, endpoints: config.endpoints, providers: config.providers, faults: delayMs ? { delayMs } : {} });
  try {
    return await fn(server.url, dir, store);
  } finally {
    await server.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function setup(url: string, dir: string, label: string) {
  const transport = new NodeTransport({ baseUrl: url, token: TOKEN, requestId: `bench-${label}`, timeoutMs: 30_000, rateLimitRetries: 0, maxRetryAfterMs: 0 });
  return { transport, open: () => IncidentRecord.open(path.join(dir, 'incident'), { request_id: `bench-${label}`, command: 'replay window', argv: [], scope, dry_run: false }, [TOKEN]) };
}

async function verified(url: string, dir: string, store: WebhookStore, size: number): Promise<Result> {
  const { transport, open } = setup(url, dir, 'verified');
  const record = await open();
  const api = new RecoveryApi(transport, config.endpoints, config.http.pageSize, (c) => record.call(c));
  const t = performance.now();
  const c0 = process.cpuUsage();
  const r = await new ReplayRun({ api, record, config, signal: new AbortController().signal, progress: () => {} }).run({ kind: 'window', scope, window: win, batchSize: size, dryRun: false, override: true });
  const ms = performance.now() - t;
  const cpuMs = cpuSince(c0);
  transport.close();
  if (r.exit !== 0) throw new Error(`verified run ended ${r.outcome}: ${r.message}`);
  return { ms, cpuMs, requests: transport.sent, replayed: [...store.replayCounts('smartlead').values()].filter((n) => n > 0).length };
}

async function unverified(url: string, dir: string, store: WebhookStore, size: number): Promise<Result> {
  const { transport, open } = setup(url, dir, 'unverified');
  const record = await open();
  const api = new RecoveryApi(transport, config.endpoints, config.http.pageSize, (c) => record.call(c));
  const t = performance.now();
  const c0 = process.cpuUsage();
  const listed = await api.listEvents({ provider: scope.provider, org: scope.org, company: scope.company });
  for (const b of planWindow(listed, win, size)) {
    if (b.via === 'query') await api.replayQuery({ ...scope, from: b.from!, to: b.to!, limit: b.keys.length }, b.keys);
    else await api.replayBulk(scope.provider, b.keys);
  }
  await record.finish('done', 0, {});
  const ms = performance.now() - t;
  const cpuMs = cpuSince(c0);
  transport.close();
  return { ms, cpuMs, requests: transport.sent, replayed: [...store.replayCounts('smartlead').values()].filter((n) => n > 0).length };
}

function cpuSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

async function main() {
  console.log(`replay bench: ${fmt(EVENTS)} events in one window, reference API on loopback (SQLite), Node ${process.version}, median of ${RUNS} runs`);
  for (const rtt of [0, RTT_MS]) {
    for (const size of BATCHES) {
      const vs: Result[] = [];
      const ns: Result[] = [];
      for (let r = 0; r < RUNS; r++) {
        vs.push(await withApi(rtt, (u, d, s) => verified(u, d, s, size)));
        ns.push(await withApi(rtt, (u, d, s) => unverified(u, d, s, size)));
      }
      const median = (xs: Result[]) => [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)];
      const v = median(vs);
      const n = median(ns);
      if (v.replayed !== EVENTS || n.replayed !== EVENTS) throw new Error(`replayed ${v.replayed} / ${n.replayed} of ${EVENTS}`);
      const label = `batch ${String(size).padStart(3)}${rtt ? `, +${rtt} ms per answer` : ', loopback'}`;
      console.log(
        `${label.padEnd(32)} verified ${fmt(EVENTS / (v.ms / 1000)).padStart(6)} events/s (${(v.ms / 1000).toFixed(2)} s, ${v.requests} requests)` +
          `  unverified ${fmt(EVENTS / (n.ms / 1000)).padStart(6)} events/s (${(n.ms / 1000).toFixed(2)} s, ${n.requests} requests)` +
          `  verification overhead ${(v.ms / n.ms).toFixed(2)}x time, +${((v.ms - n.ms) / (EVENTS / size)).toFixed(1)} ms per batch;` +
          ` CPU ${(v.cpuMs / 1000).toFixed(2)} s vs ${(n.cpuMs / 1000).toFixed(2)} s (${(v.cpuMs / n.cpuMs).toFixed(2)}x)`,
      );
    }
  }
}

await main();
