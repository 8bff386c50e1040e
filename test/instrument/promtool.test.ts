// The exposition checked by the real `promtool check metrics` (format and naming
// lint), bucket layouts against the contract, and one registry per instance.
import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../src/contract/metrics.ts';
import { createDeliveryMetrics, metricsHandler, parseExposition } from '../../src/instrument/index.ts';
import { startSimulator, type SimulatorInstance } from '../../src/simulator/server.ts';

/** `promtool check metrics` on stdin: exit code and everything it printed. */
function promtoolCheck(exposition: string): { code: number | null; output: string } {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (r.error) throw r.error; // promtool is installed by scripts/ensure-tools.sh before the tests
  return { code: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

function exercise(m: ReturnType<typeof createDeliveryMetrics>) {
  m.recordDelivery({ outcome: 'success', durationSeconds: 0.3, attempts: 1 });
  m.recordDelivery({ outcome: 'failure', durationSeconds: 75, attempts: 9 });
  // label values with quotes, backslashes and newlines must be escaped
  m.circuitOpened('https://hooks.example/a?x="1"\\n');
  m.setCircuitState('line\nbreak', 'halfOpen');
  m.setQueueDepth(12);
  m.setDlqSize(1);
  m.setInflight(2);
  m.rateLimited(3);
}

describe('promtool check metrics', () => {
  let server: Server;
  let url: string;
  const m = createDeliveryMetrics({ env: { SLOGATE_TRACK: 'canary' }, instance: 'webhook-sender-001' });

  beforeAll(async () => {
    exercise(m);
    const handler = metricsHandler(m);
    server = createServer((req, res) => (req.url === '/metrics' ? handler(req, res) : res.writeHead(404).end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('passes on a scraped /metrics, with nothing to lint', async () => {
    const r = promtoolCheck(await (await fetch(url)).text());
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('passes on a fresh instance that has recorded nothing', async () => {
    const r = promtoolCheck(await createDeliveryMetrics({ env: {} }).exposition());
    expect(r.output).toBe('');
    expect(r.code).toBe(0);
  });

  it('is a real check: it fails a counter without _total', () => {
    const r = promtoolCheck('# HELP webhook_delivery counted\n# TYPE webhook_delivery counter\nwebhook_delivery 1\n');
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/_total/);
  });

  it('passes on a running simulator instance', async () => {
    const sim: SimulatorInstance = await startSimulator({ instance: 'webhook-sender-007', track: 'canary', preset: 'cb-storm', overrides: { circuitOpensPerMinute: 6000, deliveriesPerSecond: 200 }, seed: 7, tickMs: 20 });
    try {
      let text = '';
      // until the storm has opened a breaker, so the labelled families have samples
      for (let i = 0; i < 100 && !/webhook_circuit_breaker_opens_total\{/.test(text); i++) {
        await new Promise((r) => setTimeout(r, 50));
        text = await (await fetch(`${sim.url}/metrics`)).text();
      }
      expect(text).toMatch(/webhook_circuit_breaker_opens_total\{/);
      const r = promtoolCheck(text);
      expect(r.output).toBe('');
      expect(r.code).toBe(0);
    } finally {
      await sim.stop();
    }
  });

  it('histogram buckets are exactly the contract buckets plus +Inf', async () => {
    const families = parseExposition(await m.exposition());
    for (const def of [metrics.deliveryDuration, metrics.deliveryAttempts]) {
      const les = families.get(def.name)!.samples.filter((s) => s.name === `${def.name}_bucket`).map((s) => s.labels.le);
      expect(les).toEqual([...def.buckets.map(String), '+Inf']);
    }
  });
});

describe('one registry per instance', () => {
  it('two instances in one process keep their own counts and labels', async () => {
    const a = createDeliveryMetrics({ track: 'canary', instance: 'a' });
    const b = createDeliveryMetrics({ track: 'stable', instance: 'b' });
    a.recordDelivery({ outcome: 'success', durationSeconds: 1, attempts: 1 });
    a.recordDelivery({ outcome: 'success', durationSeconds: 1, attempts: 1 });
    b.recordDelivery({ outcome: 'failure', durationSeconds: 1, attempts: 3 });
    const total = async (m: typeof a) => parseExposition(await m.exposition()).get(metrics.deliveryTotal.name)!.samples;
    expect(await total(a)).toEqual([{ name: metrics.deliveryTotal.name, labels: { track: 'canary', instance: 'a' }, value: 2 }]);
    expect(await total(b)).toEqual([{ name: metrics.deliveryTotal.name, labels: { track: 'stable', instance: 'b' }, value: 1 }]);
    expect(a.registry).not.toBe(b.registry);
  });

  it('counts refuse NaN and negatives (NaN would silence every threshold alert)', () => {
    const m = createDeliveryMetrics({ env: {} });
    expect(() => m.setQueueDepth(Number.NaN)).toThrow(RangeError);
    expect(() => m.setDlqSize(-1)).toThrow(/DLQ size must be a finite number >= 0, got -1/);
    expect(() => m.setInflight(Infinity)).toThrow(RangeError);
    expect(() => m.rateLimited(-2)).toThrow(RangeError);
    m.setQueueDepth(0);
  });
});

// promtool is required here, as in test/promtool: fail loudly if it is missing
execFileSync('promtool', ['--version'], { stdio: 'ignore' });
