// Starts the reference webhook API in the test process (SQLite in a temp folder) and runs the
// CLI against it as a child process, the way an operator would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { replay as config } from '../../runbooks/webhook-delivery/replay.ts';
import { seedStore, type SeedSpec } from '../../src/webhook-api/seed.ts';
import { startReferenceServer, type Faults, type ReferenceServer } from '../../src/webhook-api/server.ts';
import { WebhookStore } from '../../src/webhook-api/store.ts';
import { BIN, ROOT, type Run } from '../harness/cli.ts';

export const TOKEN = 'sa-jwt.eyJzdXBlciI6dHJ1ZX0.c2lnbmF0dXJl';

export const SCOPE = { provider: 'smartlead', org: 'org-1', company: 'co-1' };

/** 60 events in org-1/co-1 one second apart from 00:00, every third failed; another scope beside it. */
export const SEED: SeedSpec = {
  start: '2026-02-16T00:00:00Z',
  stepMs: 1000,
  scopes: [
    { ...{ provider: 'smartlead', org: 'org-1', company: 'co-1' }, campaigns: 3, leadsPerCampaign: 4, events: 60, failEvery: 3 },
    { provider: 'smartlead', org: 'org-2', company: 'co-9', campaigns: 1, leadsPerCampaign: 3, events: 12, failEvery: 2 },
    { provider: 'heyreach', org: 'org-1', company: 'co-2', campaigns: 2, leadsPerCampaign: 3, events: 20, failEvery: 3 },
  ],
};

export const WINDOW = ['--from', '2026-02-16T00:00:00Z', '--to', '2026-02-16T00:01:00Z'];

export interface Api {
  server: ReferenceServer;
  store: WebhookStore;
  dir: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startApi(faults: Faults = {}, seed: SeedSpec = SEED, onRequest?: (method: string, path: string) => void): Promise<Api> {
  const dir = mkdtempSync(path.join(tmpdir(), 'slogate-replay-'));
  const store = new WebhookStore(path.join(dir, 'api.sqlite'));
  seedStore(store, seed);
  const server = await startReferenceServer({ store, token: TOKEN, endpoints: config.endpoints, providers: config.providers, faults, onRequest });
  return {
    server,
    store,
    dir,
    env: { [config.tokenEnv]: TOKEN, [config.baseUrlEnv]: server.url },
    async stop() {
      await server.stop();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI; `onStderr` sees stderr as it arrives and may send the child a signal. */
export function cli(args: string[], env: Record<string, string>, onStderr?: (soFar: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}
