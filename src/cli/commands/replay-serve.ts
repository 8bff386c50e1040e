// `slogate replay serve`: the reference webhook API on a port, seeded with an incident.
import { readFileSync } from 'node:fs';
import type { ReplayConfig } from '../../contract/replay.ts';
import { seedStore, type SeedSpec } from '../../webhook-api/seed.ts';
import { startReferenceServer, type Faults } from '../../webhook-api/server.ts';
import { WebhookStore } from '../../webhook-api/store.ts';
import { UserError } from '../errors.ts';

/** The demo incident: two scopes of the first provider and one of the second. */
export function demoSeed(config: ReplayConfig, events: number): SeedSpec {
  const [a, b = a] = config.providers;
  return {
    start: '2026-02-16T00:00:00Z',
    stepMs: 1000,
    scopes: [
      { provider: a, org: 'org-1', company: 'co-1', campaigns: 4, leadsPerCampaign: 10, events, failEvery: 3 },
      { provider: a, org: 'org-2', company: 'co-3', campaigns: 2, leadsPerCampaign: 5, events: Math.ceil(events / 4), failEvery: 4 },
      { provider: b, org: 'org-1', company: 'co-2', campaigns: 3, leadsPerCampaign: 8, events: Math.ceil(events / 2), failEvery: 3 },
    ],
  };
}

export async function serveReference(f: { port: string; host: string; db?: string; events: string; faults?: string }, config: ReplayConfig): Promise<void> {
  const token = process.env[config.tokenEnv];
  if (!token) throw new UserError(`set ${config.tokenEnv}: the reference API accepts that bearer token only`);
  const port = Number(f.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port must be an integer from 0 to 65535, got '${f.port}'`);
  const events = Number(f.events);
  if (!Number.isInteger(events) || events < 1 || events > 1_000_000) throw new UserError(`--events must be an integer from 1 to 1000000, got '${f.events}'`);
  let faults: Faults = {};
  if (f.faults) {
    try {
      faults = JSON.parse(readFileSync(f.faults, 'utf8'));
    } catch (err) {
      throw new UserError(`--faults ${f.faults}: ${err instanceof SyntaxError ? 'not JSON' : ((err as NodeJS.ErrnoException).code ?? 'unreadable')}`);
    }
  }
  let store: WebhookStore;
  try {
    store = new WebhookStore(f.db ?? ':memory:');
  } catch (err) {
    throw new UserError(`--db ${f.db}: ${(err as Error).message}`);
  }
  const fresh = !(store.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  if (fresh) seedStore(store, demoSeed(config, events));
  const server = await startReferenceServer({ store, token, endpoints: config.endpoints, providers: config.providers, faults, host: f.host, port }).catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`cannot listen on ${f.host}:${f.port}: ${err.code ?? err.message}`);
  });
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(`slogate: reference webhook API on ${server.url} (${fresh ? 'seeded' : 'existing'} store ${f.db ?? 'in memory'}); Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.stop();
  store.close();
}
