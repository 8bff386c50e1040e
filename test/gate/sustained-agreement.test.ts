// fail-closed fix: the alert WebhookCanarySuccessRateCritical fired after `for: 5m` while the
// gate, needing "more than 5 consecutive minutes", said pass plus a warning. One definition
// of sustained (src/contract/sustained.ts) drives both now: the same history is given to
// promtool, which evaluates the generated alert, and to the gate on a real Prometheus. They
// must agree at the minute the alert fires and at the minute before. (On minute-aligned data
// the old rule agreed too; the reported case was an alert evaluated between the gate's
// minute points, which the gate now answers with a rollback because the alert fired.)
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryGates } from '../../runbooks/webhook-delivery/rollout.ts';
import { ROOT } from '../harness/cli.ts';
import { slogate } from '../harness/gate-suite.ts';
import { instanceNames, latency, scenarioSamples, type ScenarioHistory } from '../harness/history.ts';
import { startPrometheus, type TsdbServer } from '../harness/tsdb-servers.ts';

const run = promisify(execFile);
const GENERATED = join(ROOT, 'generated/prometheus/webhook_canary_alerts.yml');
const DROP_FROM = 20;
const history: ScenarioHistory = {
  name: 'sustained-agreement',
  t0: Date.UTC(2025, 8, 1) / 1000,
  minutes: 40,
  instances: instanceNames(3).map((instance) => ({ instance, minute: (m) => ({ deliveries: 100, successRatio: m > DROP_FROM ? 0.3 : 0.99, latency: latency.fast }) })),
};
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

let dir: string;
let prom: TsdbServer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slogate-sustained-'));
  prom = await startPrometheus(scenarioSamples(history), { ruleFiles: [GENERATED], evaluationInterval: '5s' });
});
afterAll(async () => {
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The canary counters of the history as promtool input series (minute 0 = T0). */
function inputSeries(): { series: string; values: string }[] {
  const bySeries = new Map<string, number[]>();
  for (const s of scenarioSamples(history)) {
    if (s.name !== 'webhook_delivery_total' && s.name !== 'webhook_delivery_success_total') continue;
    const { scenario: _drop, ...labels } = s.labels;
    const key = `${s.name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
    bySeries.set(key, [...(bySeries.get(key) ?? []), s.value]);
  }
  return [...bySeries].map(([series, values]) => ({ series, values: values.join(' ') }));
}

/** When promtool says the generated alert fires, in minutes after T0, between `from` and `to`. */
async function firingMinutes(from: number, to: number): Promise<number[]> {
  const firing: number[] = [];
  for (let m = from; m <= to; m++) {
    // one test per minute expecting no alert: promtool fails it, showing what it got, iff the alert fires
    const file = join(dir, `t${m}.yml`);
    await writeFile(
      file,
      JSON.stringify({
        rule_files: [GENERATED],
        evaluation_interval: '1m',
        tests: [{ interval: '1m', input_series: inputSeries(), alert_rule_test: [{ eval_time: `${m}m`, alertname: 'WebhookCanarySuccessRateCritical', exp_alerts: [] }] }],
      }),
    );
    const out = await run('promtool', ['test', 'rules', file]).then(
      () => 'passed',
      (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
    );
    if (out === 'passed') continue;
    expect(out, 'promtool failed for another reason').toMatch(/got:\[\s*0:\s*Labels:\{alertname="WebhookCanarySuccessRateCritical"/);
    firing.push(m);
  }
  return firing;
}

async function sustainedAt(minute: number): Promise<{ status: string; value: number }> {
  const r = await slogate(['gate', '--prometheus', prom.url, '--start', iso(history.t0), '--at', iso(history.t0 + minute * 60), '--checkpoint', '30m', '--skip', 'pii', '--json']);
  return JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'sustained_success_rate');
}

describe('one definition of sustained: the alert and the gate agree', () => {
  it('the gate says critical from the minute the generated alert fires, and pass the minute before', async () => {
    const firing = await firingMinutes(DROP_FROM + 3, DROP_FROM + 8);
    expect(firing.length).toBeGreaterThan(0);
    const first = firing[0];
    // the alert fires sustainedMinutes after the condition first held
    expect(firing).toEqual(Array.from({ length: DROP_FROM + 8 - first + 1 }, (_, i) => first + i));
    const before = await sustainedAt(first - 1);
    const at = await sustainedAt(first);
    expect(before.status).toBe('pass');
    expect(at.status).toBe('critical');
    expect(at.value).toBe(canaryGates.successRate.sustainedMinutes);
  });
});
