// End to end: the canary log as the simulator writes it (upstream proxy addresses, the no-reply
// sender, service and database accounts, epoch milliseconds, a user agent with +https), scanned
// by `slogate gate --logs` against a real Prometheus holding a healthy canary's history.
// Healthy log: no PII rollback. The same log with one customer email: rollback. With a
// baseline (`--baseline-logs`): a pair the stable track has too is pre-existing, a new one is not.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryLogLine, Simulation } from '../../src/simulator/engine.ts';
import { presets } from '../../src/simulator/scenario.ts';
import { gateArgs, scenario } from '../harness/gate-scenarios.ts';
import { slogate } from '../harness/gate-suite.ts';
import { scenarioSamples } from '../harness/history.ts';
import { startPrometheus, type TsdbServer } from '../harness/tsdb-servers.ts';

// every alert group of the runbook, as the gate checks they are loaded
const GENERATED_RULES = fileURLToPath(new URL('../../generated/prometheus/webhook_*_alerts.yml', import.meta.url));

const s = scenario('healthy-30m');
let server: TsdbServer;
let tmp: string;
let healthy: string[];

/** The simulator's log for the checkpoint window: one line per finished delivery. */
function simulatorLog(track: string, seed: number): string[] {
  const sim = new Simulation(presets.healthy, seed, s.history.t0 * 1000);
  const out: string[] = [];
  for (let sec = 0; sec < s.atMinute * 60; sec++) {
    for (const d of sim.step(1000).completed) out.push(deliveryLogLine(d, { instance: `webhook-sender-00${1 + (out.length % 5)}`, track }));
  }
  return out;
}

/** `lines` with one extra field planted in the line at `at`. */
function plant(lines: string[], at: number, field: string, value: string): string[] {
  const copy = [...lines];
  copy[at] = JSON.stringify({ ...JSON.parse(copy[at]), [field]: value });
  return copy;
}

async function logFile(name: string, lines: string[]): Promise<string> {
  const file = join(tmp, name);
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

async function gate(logs: string, extra: string[] = []) {
  const args = gateArgs(s, server.url).filter((a) => a !== '--skip' && a !== 'pii');
  const r = await slogate([...args, '--logs', logs, ...extra]);
  return { code: r.code, out: JSON.parse(r.stdout), stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'slogate-pii-e2e-'));
  // the generated rules run, as in production, so the gate can trust "no critical alert fired"
  server = await startPrometheus(scenarioSamples(s.history), { ruleFiles: [GENERATED_RULES], evaluationInterval: '5s' });
  healthy = simulatorLog('canary', 11);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('gate PII check on the simulator log', () => {
  it('logs what a real sender logs: private upstreams, a role mailbox, service and db accounts', () => {
    const text = healthy.join('\n');
    expect(healthy.length).toBeGreaterThan(5000);
    expect(text).toMatch(/"upstream_addr":"10\.\d+\.\d+\.\d+:8443"/);
    expect(text).toContain('"notify_from":"no-reply@hooks.slogate.dev"');
    expect(text).toContain('"service_account":"system:serviceaccount:delivery:webhook-sender"');
    expect(text).toContain('"db":{"user":"svc-webhook-sender"}');
    expect(text).toContain('(+https://');
    expect(text).toMatch(/"ts_ms":\d{13}/);
  });

  it('a healthy canary log gives no PII rollback', async () => {
    const r = await gate(await logFile('healthy.log', healthy));
    expect(r.out.metrics.pii_leaks, r.stdout).toBe(0);
    expect(r.out.verdict, JSON.stringify(r.out.reasons)).toBe('continue');
    expect(r.code).toBe(0);
  }, 60_000);

  it('the same log with one planted customer email rolls back, and says under which field', async () => {
    const leaky = plant(healthy, Math.floor(healthy.length / 2), 'customer_email', 'maria.gonzalez@acme-mail.io');
    const r = await gate(await logFile('leaky.log', leaky), ['--out', join(tmp, 'evidence')]);
    expect(r.out.metrics.pii_leaks).toBe(1);
    expect(r.out.verdict).toBe('rollback');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('maria.gonzalez');
    expect(r.out.pii_scan.groups).toEqual([{ category: 'email', field: 'customer_email', lines: 1, rule: 'email.address', sample: 'm***@a***.io', status: 'new' }]);
    const summary = JSON.parse(await readFile(join(tmp, 'evidence', 'pii', 'summary_T+30m.json'), 'utf8'));
    expect(summary.groups).toMatchObject([{ category: 'email', field: 'customer_email', lines: 1 }]);
    expect(await readFile(join(tmp, 'evidence', 'pii', 'email_T+30m.txt'), 'utf8')).toContain('"customer_email":"m***@a***.io"');
  }, 60_000);

  it('with --baseline-logs, a pair the stable track has too is pre-existing; a new pair still rolls back', async () => {
    const at = Math.floor(healthy.length / 3);
    const canary = await logFile('canary-email.log', plant(healthy, at, 'customer_email', 'j.smith@globex.net'));
    const stableSame = await logFile('stable-email.log', plant(simulatorLog('stable', 12), 100, 'customer_email', 'priya.k@initech.co.uk'));
    const stableOther = await logFile('stable-ip.log', plant(simulatorLog('stable', 13), 100, 'client_ip', '81.2.69.160'));

    const pre = await gate(canary, ['--baseline-logs', stableSame]);
    expect(pre.out.metrics.pii_leaks, pre.stdout).toBe(0);
    expect(pre.out.verdict).toBe('continue');
    // still shown as a leak to fix
    expect(pre.out.pii_scan).toMatchObject({ pre_existing: 1, groups: [{ category: 'email', field: 'customer_email', status: 'pre-existing' }] });
    const table = await slogate([...gateArgs(s, server.url).filter((a) => a !== '--skip' && a !== 'pii' && a !== '--json'), '--logs', canary, '--baseline-logs', stableSame]);
    expect(table.stdout).toMatch(/1 line\(s\) x email under customer_email .*\[pre-existing/);

    const fresh = await gate(canary, ['--baseline-logs', stableOther]);
    expect(fresh.out.metrics.pii_leaks).toBe(1);
    expect(fresh.out.verdict).toBe('rollback');
  }, 120_000);
});
