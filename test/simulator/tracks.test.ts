// Stable and canary tracks side by side, and faults that reach both (a shared dependency)
// or only the canary (its own build): in process and through `slogate simulate`.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { simulatorUrls } from '../harness/cli.ts';
import { CANARY_TRACK, metrics, STABLE_TRACK } from '../../src/contract/metrics.ts';
import { parseExposition } from '../../src/instrument/index.ts';
import { faults } from '../../src/simulator/faults.ts';
import { presets } from '../../src/simulator/scenario.ts';
import { startSimulator, type SimulatorInstance } from '../../src/simulator/server.ts';

const BIN = join(import.meta.dirname, '../../bin/slogate');
const instances: SimulatorInstance[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all(instances.splice(0).map((i) => i.stop()));
});

async function pair(): Promise<[SimulatorInstance, SimulatorInstance]> {
  const canary = await startSimulator({ instance: 'webhook-sender-001', track: CANARY_TRACK, seed: 1 });
  const stable = await startSimulator({ instance: 'webhook-sender-002', track: STABLE_TRACK, seed: 2 });
  instances.push(canary, stable);
  return [canary, stable];
}

const postFault = async (url: string, fault: string | null) => {
  const res = await fetch(`${url}/fault`, { method: 'POST', body: JSON.stringify({ fault }) });
  return { status: res.status, body: (await res.json()) as { applies?: boolean; fault?: string | null; track?: string; scenario?: { successRate: number; latencyP95Ms: number }; error?: string } };
};

describe('tracks and faults', () => {
  it('a shared fault degrades both tracks; clearing it restores each scenario', async () => {
    const [canary, stable] = await pair();
    for (const i of [canary, stable]) expect(i.setFault('receiver-db-down')).toBe(true);
    for (const i of [canary, stable]) {
      expect(i.simulation.scenario.successRate).toBe(faults['receiver-db-down'].patch.successRate);
      expect(i.fault()).toBe('receiver-db-down');
    }
    for (const i of [canary, stable]) i.setFault(null);
    for (const i of [canary, stable]) expect(i.simulation.scenario).toEqual(presets.healthy);
  });

  it('a canary-only fault leaves the stable track alone (over HTTP too)', async () => {
    const [canary, stable] = await pair();
    const c = await postFault(canary.url, 'canary-slow');
    const s = await postFault(stable.url, 'canary-slow');
    expect(c.body).toMatchObject({ applies: true, fault: 'canary-slow', track: CANARY_TRACK });
    expect(c.body.scenario!.latencyP95Ms).toBe(faults['canary-slow'].patch.latencyP95Ms);
    expect(s.body).toMatchObject({ applies: false, fault: null, track: STABLE_TRACK });
    expect(s.body.scenario!.latencyP95Ms).toBe(presets.healthy.latencyP95Ms);
    expect((await postFault(canary.url, 'nope')).status).toBe(400);
    expect((await postFault(canary.url, 'nope')).body.error).toMatch(/unknown fault "nope" \(known: receiver-db-down, canary-regression, canary-slow/);
  });

  it('slogate simulate --stable 1 --fault runs a baseline beside the canary', async () => {
    const child = spawn(BIN, ['simulate', '--instances', '1', '--stable', '1', '--seed', '3', '--fault', 'canary-regression'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const urls = await simulatorUrls(child, 2);
    const described = await Promise.all(urls.map(async (u) => (await (await fetch(`${u}/scenario`)).json()) as { instance: string; track: string; fault: string | null }));
    expect(described.map((d) => [d.instance, d.track, d.fault])).toEqual([
      ['webhook-sender-001', CANARY_TRACK, 'canary-regression'],
      ['webhook-sender-002', STABLE_TRACK, null],
    ]);
    // the counter appears with the first delivery
    let series: { labels: Record<string, string> }[] = [];
    for (let i = 0; i < 50 && series.length === 0; i++) {
      const text = await (await fetch(`${urls[1]}/metrics`)).text();
      series = parseExposition(text).get(metrics.deliveryTotal.name)?.samples ?? [];
      if (!series.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(series.length).toBeGreaterThan(0);
    expect(series.every((s) => s.labels.track === STABLE_TRACK)).toBe(true);
  });
});
