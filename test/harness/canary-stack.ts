// A live canary for the rollout commands: simulator instances (in process) scraped every
// second by a real Prometheus loaded with the generated rules, wired to a real
// Alertmanager whose routing sends everything to a webhook receiver. One call to start,
// one to stop; everything started here is stopped there.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startSimulator, type SimulatorInstance } from '../../src/simulator/server.ts';
import type { PresetName, Scenario } from '../../src/simulator/scenario.ts';
import { ROOT } from './cli.ts';
import { startLiveStack, waitFor, webhookReceiverConfig, type LiveStack } from './live-stack.ts';

export interface CanaryInstanceSpec {
  instance: string;
  track?: string;
  preset?: PresetName;
  overrides?: Partial<Scenario>;
  /** Serve /metrics with these metric names replaced (a service that renamed a metric). */
  rename?: Record<string, string>;
}

/** A scrape target in front of a simulator that renames metrics in its exposition. */
async function renamingProxy(sim: SimulatorInstance, rename: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    let text = await (await fetch(`${sim.url}/metrics`)).text();
    for (const [from, to] of Object.entries(rename)) text = text.replace(new RegExp(`\\b${from}\\b`, 'g'), to);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
}

export interface CanaryStack {
  stack: LiveStack;
  sims: SimulatorInstance[];
  /** The rule files as Prometheus loads them (inside the stack's directory). */
  ruleFile(name: string): string;
  /** Rewrites a loaded rule file and makes Prometheus reload it (SIGHUP), waiting until it took. */
  replaceRules(name: string, edit: (text: string) => string, loaded: (groups: { name: string; rules: { name: string }[] }[]) => boolean): Promise<void>;
  stop(): Promise<void>;
}

export const GENERATED_RULES = readdirSync(join(ROOT, 'generated/prometheus'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join(ROOT, 'generated/prometheus', f));

export async function startCanaryStack(instances: CanaryInstanceSpec[], opts: { alertmanagerConfig?: Record<string, unknown>; seed?: number } = {}): Promise<CanaryStack> {
  const sims: SimulatorInstance[] = [];
  const proxies: { url: string; close(): Promise<void> }[] = [];
  const targets: { url: string; labels: Record<string, string> }[] = [];
  const stopAll = () => Promise.all([...sims.map((s) => s.stop()), ...proxies.map((p) => p.close())]);
  try {
    for (const [i, spec] of instances.entries()) {
      const sim = await startSimulator({ instance: spec.instance, track: spec.track ?? 'canary', preset: spec.preset, overrides: spec.overrides, seed: (opts.seed ?? 7) + i });
      sims.push(sim);
      let url = sim.url;
      if (spec.rename) {
        const p = await renamingProxy(sim, spec.rename);
        proxies.push(p);
        url = p.url;
      }
      targets.push({ url, labels: { instance: sim.instance, track: sim.track } });
    }
    const stack = await startLiveStack({
      targets,
      ruleFiles: GENERATED_RULES,
      alertmanagerConfig: opts.alertmanagerConfig ?? webhookReceiverConfig('http://127.0.0.1:9/hook'),
    });
    const ruleFile = (name: string) => join(stack.dir, 'rules', name);
    return {
      stack,
      sims,
      ruleFile,
      async replaceRules(name, edit, loaded) {
        const f = ruleFile(name);
        writeFileSync(f, edit(readFileSync(f, 'utf8')));
        process.kill(stack.prometheus.pid!, 'SIGHUP');
        await waitFor(
          `Prometheus to reload ${name}`,
          async () => {
            const body = (await (await fetch(`${stack.prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { name: string }[] }[] } };
            return loaded(body.data.groups) ? true : undefined;
          },
          15_000,
        );
      },
      async stop() {
        await stack.stop();
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
