// slogate as another team uses it: the packed tarball installed into a project outside this
// repository, a TypeScript runbook for a different service (its own metric names, one SLO,
// two alerts, two checkpoints), rules checked by promtool, the gate against a real Prometheus
// holding that service's history, and the instrumentation imported from plain Node.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latency, scenarioSamples, type Sample, type ScenarioHistory } from '../harness/history.ts';
import { installedProject, packRepository, ROOT } from '../harness/package.ts';
import { startPrometheus, type TsdbServer } from '../harness/tsdb-servers.ts';

const exec = promisify(execFile);

const RUNBOOK = `import { defineRunbook, deliveries, latencyQuantile, sloOverview, successRatio, type AlertDef, type SloDef } from 'slogate/runbook';

const service = { name: 'payments', job: 'payments-api', canaryTrack: 'canary', instancePattern: 'payments-api-%d' };
const canary = { job: service.job, track: service.canaryTrack };
const metrics = {
  deliveryTotal: { name: 'payments_requests_total', type: 'counter', help: 'Payment requests answered.', labels: [], source: 'service' },
  deliverySuccessTotal: { name: 'payments_requests_ok_total', type: 'counter', help: 'Payment requests that succeeded.', labels: [], source: 'service' },
  deliveryDuration: { name: 'payments_latency_seconds', type: 'histogram', help: 'Time to answer.', labels: [], buckets: [0.1, 0.25, 0.5, 1, 5], source: 'service' },
  circuitBreakerOpens: { name: 'payments_breaker_trips_total', type: 'counter', help: 'Breaker trips.', labels: ['endpoint'], source: 'service' },
} as const;
const windows = { rate: '5m', seriesStepSeconds: 60, latencyQuantile: 0.95, circuitBreakerDay: '24h', warningFor: '15m' };
const gates = {
  successRate: { target: 98, critical: 95, unit: 'percent', sustainedMinutes: 5 },
  p95LatencyMs: { target: 800, critical: 3000, unit: 'ms', sustainedMinutes: 10 },
  circuitBreakerOpensPerDay: { target: 3, critical: 12, unit: 'opens/24h' },
  piiLeaks: { target: 0, critical: 0, unit: 'lines' },
  minDeliveries: 200,
  logCoverage: { maxGapMinutes: 10, maxGapShareOfWindow: 1 / 6 },
};
const slo: SloDef = {
  name: 'payments-availability', displayName: 'Payments availability', service: service.job,
  description: '99.9% of payment requests succeed over 30 days.', objective: 99.9, timeWindow: '30d',
  sli: { good: { metric: metrics.deliverySuccessTotal.name }, total: { metric: metrics.deliveryTotal.name } },
  matchers: { job: service.job }, groupBy: ['track'],
};
const alerts: AlertDef[] = [
  { name: 'PaymentsCanaryErrors', severity: 'critical', for: '5m',
    expr: \`(\${successRatio(metrics, canary, windows.rate)} < \${gates.successRate.critical / 100}) and \${deliveries(metrics, canary, windows.rate)} > 0\`,
    summary: 'Canary payments fail too often.', description: 'Success ratio {{ $value | humanizePercentage }}.' },
  { name: 'PaymentsCanarySlow', severity: 'warning', for: windows.warningFor,
    expr: \`\${latencyQuantile(metrics, windows.latencyQuantile, canary, windows.rate)} > \${gates.p95LatencyMs.target / 1000}\`,
    summary: 'Canary payments are slow.', description: 'p95 {{ $value | humanizeDuration }}.' },
];

export default defineRunbook({
  source: 'payments.runbook.ts',
  service,
  ownerLabels: { team: 'payments' },
  runbookBaseUrl: 'https://wiki.example.com/payments/runbooks',
  channels: { ops: '#payments-ops', incidents: '#incidents', team: '#payments' },
  metrics,
  slos: [slo],
  burnPolicy: {
    windows: [{ sloPeriod: '30d',
      page: { quick: { errorBudgetPercent: 2, longWindow: '1h', shortWindow: '5m' }, slow: { errorBudgetPercent: 5, longWindow: '6h', shortWindow: '30m' } },
      ticket: { quick: { errorBudgetPercent: 10, longWindow: '1d', shortWindow: '2h' }, slow: { errorBudgetPercent: 10, longWindow: '3d', shortWindow: '6h' } } }],
    severity: { page: 'critical', ticket: 'warning' },
  },
  alertGroups: [{ name: 'payments_canary', alerts }],
  dashboards: [sloOverview({ uid: 'payments-slos', title: 'Payments SLOs', source: 'payments.runbook.ts', description: 'Payments SLOs.', tags: ['generated'] })],
  dashboardPolicy: { justifiedWindows: {}, requiredPanels: {} },
  phases: [
    { phase: 10, durationHours: 1, checkpoints: ['15m', '1h'], finalCheckpoint: '1h', next: 100, instances: { from: 1, to: 2 }, rateLimit: { qps: 100, burst: 200, maxInflight: 50 } },
    { phase: 100, durationHours: null, checkpoints: [], finalCheckpoint: null, next: null, instances: { from: 1, to: 20 }, rateLimit: { qps: 1000, burst: 2000, maxInflight: 500 } },
  ],
  checkpoints: {
    '15m': { minutes: 15, earliestMinutes: 14, latestMinutes: 20 },
    '1h': { minutes: 60, earliestMinutes: 55, latestMinutes: 70 },
  },
  gates,
  windows,
});
`;

/** The flagship's series renamed to the payments service's contract. */
const RENAME: Record<string, string> = {
  webhook_delivery_total: 'payments_requests_total',
  webhook_delivery_success_total: 'payments_requests_ok_total',
  webhook_delivery_duration_seconds_bucket: 'payments_latency_seconds_bucket',
  webhook_delivery_duration_seconds_sum: 'payments_latency_seconds_sum',
  webhook_delivery_duration_seconds_count: 'payments_latency_seconds_count',
  webhook_circuit_breaker_opens_total: 'payments_breaker_trips_total',
};
function* paymentsSamples(h: ScenarioHistory): Generator<Sample> {
  for (const s of scenarioSamples(h)) {
    const name = RENAME[s.name];
    if (name) yield { ...s, name, labels: { ...s.labels, job: 'payments-api' } };
  }
  // the ruler's own metric, as a Prometheus that scrapes itself records it: the alert rules ran through the window
  for (let m = 0; m <= h.minutes; m++) {
    const t = h.t0 + m * 60;
    yield { name: 'prometheus_rule_group_last_evaluation_timestamp_seconds', labels: { job: 'prometheus', rule_group: '/etc/prometheus/payments_canary_alerts.yml;payments_canary' }, t, value: t };
  }
}

const T_HEALTHY = Date.UTC(2025, 8, 1) / 1000;
const T_FAILING = T_HEALTHY + 6 * 3600;
const history = (name: string, t0: number, successRatio: number): ScenarioHistory => ({
  name,
  t0,
  minutes: 70,
  instances: ['payments-api-1', 'payments-api-2'].map((instance) => ({ instance, minute: () => ({ deliveries: 40, successRatio, latency: latency.fast }), buckets: [0.1, 0.25, 0.5, 1, 5] })),
});

let work: string;
let project: string;
let prometheus: TsdbServer | undefined;
const bin = () => join(project, 'node_modules/.bin/slogate');
/** Runs a command in the user's project with no TypeScript loader anywhere in its environment. */
async function inProject(cmd: string, args: string[], cwd = project): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, NODE_OPTIONS: '' };
  try {
    const r = await exec(cmd, args, { cwd, env, maxBuffer: 16 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
const rfc3339 = (t: number) => new Date(t * 1000).toISOString();

describe('the packed package, installed into another project', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'slogate-pack-'));
    project = await installedProject(await packRepository(work), { slogate: { runbook: 'payments.runbook.ts' } });
    await writeFile(join(project, 'payments.runbook.ts'), RUNBOOK);
    // the gate fails closed without the service's alert rules running: load the ones generated from this runbook
    const gen = await inProject(bin(), ['generate', '--out', 'gen']);
    if (gen.code !== 0) throw new Error(`generate failed: ${gen.stderr}`);
    prometheus = await startPrometheus([...paymentsSamples(history('payments-healthy', T_HEALTHY, 0.995)), ...paymentsSamples(history('payments-failing', T_FAILING, 0.8))], {
      ruleFiles: [join(project, 'gen/prometheus/payments_canary_alerts.yml')],
      evaluationInterval: '5s',
    });
  }, 600_000);

  afterAll(async () => {
    await prometheus?.stop();
    if (project) await rm(project, { recursive: true, force: true });
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('ships compiled JavaScript and type declarations, no TypeScript sources', async () => {
    const pkgDir = join(project, 'node_modules/slogate');
    const pkg = JSON.parse(await readFile(join(pkgDir, 'package.json'), 'utf8'));
    for (const entry of ['.', './runbook', './instrument', './gate', './cli']) {
      expect(pkg.exports[entry].default).toMatch(/^\.\/dist\/.*\.js$/);
      await readFile(join(pkgDir, pkg.exports[entry].types), 'utf8');
    }
    const top = await readdir(pkgDir);
    expect(top).not.toContain('src');
    expect(top).not.toContain('test');
    expect((await inProject(bin(), ['--version'])).stdout.trim()).toBe(JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it("generates the service's rules and dashboards from its TypeScript runbook, and promtool accepts them", async () => {
    const gen = await inProject(bin(), ['generate', '--out', 'gen']);
    expect(gen.stderr).toBe('');
    expect(gen.code).toBe(0);
    expect(gen.stdout).toMatch(/wrote \d+ files to gen\//);
    const rules = (await readdir(join(project, 'gen/prometheus'))).sort();
    expect(rules).toEqual(['payments_canary_alerts.yml', 'slo_payments-availability.yml']);
    const alerts = await readFile(join(project, 'gen/prometheus/payments_canary_alerts.yml'), 'utf8');
    expect(alerts).toContain('payments_requests_ok_total{job="payments-api",track="canary"}');
    expect(alerts).toContain('team: payments');
    expect(alerts).not.toContain('webhook');
    expect(await readdir(join(project, 'gen/grafana/dashboards'))).toEqual(['payments-slos.json']);
    const check = await inProject('promtool', ['check', 'rules', ...rules.map((r) => join('gen/prometheus', r))]);
    expect(check.stderr + check.stdout).toMatch(/SUCCESS: 2 rules found/);
    expect(check.code).toBe(0);
    expect((await inProject(bin(), ['lint', 'gen'])).code).toBe(0);
  });

  it("runs the gate against a real Prometheus on the service's own metric names", async () => {
    // the final checkpoint promotes only with a PII scan of logs that cover the window
    const logs = (t0: number) => {
      const lines = Array.from({ length: 61 }, (_, m) => `${new Date((t0 + m * 60) * 1000).toISOString()} level=info msg="payment settled" id=pay_${m} status=200`);
      return writeFile(join(project, `payments-${t0}.log`), lines.join('\n') + '\n').then(() => join(project, `payments-${t0}.log`));
    };
    const gate = async (t0: number, extra: string[] = []) =>
      inProject(bin(), ['gate', '--prometheus', prometheus!.url, '--start', rfc3339(t0), '--at', rfc3339(t0 + 3600), '--checkpoint', '1h', '--phase', '10', '--logs', await logs(t0), '--json', ...extra]);
    const ok = await gate(T_HEALTHY);
    expect(ok.stderr).toBe('');
    const healthy = JSON.parse(ok.stdout);
    expect(healthy.verdict, healthy.reasons.join(' | ')).toBe('promote');
    expect(ok.code).toBe(0);
    expect(healthy.metrics.deliveries).toBeGreaterThan(200);
    expect(healthy.next_phase).toBe(100);

    const bad = await gate(T_FAILING);
    const failing = JSON.parse(bad.stdout);
    expect(failing.verdict).toBe('rollback');
    expect(bad.code).toBe(1);
    expect(failing.reasons.join(' ')).toMatch(/below the 95% rollback threshold/);

    // the runbook's checkpoints, not the flagship's
    const usage = await gate(T_HEALTHY, ['--checkpoint', '24h']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/not a checkpoint \(use 15m, 1h\)/);
  });

  it('scans logs with the compiled flagship policy (its pii-policy.js beside the runbook) and with the project runbook', async () => {
    const log = [
      '{"ts":"2026-12-01T06:47:22Z","msg":"sent","from":"noreply@hooks.slogate.dev","upstream_addr":"10.0.4.7:8443"}',
      '{"ts":"2026-12-01T06:47:23Z","msg":"sent","customer_email":"maria.gonzalez@acme-mail.io"}',
    ].join('\n');
    await writeFile(join(project, 'app.log'), log + '\n');
    const flagship = await inProject(bin(), ['pii-scan', 'app.log', '--json', '--runbook', 'node_modules/slogate/dist/runbooks/webhook-delivery/index.js']);
    expect(flagship.stderr).toBe('');
    expect(flagship.code).toBe(1);
    const found = JSON.parse(flagship.stdout);
    expect(found.groups.map((g: { category: string; field: string }) => `${g.category} ${g.field}`)).toEqual(['email customer_email']);
    // the project's TypeScript runbook with a pii-policy.ts beside it: read from there (through tsx),
    // here the flagship's policy with the customer's domain made the service's own
    await writeFile(
      join(project, 'pii-policy.ts'),
      "import { runbook } from 'slogate/runbooks/webhook-delivery';\nexport const policy = { ...runbook.pii!, ownDomains: [...runbook.pii!.ownDomains, 'acme-mail.io'] };\n",
    );
    try {
      const own = await inProject(bin(), ['pii-scan', 'app.log', '--json']);
      expect(own.stderr).toBe('');
      expect(own.code).toBe(0);
      expect(JSON.parse(own.stdout).pii_leaks).toBe(0);
    } finally {
      await rm(join(project, 'pii-policy.ts'));
    }
  });

  it('imports the instrumentation from plain Node, with no TypeScript loader', async () => {
    const script = [
      "import { createDeliveryMetrics } from 'slogate/instrument';",
      "const m = createDeliveryMetrics({ instance: 'a-1', track: 'canary' });",
      "m.recordDelivery({ outcome: 'success', durationSeconds: 0.2, attempts: 1 });",
      'process.stdout.write(await m.exposition());',
    ].join('\n');
    const r = await inProject(process.execPath, ['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^webhook_delivery_total\{[^}]*track="canary"[^}]*\} 1$/m);
  });

  it('slogate init scaffolds a runbook that generates rules promtool accepts', async () => {
    const dir = await mkdtemp(join(project, 'init-'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'x', private: true, type: 'module' }));
    const init = await inProject(bin(), ['init', '--service', 'orders-api'], dir);
    expect(init.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).slogate.runbook).toBe('runbooks/orders-api/index.ts');
    const gen = await inProject(bin(), ['generate', '--out', 'gen'], dir);
    expect(gen.stderr).toBe('');
    const files = (await readdir(join(dir, 'gen/prometheus'))).map((f) => join('gen/prometheus', f));
    expect(files.length).toBe(2);
    expect((await inProject('promtool', ['check', 'rules', ...files], dir)).code).toBe(0);
    // a second init does not overwrite the first
    const again = await inProject(bin(), ['init', '--service', 'orders-api'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists; give --force/);
  });
});
