// fail-closed fix: "no critical alert fired" is evidence only when the alert rules ran as
// generated. Each case runs the CLI against a real Prometheus or VictoriaMetrics (+ vmalert).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../harness/cli.ts';
import { slogate } from '../harness/gate-suite.ts';
import { instanceNames, latency, scenarioSamples, type Sample, type ScenarioHistory } from '../harness/history.ts';
import { startPrometheus, startVictoriaMetrics, type TsdbServer } from '../harness/tsdb-servers.ts';

const GENERATED = join(ROOT, 'generated/prometheus/webhook_canary_alerts.yml');
const T0 = Date.UTC(2025, 7, 4) / 1000;
const SLOT = 6 * 3600;

const healthy = (name: string, t0: number): ScenarioHistory => ({
  name,
  t0,
  minutes: 40,
  instances: instanceNames(3).map((instance) => ({ instance, minute: () => ({ deliveries: 100, successRatio: 0.99, latency: latency.fast }) })),
});
const covered = healthy('evaluations-covered', T0);
const gappy = healthy('evaluations-gap', T0 + SLOT);

/** Prometheus scraping itself: the group's last evaluation time, once a minute, except in minutes `gap`. */
function promEvaluations(h: ScenarioHistory, gap: [number, number] | null): Sample[] {
  const out: Sample[] = [];
  for (let m = -10; m <= h.minutes; m++) {
    if (gap && m >= gap[0] && m < gap[1]) continue;
    const t = h.t0 + m * 60;
    out.push({ name: 'prometheus_rule_group_last_evaluation_timestamp_seconds', labels: { job: 'prometheus', instance: 'localhost:9090', rule_group: '/etc/prometheus/rules/webhook_canary_alerts.yml;webhook_canary', scenario: h.name }, t, value: t - 12 });
  }
  return out;
}

/** A scraped vmalert: its iteration counter for the group, +1 a minute, flat in minutes `gap`. */
function vmalertIterations(h: ScenarioHistory, gap: [number, number] | null): Sample[] {
  const out: Sample[] = [];
  let n = 500;
  for (let m = -10; m <= h.minutes; m++) {
    if (!gap || m < gap[0] || m >= gap[1]) n += 1;
    out.push({ name: 'vmalert_iteration_total', labels: { job: 'vmalert', instance: 'vmalert:8880', group: 'webhook_canary', file: '/rules/webhook_canary_alerts.yml', scenario: h.name }, t: h.t0 + m * 60, value: n });
  }
  return out;
}

const args = (h: ScenarioHistory, url: string) => ['gate', '--prometheus', url, '--start', iso(h.t0), '--at', iso(h.t0 + 30 * 60), '--checkpoint', '30m', '--skip', 'pii', '--json'];
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');
const check = (out: { checks: { name: string; status: string }[] }, name: string) => out.checks.find((c) => c.name === name)!.status;

let dir: string;
let tampered: string;
const servers: TsdbServer[] = [];
const keep = <T extends TsdbServer>(s: T) => (servers.push(s), s);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slogate-gate-rules-'));
  tampered = join(dir, 'webhook_canary_alerts.yml');
  const text = await readFile(GENERATED, 'utf8');
  // a hand-edited copy: a longer for on the success-rate rollback alert, and one alert gone
  await writeFile(tampered, text.replace('for: 5m', 'for: 15m').replace(/      - alert: WebhookCanaryPIILeak[\s\S]*?(?=      - alert:)/, ''));
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('gate: the alert rules must be running as generated (real Prometheus)', () => {
  it('no rules loaded: inconclusive, naming the missing group (was: continue, "none fired")', async () => {
    const prom = keep(await startPrometheus(scenarioSamples(covered)));
    const r = await slogate(args(covered, prom.url));
    const out = JSON.parse(r.stdout);
    expect(r.code).toBe(3);
    expect(out.verdict).toBe('inconclusive');
    expect(check(out, 'critical_alerts')).toBe('no_data');
    expect(check(out, 'rules_health')).toBe('no_data');
    expect(out.reasons.join('\n')).toMatch(/rule group webhook_canary is not loaded \(the backend runs no rule groups\)/);
  });

  it('a hand-edited group: inconclusive, naming the changed for and the missing alert (was: continue)', async () => {
    const prom = keep(await startPrometheus(scenarioSamples(covered), { ruleFiles: [tampered], evaluationInterval: '5s' }));
    const out = JSON.parse((await slogate(args(covered, prom.url))).stdout);
    expect(out.verdict).toBe('inconclusive');
    const said = out.reasons.join('\n');
    expect(said).toMatch(/WebhookCanarySuccessRateCritical differs in for \(generated 300s, loaded 900s\)/);
    expect(said).toMatch(/rule group webhook_canary lacks WebhookCanaryPIILeak/);
  });

  it('evaluations recorded over the window: a gap is inconclusive and named; full coverage continues with no note', async () => {
    const prom = keep(
      await startPrometheus([...scenarioSamples(covered), ...promEvaluations(covered, null), ...scenarioSamples(gappy), ...promEvaluations(gappy, [10, 20])], {
        ruleFiles: [GENERATED],
        evaluationInterval: '5s',
      }),
    );
    const ok = JSON.parse((await slogate(args(covered, prom.url))).stdout);
    expect(ok.verdict, ok.reasons.join('\n')).toBe('continue');
    expect(ok.notes).toEqual([]);
    expect(ok.checks.find((c: { name: string }) => c.name === 'rules_health').detail).toMatch(/evaluated throughout the window \(prometheus_rule_group_last_evaluation_timestamp_seconds\)/);
    // the ruler stopped for 10 minutes: "none fired" in those minutes proves nothing (was: continue)
    const gap = JSON.parse((await slogate(args(gappy, prom.url))).stdout);
    expect(gap.verdict).toBe('inconclusive');
    expect(check(gap, 'rules_health')).toBe('no_data');
    expect(gap.reasons.join('\n')).toMatch(new RegExp(`rule group webhook_canary was not evaluated from ${iso(gappy.t0 + 9 * 60 - 12).replace(/[.+]/g, '\\$&')} to `));
  });
});

describe('gate: the alert rules on VictoriaMetrics', () => {
  it('VictoriaMetrics without vmalert runs no rules: inconclusive (was: continue)', async () => {
    const vm = keep(await startVictoriaMetrics(scenarioSamples(covered), { query: 'webhook_delivery_total', time: covered.t0 + 600 }));
    const out = JSON.parse((await slogate(args(covered, vm.url))).stdout);
    expect(out.verdict).toBe('inconclusive');
    expect(out.reasons.join('\n')).toMatch(/rule group webhook_canary is not loaded \(the backend runs no rule groups\)/);
  });

  it('behind vmalert (proxied /api/v1/rules): its scraped iteration counter proves coverage, a stall is named', async () => {
    const vm = keep(
      await startVictoriaMetrics(
        [...scenarioSamples(covered), ...vmalertIterations(covered, null), ...scenarioSamples(gappy), ...vmalertIterations(gappy, [10, 20])],
        { query: 'webhook_delivery_total', time: covered.t0 + 600 },
        { ruleFiles: [GENERATED], evaluationInterval: '5s' },
      ),
    );
    const ok = JSON.parse((await slogate(args(covered, vm.url))).stdout);
    expect(ok.verdict, ok.reasons.join('\n')).toBe('continue');
    expect(ok.notes).toEqual([]);
    const gap = JSON.parse((await slogate(args(gappy, vm.url))).stdout);
    expect(gap.verdict).toBe('inconclusive');
    expect(gap.reasons.join('\n')).toMatch(/rule group webhook_canary was not evaluated from .* \(.* of the window, per vmalert_iteration_total\)/);
  });
});
