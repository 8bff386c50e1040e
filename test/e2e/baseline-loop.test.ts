// Canary vs baseline, live: `slogate simulate` runs a canary and a stable instance side by
// side, a real Prometheus scrapes both every second, and `slogate gate --baseline` judges
// time-scaled T+30m checkpoints (a runbook minute lasts a second) through the CLI:
// a healthy pair passes, a canary-only fault is caught by the comparison alone, a shared
// fault rolls back with the "baseline degraded too" reason, a silent baseline is no_data.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulatorUrls } from '../harness/cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryBaseline } from '../../runbooks/webhook-delivery/rollout.ts';
import { CANARY_TRACK, SCRAPE_JOB, STABLE_TRACK } from '../../src/contract/metrics.ts';
import { instantQuery, startLiveStack, waitFor, type LiveStack } from '../harness/live-stack.ts';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/slogate');
const SCALE = 1 / 60;
/** The scaled T+30m checkpoint needs 25 runbook minutes: 25 s, plus the truncated second. */
const WINDOW_MS = 27_000;
const BASELINE = `{job="${SCRAPE_JOB}",track="${STABLE_TRACK}"}`;

interface GateJson {
  verdict: string;
  reasons: string[];
  checks: { name: string; status: string; detail: string }[];
  baseline?: { comparisons: { metric: string; worse: boolean; effect_size: number | null; canary_minutes: number; baseline_minutes: number }[] };
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 70) : 0, stdout, stderr });
    });
  });
}

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const check = (g: GateJson, name: string) => g.checks.find((c) => c.name === name)!;

let dir: string;
let sim: ChildProcess | undefined;
let urls: string[] = [];
let stack: LiveStack;
const killSim = () => sim?.exitCode === null && sim.kill('SIGKILL');

async function post(url: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url}${path}: ${res.status} ${await res.text()}`);
}

/** Waits a scaled checkpoint from `startMs`, then runs the gate on it. */
async function gateAfterWindow(startMs: number, extra: string[] = []): Promise<{ code: number; json: GateJson; raw: string }> {
  const wait = startMs + WINDOW_MS - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const r = await cli(['gate', '--prometheus', stack.prometheusUrl, '--start', rfc3339(startMs), '--checkpoint', '30m', '--json', '--skip', 'pii', '--time-scale', String(SCALE), '--baseline', BASELINE, ...extra]);
  if (r.code === 2 || r.code === 70) throw new Error(`gate failed to run (${r.code}): ${r.stderr}`);
  return { code: r.code, json: JSON.parse(r.stdout) as GateJson, raw: r.stdout + r.stderr };
}

describe('canary vs baseline, live', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'slogate-baseline-'));
    process.once('exit', killSim);
    // the generated alert rules, their `for` scaled like the gate's times: the gate checks they run
    const gen = await cli(['generate', '--out', join(dir, 'generated'), '--for-scale', String(SCALE)]);
    expect(gen.code, gen.stderr).toBe(0);
    const rulesDir = join(dir, 'generated', 'prometheus');
    const ruleFiles = readdirSync(rulesDir).map((f) => join(rulesDir, f));
    sim = spawn(BIN, ['simulate', '--instances', '1', '--stable', '1', '--seed', '21'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    urls = await simulatorUrls(sim, 2);
    // more traffic than the preset's 8/s (and room for it in the token bucket): steadier 5s rates
    await Promise.all(urls.map((u) => post(u, '/scenario', { deliveriesPerSecond: 30, rateLimitQps: 200, rateLimitBurst: 400 })));
    const targets = await Promise.all(
      urls.map(async (url) => {
        const { instance, track } = (await (await fetch(`${url}/scenario`)).json()) as { instance: string; track: string };
        return { url, labels: { instance, track } };
      }),
    );
    expect(targets.map((t) => t.labels.track)).toEqual([CANARY_TRACK, STABLE_TRACK]);
    stack = await startLiveStack({ targets, ruleFiles });
    await waitFor('both tracks scraped', async () => ((await instantQuery(stack.prometheusUrl, `up{job="${SCRAPE_JOB}"} == 1`)).length === 2 ? true : undefined), 20_000);
  });

  afterAll(async () => {
    await stack?.stop();
    if (sim && sim.exitCode === null) {
      const exited = new Promise((r) => sim!.once('exit', r));
      sim.kill('SIGTERM');
      await exited;
    }
    process.off('exit', killSim);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a healthy pair passes canary_vs_baseline', async () => {
    const g = await gateAfterWindow(Date.now());
    expect(check(g.json, 'canary_vs_baseline').status, g.raw).toBe('pass');
    expect(g.json.verdict, g.raw).toBe('continue');
    for (const c of g.json.baseline!.comparisons) {
      expect(c.baseline_minutes).toBeGreaterThanOrEqual(canaryBaseline.minMinutes);
      expect(c.worse).toBe(false);
    }
  });

  it('a canary-only fault (slower, under the absolute target) is caught by the comparison alone; the chart shows both series', async () => {
    const at = Date.now();
    await Promise.all(urls.map((u) => post(u, '/fault', { fault: 'canary-slow' })));
    const out = join(dir, 'evidence');
    const g = await gateAfterWindow(at, ['--out', out]);
    expect(check(g.json, 'p95_latency').status, g.raw).toBe('pass');
    expect(check(g.json, 'canary_vs_baseline').status, g.raw).toBe('warn');
    expect(check(g.json, 'canary_vs_baseline').detail).toMatch(/significantly worse than the baseline .*p95 \+/);
    expect(g.json.verdict, g.raw).toBe('marginal');
    const p95 = g.json.baseline!.comparisons.find((c) => c.metric === 'p95_latency')!;
    expect(p95.worse).toBe(true);
    expect(p95.effect_size!).toBeGreaterThan(canaryBaseline.p95AllowedIncrease);
    // the evidence panel draws canary and baseline on the same axes
    const files = readdirSync(join(out, 'grafana')).filter((f) => f.endsWith('p95_latency.svg'));
    expect(files).toHaveLength(1);
    const svg = readFileSync(join(out, 'grafana', files[0]), 'utf8');
    expect(svg).toContain('class="series series-compare"');
    expect(svg).toContain('class="series"');
    expect(svg).toContain(`baseline ${BASELINE.replace(/"/g, '&quot;')}`);
    await Promise.all(urls.map((u) => post(u, '/fault', { fault: null })));
  });

  it('a baseline with no traffic is no_data: fewer than N minutes of baseline traffic', async () => {
    const at = Date.now();
    await post(urls[1], '/scenario', { deliveriesPerSecond: 0 });
    const g = await gateAfterWindow(at);
    const c = check(g.json, 'canary_vs_baseline');
    expect(c.status, g.raw).toBe('no_data');
    expect(c.detail).toMatch(new RegExp(`^Canary vs baseline: fewer than ${canaryBaseline.minMinutes} scaled minutes of baseline traffic \\(\\d+ with `));
    expect(g.json.verdict, g.raw).toBe('inconclusive');
    expect(g.code).toBe(3);
  });

  it('a shared-dependency fault: the runbook rollback, with the baseline-degraded-too reason', async () => {
    const at = Date.now();
    await post(urls[1], '/scenario', { deliveriesPerSecond: 30 });
    await Promise.all(urls.map((u) => post(u, '/fault', { fault: 'receiver-db-down' })));
    const g = await gateAfterWindow(at);
    expect(g.json.verdict, g.raw).toBe('rollback');
    expect(g.code).toBe(1);
    expect(check(g.json, 'success_rate').status, g.raw).toBe('critical');
    expect(check(g.json, 'success_rate').detail).toMatch(/The baseline \{job="webhook-sender",track="stable"\} is degraded too \(success rate \d+(\.\d+)?%\): a dependency both tracks share/);
    expect(g.json.reasons.some((r) => r.includes('degraded too')), g.raw).toBe(true);
    await Promise.all(urls.map((u) => post(u, '/fault', { fault: null })));
  });
});
