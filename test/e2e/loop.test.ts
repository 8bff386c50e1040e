// The whole loop against real servers: two simulated canary instances, a real Prometheus
// scraping them every second with the generated rules (a test variant whose `for`
// durations are scaled down by the same generator), a real Alertmanager, and the
// gate and PII scanner through their public command lines.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatorUrls } from '../harness/cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alerts.ts';
import { canaryGates } from '../../runbooks/webhook-delivery/rollout.ts';
import { CANARY_TRACK, metrics, SCRAPE_JOB } from '../../src/contract/metrics.ts';
import { DEFAULT_CANARY_SELECTOR } from '../../src/contract/selectors.ts';
import { FAKE_PII } from '../../src/simulator/pii.ts';
import {
  alertmanagerAlerts,
  instantQuery,
  prometheusAlerts,
  startLiveStack,
  waitFor,
  webhookReceiverConfig,
  type LiveStack,
} from '../harness/live-stack.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/slogate');
/** Rule `for` durations shrink 60x: the runbook's 5 minutes become 5 seconds. */
const FOR_SCALE = 1 / 60;
const SUCCESS_CRITICAL = 'WebhookCanarySuccessRateCritical';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 70) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// The gate's time constants shrink by the same factor as the rules' `for`: a runbook minute lasts a second.
const timeScaleArgs = ['--time-scale', String(FOR_SCALE)];
/** The T+30m checkpoint needs a window of 25 runbook minutes: 25 s at this time scale. */
const SCALED_CHECKPOINT_MS = flagship.checkpoints['30m'].earliestMinutes * 60 * FOR_SCALE * 1000;

interface GateJson {
  verdict: string;
  time_scale?: number;
  metrics: { success_rate: number | null; deliveries: number | null; pii_leaks: number | null };
  reasons: string[];
  checks: { name: string; status: string; detail: string }[];
}

const check = (g: GateJson, name: string) => g.checks.find((c) => c.name === name);

async function gate(start: string, extra: string[]): Promise<{ code: number; json: GateJson; raw: string }> {
  const r = await cli([
    'gate',
    '--prometheus',
    stack.prometheusUrl,
    '--start',
    start,
    '--checkpoint',
    '30m',
    '--json',
    '--min-deliveries',
    String(MIN_DELIVERIES),
    ...timeScaleArgs,
    ...extra,
  ]);
  if (r.code === 2 || r.code === 70) throw new Error(`gate failed to run (${r.code}): ${r.stderr}`);
  return { code: r.code, json: JSON.parse(r.stdout) as GateJson, raw: r.stdout + r.stderr };
}

/** Enough deliveries for a short window to be evidence (the gate is told the same number). */
const MIN_DELIVERIES = 100;

let dir: string;
let log: string;
let sim: ChildProcess | undefined;
let urls: string[] = [];
let stack: LiveStack;
/** Stands in for the on-call pager: Alertmanager's webhook notifications land here. */
let pager: Server;
const notifications: { status: string; alerts: { status: string; labels: Record<string, string> }[] }[] = [];
const killSim = () => sim?.exitCode === null && sim.kill('SIGKILL');

async function post(url: string, body: unknown): Promise<{ stats: { piiLines: number; piiByCategory: Record<string, number> } }> {
  const res = await fetch(`${url}/scenario`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}/scenario: ${res.status} ${await res.text()}`);
  return (await res.json()) as { stats: { piiLines: number; piiByCategory: Record<string, number> } };
}

async function deliveriesSince(startIso: string): Promise<number> {
  const secs = Math.max(1, Math.ceil((Date.now() - Date.parse(startIso)) / 1000));
  const r = await instantQuery(stack.prometheusUrl, `sum(increase(${metrics.deliveryTotal.name}${DEFAULT_CANARY_SELECTOR}[${secs}s]))`);
  return r.length ? Number(r[0].value[1]) : 0;
}

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

describe('the canary loop, live', () => {
  let t0: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slogate-loop-'));
    log = join(dir, 'logs', 'canary.jsonl');
    process.once('exit', killSim);

    const gen = await cli(['generate', '--out', join(dir, 'generated'), '--for-scale', String(FOR_SCALE)]);
    expect(gen.code, gen.stderr).toBe(0);
    const rulesDir = join(dir, 'generated', 'prometheus');
    const ruleFiles = readdirSync(rulesDir).map((f) => join(rulesDir, f));

    t0 = rfc3339(Date.now());
    sim = spawn(BIN, ['simulate', '--instances', '2', '--seed', '11', '--track', CANARY_TRACK, '--log', log], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    urls = await simulatorUrls(sim, 2);
    // Target labels name each instance and its track as service discovery would, so `up`
    // carries the same labels as the series the simulator exposes (honor_labels keeps those).
    const targets = await Promise.all(
      urls.map(async (url) => {
        const { instance, track } = (await (await fetch(`${url}/scenario`)).json()) as { instance: string; track: string };
        return { url, labels: { instance, track } };
      }),
    );
    pager = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        notifications.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => pager.listen(0, '127.0.0.1', r));
    const pagerUrl = `http://127.0.0.1:${(pager.address() as AddressInfo).port}/alerts`;
    stack = await startLiveStack({ targets, ruleFiles, alertmanagerConfig: webhookReceiverConfig(pagerUrl) });
  });

  afterAll(async () => {
    await stack?.stop();
    pager?.closeAllConnections();
    await new Promise((r) => (pager ? pager.close(r) : r(undefined)));
    if (sim && sim.exitCode === null) {
      const exited = new Promise((r) => sim!.once('exit', r));
      sim.kill('SIGTERM');
      await exited;
    }
    process.off('exit', killSim);
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the 12 webhook_canary rules and scrapes both canary instances', async () => {
    const res = (await (await fetch(`${stack.prometheusUrl}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string }[] }[] };
    };
    const group = res.data.groups.find((g) => g.name === canaryAlertGroup.name);
    expect(group?.rules.map((r) => r.name).sort()).toEqual(canaryAlertGroup.alerts.map((a) => a.name).sort());
    const up = await waitFor(
      'both instances up',
      async () => {
        const r = await instantQuery(stack.prometheusUrl, `up{job="${SCRAPE_JOB}"} == 1`);
        return r.length === 2 ? r : undefined;
      },
      20_000,
    );
    expect(up.map((s) => s.metric.instance).sort()).toEqual(['webhook-sender-001', 'webhook-sender-002']);
    expect(up.every((s) => s.metric.track === CANARY_TRACK)).toBe(true);
  });

  it('healthy: after a short window every gate passes and the time-scaled gate answers continue, no alert fires', async () => {
    await waitFor('enough healthy deliveries', async () => ((await deliveriesSince(t0)) >= MIN_DELIVERIES * 1.5 ? true : undefined), 40_000);
    // the window must cover the scaled T+30m checkpoint (+1 s: --start is truncated to the second)
    await waitFor('the scaled checkpoint window', async () => (Date.now() - Date.parse(t0) >= SCALED_CHECKPOINT_MS + 1000 ? true : undefined), 40_000);
    const g = await gate(t0, ['--skip', 'pii']);
    // rules_health: the generated (time-scaled) rules are loaded as the gate expects them
    for (const name of ['window', 'deliveries', 'success_rate', 'p95_latency', 'sustained_success_rate', 'sustained_p95_latency', 'circuit_breaker_opens', 'critical_alerts', 'rules_health']) {
      expect(check(g.json, name)?.status, `${name}: ${g.raw}`).toBe('pass');
    }
    expect(g.json.metrics.success_rate!).toBeGreaterThanOrEqual(canaryGates.successRate.target);
    expect(g.json.metrics.deliveries!).toBeGreaterThanOrEqual(MIN_DELIVERIES);
    expect(g.json.verdict, g.raw).toBe('continue');
    expect(g.code).toBe(0);
    expect(g.json.time_scale).toBe(FOR_SCALE);
    // the skipped PII scan is the only reason given (the next test scans the log), then the
    // note that this Prometheus does not scrape itself, so rule evaluations are not recorded
    expect(g.json.reasons, g.raw).toEqual(['The PII scan was skipped (--skip pii).', expect.stringMatching(/^Rule group webhook_canary is loaded and evaluating now, but its evaluations over the window are not recorded/)]);

    const secs = Math.ceil((Date.now() - Date.parse(t0)) / 1000) + 5;
    const fired = await instantQuery(stack.prometheusUrl, `max_over_time(ALERTS{alertstate="firing"}[${secs}s])`);
    expect(fired.map((s) => s.metric.alertname)).toEqual([]);
  });

  it('healthy: the PII scanner finds nothing in the canary log', async () => {
    const r = await cli(['pii-scan', log, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { pii_leaks: number; lines: number };
    expect(out.lines).toBeGreaterThan(0);
    expect(out.pii_leaks).toBe(0);
  });

  it('degraded: the success-rate alert goes pending, fires, reaches Alertmanager, and the gate rolls back', async () => {
    const degradedAt = rfc3339(Date.now());
    await Promise.all(urls.map((u) => post(u, { preset: 'degraded' })));

    const states: string[] = [];
    await waitFor(
      `${SUCCESS_CRITICAL} firing in Prometheus`,
      async () => {
        const a = (await prometheusAlerts(stack.prometheusUrl)).find((x) => x.labels.alertname === SUCCESS_CRITICAL);
        if (a && states[states.length - 1] !== a.state) states.push(a.state);
        return a?.state === 'firing' ? a : undefined;
      },
      60_000,
      200,
    );
    expect(states).toEqual(['pending', 'firing']);

    const inAm = await waitFor(
      `${SUCCESS_CRITICAL} in Alertmanager`,
      async () => (await alertmanagerAlerts(stack.alertmanagerUrl)).find((x) => x.labels.alertname === SUCCESS_CRITICAL),
      30_000,
    );
    expect(inAm.status.state).toBe('active');
    expect(inAm.labels).toMatchObject({ alertname: SUCCESS_CRITICAL, severity: 'critical', team: 'platform' });
    const paged = await waitFor(
      'the notification at the pager',
      async () => notifications.flatMap((n) => n.alerts).find((a) => a.labels.alertname === SUCCESS_CRITICAL && a.status === 'firing'),
      30_000,
    );
    expect(paged.labels.severity).toBe('critical');

    await waitFor('enough degraded deliveries', async () => ((await deliveriesSince(degradedAt)) >= MIN_DELIVERIES ? true : undefined), 30_000);
    const g = await gate(degradedAt, ['--skip', 'pii']);
    expect(g.json.verdict, g.raw).toBe('rollback');
    expect(g.code).toBe(1);
    expect(g.json.metrics.success_rate!).toBeLessThan(canaryGates.successRate.critical);
    expect(check(g.json, 'success_rate')?.status, g.raw).toBe('critical');
    expect(g.json.reasons.some((r) => r.includes(check(g.json, 'success_rate')!.detail) || /success rate/i.test(r)), g.raw).toBe(true);
  });

  it('cb-storm: breaker trips reach Prometheus, the storm alert fires, and the gate rolls back', async () => {
    const stormAt = rfc3339(Date.now());
    // The preset's 6 trips a minute, sped up so the storm outgrows the daily budget in seconds.
    await Promise.all(urls.map((u) => post(u, { preset: 'cb-storm', circuitOpensPerMinute: 240, circuitOpenSeconds: 1 })));
    const storm = await waitFor(
      'WebhookCanaryCircuitBreakerStorm firing',
      async () => (await prometheusAlerts(stack.prometheusUrl)).find((x) => x.labels.alertname === 'WebhookCanaryCircuitBreakerStorm' && x.state === 'firing'),
      60_000,
    );
    expect(Number(storm.value)).toBeGreaterThan(canaryGates.circuitBreakerOpensPerDay.critical);
    const states = await instantQuery(stack.prometheusUrl, `${metrics.circuitBreakerState.name}${DEFAULT_CANARY_SELECTOR}`);
    expect(new Set(states.map((s) => s.metric.endpoint)).size).toBeGreaterThan(1);

    await waitFor('deliveries since the storm', async () => ((await deliveriesSince(stormAt)) >= MIN_DELIVERIES ? true : undefined), 30_000);
    const g = await gate(stormAt, ['--skip', 'pii']);
    expect(g.json.verdict, g.raw).toBe('rollback');
    expect(g.code).toBe(1);
    expect(check(g.json, 'circuit_breaker_opens')?.status, g.raw).toBe('critical');
  });

  it('pii-leak: the scanner finds exactly the planted PII and the gate rolls back', async () => {
    const leakAt = rfc3339(Date.now());
    await Promise.all(urls.map((u) => post(u, { preset: 'pii-leak' })));
    await waitFor(
      'planted PII lines',
      async () => {
        const s = await Promise.all(urls.map(async (u) => ((await (await fetch(`${u}/scenario`)).json()) as { stats: { piiLines: number } }).stats.piiLines));
        return s[0] + s[1] >= 12 ? true : undefined;
      },
      60_000,
    );
    // Stop planting; from here on the planted count is final (leaks are decided when a line is written).
    const finals = await Promise.all(urls.map((u) => post(u, { piiRate: 0 })));
    const planted: Record<string, number> = {};
    for (const f of finals) for (const [k, v] of Object.entries(f.stats.piiByCategory)) planted[k] = (planted[k] ?? 0) + v;
    const plantedLines = finals.reduce((n, f) => n + f.stats.piiLines, 0);

    const scan = await cli(['pii-scan', log, '--json']);
    expect(scan.code, scan.stderr).toBe(1);
    const out = JSON.parse(scan.stdout) as { pii_leaks: number; by_category: Record<string, number> };
    expect(out.pii_leaks).toBe(plantedLines);
    const found = Object.fromEntries(Object.entries(out.by_category).filter(([, v]) => v > 0));
    expect(found).toEqual(planted);
    // The scan reports where, never what.
    for (const value of Object.values(FAKE_PII).flat()) expect(scan.stdout).not.toContain(value);

    await waitFor('deliveries since the leak', async () => ((await deliveriesSince(leakAt)) >= MIN_DELIVERIES ? true : undefined), 30_000);
    const g = await gate(leakAt, ['--logs', log]);
    expect(g.json.verdict, g.raw).toBe('rollback');
    expect(g.code).toBe(1);
    expect(g.json.metrics.pii_leaks).toBe(plantedLines);
    expect(check(g.json, 'pii_leaks')?.status, g.raw).toBe('critical');
    for (const value of Object.values(FAKE_PII).flat()) expect(g.raw).not.toContain(value);
  });
});
