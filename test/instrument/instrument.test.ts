import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIRCUIT_BREAKER_STATES, metrics, SCRAPE_LABELS, type MetricDef } from '../../src/contract/metrics.ts';
import {
  contractViolations,
  createDeliveryMetrics,
  metricsHandler,
  parseExposition,
  scrape,
  serviceMetricDefs,
} from '../../src/instrument/index.ts';

const contract = Object.values(metrics) as MetricDef[];

/** Touches every helper so every labelled family has samples to inspect. */
function exercise(m: ReturnType<typeof createDeliveryMetrics>) {
  m.recordDelivery({ outcome: 'success', durationSeconds: 0.2, attempts: 1 });
  m.recordDelivery({ outcome: 'success', durationSeconds: 3, attempts: 2 });
  m.recordDelivery({ outcome: 'failure', durationSeconds: 12, attempts: 4 });
  m.circuitOpened('receiver-a');
  m.setCircuitState('receiver-b', 'halfOpen');
  m.setQueueDepth(42);
  m.setDlqSize(7);
  m.setInflight(3);
  m.rateLimited();
  m.rateLimited(2);
  m.setRateLimit(10);
}

describe('instrumentation module served over node:http', () => {
  let server: Server;
  let url: string;
  const m = createDeliveryMetrics({ env: { SLOGATE_TRACK: 'canary' } });

  beforeAll(async () => {
    exercise(m);
    const handler = metricsHandler(m);
    server = createServer((req, res) => {
      if (req.url === '/metrics') handler(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('exposes every service metric of the contract with its type, help, labels and buckets', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parseExposition(await res.text());

    const service = contract.filter((d) => d.source === 'service');
    expect(service.length).toBeGreaterThan(0);
    for (const def of service) {
      const fam = families.get(def.name);
      expect(fam, def.name).toBeDefined();
      expect(fam!.type, def.name).toBe(def.type);
      expect(fam!.help, def.name).toBe(def.help);
      expect(fam!.samples.length, `${def.name} has samples`).toBeGreaterThan(0);
      for (const s of fam!.samples) {
        const keys = Object.keys(s.labels).filter((k) => !(s.name.endsWith('_bucket') && k === 'le'));
        expect(keys.sort(), s.name).toEqual([...def.labels, 'track'].sort());
        expect(s.labels.track).toBe('canary');
      }
      if (def.type === 'histogram') {
        const les = fam!.samples.filter((s) => s.name === `${def.name}_bucket`).map((s) => s.labels.le);
        expect(les, def.name).toEqual([...def.buckets!.map(String), '+Inf']);
        expect(fam!.samples.some((s) => s.name === `${def.name}_sum`)).toBe(true);
        expect(fam!.samples.some((s) => s.name === `${def.name}_count`)).toBe(true);
      }
    }
    // Exactly the contract: nothing else, and nothing that Prometheus or the scanner publish.
    expect([...families.keys()].sort()).toEqual(service.map((d) => d.name).sort());
    for (const def of contract.filter((d) => d.source !== 'service')) expect(families.has(def.name)).toBe(false);
  });

  it('counts what the helpers record', async () => {
    const families = parseExposition(await (await fetch(url)).text());
    const value = (name: string, pick: (l: Record<string, string>) => boolean = () => true) => {
      const family = [...families.values()].find((f) => f.samples.some((s) => s.name === name))!;
      return family.samples.find((s) => s.name === name && pick(s.labels))!.value;
    };
    expect(value(metrics.deliveryTotal.name)).toBe(3);
    expect(value(metrics.deliverySuccessTotal.name)).toBe(2);
    expect(value(`${metrics.deliveryDuration.name}_count`)).toBe(3);
    expect(value(`${metrics.deliveryDuration.name}_sum`)).toBeCloseTo(15.2);
    expect(value(`${metrics.deliveryDuration.name}_bucket`, (l) => l.le === '2')).toBe(1);
    expect(value(`${metrics.deliveryAttempts.name}_bucket`, (l) => l.le === '1')).toBe(1);
    expect(value(`${metrics.deliveryAttempts.name}_bucket`, (l) => l.le === '4')).toBe(3);
    expect(value(metrics.circuitBreakerOpens.name, (l) => l.endpoint === 'receiver-a')).toBe(1);
    expect(value(metrics.circuitBreakerState.name, (l) => l.endpoint === 'receiver-a')).toBe(CIRCUIT_BREAKER_STATES.open);
    expect(value(metrics.circuitBreakerState.name, (l) => l.endpoint === 'receiver-b')).toBe(CIRCUIT_BREAKER_STATES.halfOpen);
    expect(value(metrics.queueDepth.name)).toBe(42);
    expect(value(metrics.dlqSize.name)).toBe(7);
    expect(value(metrics.inflightDeliveries.name)).toBe(3);
    expect(value(metrics.rateLimitedTotal.name)).toBe(3);
    expect(value(metrics.rateLimitQps.name)).toBe(10);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(url, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

describe('labels and registries', () => {
  it('takes track from SLOGATE_TRACK, lets an option override it, and adds instance only when given', async () => {
    const fromEnv = parseExposition(await createDeliveryMetrics({ env: { SLOGATE_TRACK: 'stable' } }).exposition());
    expect(fromEnv.get(metrics.queueDepth.name)!.samples[0].labels).toEqual({ track: 'stable' });

    const explicit = createDeliveryMetrics({ env: { SLOGATE_TRACK: 'stable' }, track: 'canary', instance: 'webhook-sender-001' });
    const labels = parseExposition(await explicit.exposition()).get(metrics.queueDepth.name)!.samples[0].labels;
    expect(labels).toEqual({ track: 'canary', instance: 'webhook-sender-001' });
    for (const k of Object.keys(labels)) expect(SCRAPE_LABELS as readonly string[]).toContain(k);

    const bare = parseExposition(await createDeliveryMetrics({ env: {} }).exposition());
    expect(bare.get(metrics.queueDepth.name)!.samples[0].labels).toEqual({});
  });

  it('keeps instances in one process apart', async () => {
    const a = createDeliveryMetrics({ env: {}, instance: 'a' });
    const b = createDeliveryMetrics({ env: {}, instance: 'b' });
    a.recordDelivery({ outcome: 'success', durationSeconds: 1, attempts: 1 });
    const total = async (x: typeof a) =>
      parseExposition(await x.exposition()).get(metrics.deliveryTotal.name)!.samples[0].value;
    expect(await total(a)).toBe(1);
    expect(await total(b)).toBe(0);
  });

  it('rejects impossible deliveries instead of recording them', () => {
    const m = createDeliveryMetrics({ env: {} });
    expect(() => m.recordDelivery({ outcome: 'success', durationSeconds: -1, attempts: 1 })).toThrow(RangeError);
    expect(() => m.recordDelivery({ outcome: 'success', durationSeconds: 1, attempts: 0 })).toThrow(RangeError);
    expect(() => m.recordDelivery({ outcome: 'failure', durationSeconds: NaN, attempts: 1 })).toThrow(RangeError);
  });

  it('scrape() gives a framework the content type and body', async () => {
    const m = createDeliveryMetrics({ env: {} });
    const r = await scrape(m);
    expect(r.contentType).toBe(m.registry.contentType);
    expect(r.body).toContain(`# TYPE ${metrics.deliveryTotal.name} counter`);
  });
});

describe('contractViolations', () => {
  let text: string;
  beforeAll(async () => {
    const m = createDeliveryMetrics({ env: { SLOGATE_TRACK: 'canary' } });
    exercise(m);
    text = await m.exposition();
  });

  it('accepts the module’s own exposition', () => {
    expect(serviceMetricDefs.length).toBe(contract.filter((d) => d.source === 'service').length);
    expect(contractViolations(text)).toEqual([]);
  });

  it('names a wrong type, a missing metric, foreign labels, other buckets and extra families', () => {
    const q = metrics.queueDepth.name;
    expect(contractViolations(text.replace(`# TYPE ${q} gauge`, `# TYPE ${q} counter`))).toEqual([
      `${q} has TYPE counter, the contract says gauge`,
    ]);
    const dropped = text
      .split('\n')
      .filter((l) => !l.includes(metrics.dlqSize.name))
      .join('\n');
    expect(contractViolations(dropped)).toEqual([`${metrics.dlqSize.name} is missing`]);
    expect(contractViolations(text.replace(`${q}{track="canary"}`, `${q}{track="canary",tenant="x"}`))).toEqual([
      `${q} has labels outside the contract: tenant`,
    ]);
    const d = metrics.deliveryDuration.name;
    expect(contractViolations(text.replace(`${d}_bucket{le="60",`, `${d}_bucket{le="120",`))[0]).toMatch(
      new RegExp(`^${d} has buckets .*120`),
    );
    expect(contractViolations(text + '# TYPE nodejs_heap_bytes gauge\nnodejs_heap_bytes 1\n')).toEqual([
      'nodejs_heap_bytes is not in the contract',
    ]);
    expect(contractViolations(text + 'nodejs_heap_bytes 1\n', { allowExtra: (n) => n.startsWith('nodejs_') })).toEqual([]);
  });
});

describe('PiiScanMetrics', () => {
  it('publishes one pii_scan_leak_lines series per contract category, zero when not reported', async () => {
    const { PiiScanMetrics } = await import('../../src/instrument/index.ts');
    const { PII_CATEGORIES } = await import('../../src/contract/metrics.ts');
    const p = new PiiScanMetrics({ track: 'canary' });
    p.publish({ email: 3, card: 1 });
    const text = await p.exposition();
    const def = metrics.piiLeakLines;
    expect(contractViolations(text, { defs: [def] })).toEqual([]);
    const fam = parseExposition(text).get(def.name)!;
    expect(fam.samples.map((s) => s.labels.category).sort()).toEqual([...PII_CATEGORIES].sort());
    const byCat = Object.fromEntries(fam.samples.map((s) => [s.labels.category, s.value]));
    expect(byCat).toEqual({ ...Object.fromEntries(PII_CATEGORIES.map((c) => [c, 0])), email: 3, card: 1 });
    p.publish({});
    expect(parseExposition(await p.exposition()).get(def.name)!.samples.every((s) => s.value === 0)).toBe(true);
  });
});

// fail-closed fix: the counter appeared on the first open at 1, so increase() lost that open
describe('circuit breaker counters exist at 0 from the moment the breaker exists', () => {
  it('serves 0 for a declared breaker, for one whose state was set, and for startup endpoints; 1 after the first open', async () => {
    const m = createDeliveryMetrics({ env: { SLOGATE_TRACK: 'canary' }, endpoints: ['https://a.example/hook'] });
    m.circuitBreaker('https://b.example/hook');
    m.setCircuitState('https://c.example/hook', 'closed');
    const handler = metricsHandler(m);
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      const opens = async () => {
        const fam = parseExposition(await (await fetch(url)).text()).get(metrics.circuitBreakerOpens.name)!;
        return Object.fromEntries(fam.samples.map((s) => [s.labels.endpoint, s.value]));
      };
      // before any open: every breaker's counter is there, at 0 (it used to be absent)
      expect(await opens()).toEqual({ 'https://a.example/hook': 0, 'https://b.example/hook': 0, 'https://c.example/hook': 0 });
      m.circuitOpened('https://b.example/hook');
      expect((await opens())['https://b.example/hook']).toBe(1);
      // the state gauge starts closed
      const state = parseExposition(await (await fetch(url)).text()).get(metrics.circuitBreakerState.name)!;
      expect(state.samples.find((s) => s.labels.endpoint === 'https://a.example/hook')!.value).toBe(CIRCUIT_BREAKER_STATES.closed);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
