import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { metrics } from '../../src/contract/metrics.ts';
import { contractViolations, parseExposition } from '../../src/instrument/index.ts';
import { LEAK_FIELDS } from '../../src/simulator/pii.ts';
import { presets } from '../../src/simulator/scenario.ts';
import { startSimulator, type SimulatorInstance } from '../../src/simulator/server.ts';

interface Described {
  preset: string;
  scenario: { successRate: number };
}

const BIN = join(import.meta.dirname, '../../bin/slogate');
const dir = mkdtempSync(join(tmpdir(), 'slogate-sim-'));
const children: ChildProcess[] = [];
const instances: SimulatorInstance[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await Promise.all(instances.splice(0).map((i) => i.stop()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts `slogate simulate` and resolves with the first `n` stdout lines (the URLs). */
function simulate(args: string[], n: number, env: Record<string, string> = {}): Promise<{ child: ChildProcess; urls: string[] }> {
  const child = spawn(BIN, ['simulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.push(child);
  return new Promise((resolve, reject) => {
    const urls: string[] = [];
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      urls.push(line);
      if (urls.length === n) resolve({ child, urls });
    });
    child.on('exit', (code) => reject(new Error(`simulate exited ${code}: ${stderr}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.on('exit', (code) => r(code))));

describe('slogate simulate', () => {
  it('runs two instances with their own labels, serves contract metrics, and changes scenario live', async () => {
    const log = join(dir, 'two.jsonl');
    const { child, urls } = await simulate(['--instances', '2', '--seed', '7', '--log', log, '--track', 'canary'], 2);
    expect(urls).toHaveLength(2);
    for (const u of urls) expect(u).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(urls).size).toBe(2);

    for (const [i, u] of urls.entries()) {
      const text = await (await fetch(`${u}/metrics`)).text();
      expect(contractViolations(text)).toEqual([]);
      const sample = parseExposition(text).get(metrics.queueDepth.name)!.samples[0];
      expect(sample.labels).toEqual({ track: 'canary', instance: `webhook-sender-00${i + 1}` });
    }

    const changed = await fetch(`${urls[1]}/scenario`, { method: 'POST', body: '{"successRate":0.8}' });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as Described).scenario.successRate).toBe(0.8);
    const other = (await (await fetch(`${urls[0]}/scenario`)).json()) as Described;
    expect(other.scenario.successRate).toBe(presets.healthy.successRate);
    expect(other.preset).toBe('healthy');

    const bad = await fetch(`${urls[1]}/scenario`, { method: 'POST', body: '{"successRate":"high"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('successRate must be a number');
    const notJson = await fetch(`${urls[1]}/scenario`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);

    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.instance))).toEqual(new Set(['webhook-sender-001', 'webhook-sender-002']));
  });

  it('refuses --instance together with several instances, in one line', () => {
    const r = spawnSync(BIN, ['simulate', '--instances', '2', '--instance', 'x'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^slogate: --instance names a single instance/);
  });

  it('reports a log it cannot write as a one-line error', () => {
    const r = spawnSync(BIN, ['simulate', '--log', dir, '--duration', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`slogate: cannot write --log ${dir}: EISDIR\n`);
  });

  it('reports a port in use as a one-line error', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = spawnSync(BIN, ['simulate', '--port', String(port), '--duration', '1'], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^slogate: cannot listen on 127\.0\.0\.1: EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('takes one --instance name and the track from SLOGATE_TRACK, and stops by itself after --duration', async () => {
    const { child, urls } = await simulate(['--instance', 'blue-7', '--duration', '1.5'], 1, { SLOGATE_TRACK: 'stable' });
    const text = await (await fetch(`${urls[0]}/metrics`)).text();
    expect(parseExposition(text).get(metrics.dlqSize.name)!.samples[0].labels).toEqual({ track: 'stable', instance: 'blue-7' });
    expect(await exited(child)).toBe(0);
  });
});

describe('startSimulator (library)', () => {
  it('writes exactly the deliveries it counts, with the planted PII it reports', async () => {
    const log = join(dir, 'lib.jsonl');
    const sim = await startSimulator({ instance: 'w-1', track: 'canary', preset: 'pii-leak', overrides: { piiRate: 0.5 }, seed: 5, logFile: log, tickMs: 20 });
    instances.push(sim);
    await new Promise((r) => setTimeout(r, 1500));
    await sim.stop();
    const stats = sim.simulation.stats;
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBe(stats.deliveries);
    expect(stats.deliveries).toBeGreaterThan(5);
    const leaked: Record<string, number> = {};
    for (const l of lines) {
      for (const [cat, field] of Object.entries(LEAK_FIELDS)) if (field in l) leaked[cat] = (leaked[cat] ?? 0) + 1;
    }
    expect(leaked).toEqual(stats.piiByCategory);
    expect(Object.values(leaked).reduce((a, b) => a + b, 0)).toBe(stats.piiLines);
    expect(lines.filter((l) => l.outcome === 'success').length).toBe(stats.successes);
  });
});
