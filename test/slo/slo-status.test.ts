// `slogate slo status` against a real Prometheus serving 48 hours of backfilled history
// (promtool tsdb create-blocks-from openmetrics) and evaluating the generated SLO rules on
// it. Every expected number is worked out by hand from the history below.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latency, scenarioSamples, toOpenMetrics, type ScenarioHistory } from '../harness/history.ts';
import { slogate, slogateAsync } from '../harness/cli.ts';
import { freePort, instantQuery, startPrometheus, waitFor, type ManagedProcess } from '../harness/live-stack.ts';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'slogate-slo-'));
let prom: ManagedProcess;

// 48 h of per-minute history ending at the last whole minute:
//  canary c1: 200 deliveries a minute; the first 40 h 1 of them fails (0.5%), the last 8 h 4 fail (2%);
//             latencies all under 1 s.
//  stable s1: 200 a minute, 1 failure (0.5%) throughout; 20% of deliveries take 1-5 s (over the 2 s SLI bound).
const MINUTES = 48 * 60;
const BAD_FROM = 40 * 60 + 1;
const end = Math.floor(Date.now() / 60_000) * 60;
const history: ScenarioHistory = {
  name: 'slo-status',
  t0: end - MINUTES * 60,
  minutes: MINUTES,
  instances: [
    { instance: 'c1', minute: (m) => ({ deliveries: 200, successRatio: m >= BAD_FROM ? 196 / 200 : 199 / 200, latency: latency.fast }) },
    { instance: 's1', labels: { track: 'stable' }, minute: () => ({ deliveries: 200, successRatio: 199 / 200, latency: latency.slowish }) },
  ],
};

// By hand, availability (objective 99%, budget 0.01, 30d window, all 48 h inside it):
//  canary: failures 2400*1 + 480*4 = 4320 of 2880*200 = 576000 -> error ratio 0.0075, achieved 99.25%,
//          period burn 0.75, budget left 1 - 0.75 = 25%.
//          Every window up to 6 h lies in the last 8 h: error ratio 0.02, burn 2 (1h, 5m, 6h, 30m);
//          3d covers everything: burn 0.75.
//          Time left at the 1h burn: 25% of a 30-day budget at 2x = 0.25 * 720 h / 2 = 90 h.
//  stable: error ratio 0.005 everywhere: achieved 99.5%, budget left 50%, burn 0.5, 0.5 * 720 / 0.5 = 720 h.
// Latency (objective 95%, budget 0.05): stable has 40 of 200 over 2 s -> error 0.2, burn 4, budget left
//  1 - 4 = -300%: exhausted. Canary: none over 2 s -> error 0, budget left 100%, not burning.
// Burn thresholds (workbook factors over 30d): 1h/5m 14.4, 6h/30m 6, 1d/2h 3, 3d/6h 1.

beforeAll(async () => {
  const om = join(tmp, 'history.om');
  writeFileSync(om, toOpenMetrics(scenarioSamples(history)));
  await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, join(tmp, 'data')], { maxBuffer: 64 * 1024 * 1024 });
  rmSync(om);
  // the history is backfilled but the recorded event rates are not: the long windows read the raw series
  const gen = slogate(['generate', '--raw-long-windows', '--out', join(tmp, 'generated')]);
  if (gen.code !== 0) throw new Error(gen.stderr);
  const ruleFiles = ['slo_webhook-delivery-availability.yml', 'slo_webhook-delivery-latency.yml', 'webhook_canary_alerts.yml'].map((f) => join(tmp, 'generated', 'prometheus', f));
  prom = await startPrometheus({ dir: tmp, dataDir: join(tmp, 'data'), config: { global: { evaluation_interval: '1s' }, rule_files: ruleFiles }, extraArgs: ['--storage.tsdb.retention.time=100y'] });
  await waitFor('every SLO record evaluated for both tracks', async () => ((await instantQuery(prom.url, 'slo:period_error_budget_remaining:ratio')).length === 4 ? true : undefined), 30_000);
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

interface Group {
  slo: string;
  group: Record<string, string>;
  achieved_percent: number;
  budget_remaining_percent: number;
  exhausted: boolean;
  current_burn_rate: number;
  current_burn_window: string;
  hours_to_exhaustion: number | null;
  tiers: { long_window: string; short_window: string; threshold: number; long_burn: number; short_burn: number; burning: boolean; severity: string }[];
  alerts_firing: unknown[];
  page_burn: boolean;
  problem: string | null;
}

const find = (groups: Group[], slo: string, track: string) => groups.find((g) => g.slo === slo && g.group.track === track)!;

describe('slogate slo status on backfilled history', () => {
  it('availability: achieved, budget left, time to exhaustion and burn per window match the hand computation; exit 0', async () => {
    const r = await slogateAsync(['slo', 'status', '--prometheus', prom.url, '--slo', 'webhook-delivery-availability', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { verdict: string; slos: Group[] };
    expect(doc.verdict).toBe('ok');
    const c = find(doc.slos, 'webhook-delivery-availability', 'canary');
    expect(c.achieved_percent).toBeCloseTo(99.25, 9);
    expect(c.budget_remaining_percent).toBeCloseTo(25, 9);
    expect(c.current_burn_window).toBe('1h');
    expect(c.current_burn_rate).toBeCloseTo(2, 9);
    expect(c.hours_to_exhaustion).toBeCloseTo(90, 6);
    expect(c.tiers.map((t) => [t.long_window, t.short_window, t.threshold, Number(t.long_burn.toFixed(t.long_window === '1d' ? 2 : 9)), Number(t.short_burn.toFixed(9)), t.burning])).toEqual([
      ['1h', '5m', 14.4, 2, 2, false],
      ['6h', '30m', 6, 2, 2, false],
      // the last day: 16 h at 0.5% and 8 h at 2% -> 1%, burn 1 (to 2 digits: the window's start moves with the
      // evaluation time, and rate() extrapolates there)
      ['1d', '2h', 3, 1, 2, false],
      ['3d', '6h', 1, 0.75, 2, false],
    ]);
    expect(c.alerts_firing).toEqual([]);
    expect(c.page_burn).toBe(false);
    const s = find(doc.slos, 'webhook-delivery-availability', 'stable');
    expect(s.achieved_percent).toBeCloseTo(99.5, 9);
    expect(s.budget_remaining_percent).toBeCloseTo(50, 9);
    expect(s.hours_to_exhaustion).toBeCloseTo(720, 6);
  }, 60_000);

  it('latency: the stable track has spent its budget three times over: exhausted, exit 1', async () => {
    const r = await slogateAsync(['slo', 'status', '--prometheus', prom.url, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { verdict: string; slos: Group[] };
    expect(doc.verdict).toBe('breach');
    expect(doc.slos).toHaveLength(4);
    const s = find(doc.slos, 'webhook-delivery-latency', 'stable');
    expect(s.achieved_percent).toBeCloseTo(80, 9);
    expect(s.budget_remaining_percent).toBeCloseTo(-300, 9);
    expect(s.exhausted).toBe(true);
    expect(s.hours_to_exhaustion).toBe(0);
    const c = find(doc.slos, 'webhook-delivery-latency', 'canary');
    expect(c.budget_remaining_percent).toBeCloseTo(100, 9);
    expect(c.current_burn_rate).toBe(0);
    expect(c.hours_to_exhaustion).toBeNull();
  }, 60_000);

  it('the text form and --out: status file and a burn-down chart per SLO and track ending at the budget left', async () => {
    const out = join(tmp, 'evidence');
    const r = await slogateAsync(['slo', 'status', '--prometheus', prom.url, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^webhook-delivery-availability \{track="canary"\}: objective 99% over 30d$/m);
    expect(r.stdout).toMatch(/^ {2}achieved 99\.2500%, budget left 25\.0% \(90 h, 3\.8 d at the current 1h burn 2\.00x\)$/m);
    expect(r.stdout).toMatch(/^webhook-delivery-latency \{track="stable"\}: objective 95% over 30d {2}BUDGET EXHAUSTED$/m);
    expect(r.stdout).toMatch(/SLO BREACH/);
    const status = JSON.parse(readFileSync(join(out, 'slo/slo_status.json'), 'utf8'));
    expect(status.slos).toHaveLength(4);
    for (const f of ['webhook-delivery-availability_canary', 'webhook-delivery-availability_stable', 'webhook-delivery-latency_canary', 'webhook-delivery-latency_stable']) {
      const svg = join(out, 'slo', `${f}_burndown.svg`);
      expect(existsSync(svg), svg).toBe(true);
      expect(readFileSync(svg, 'utf8')).toContain('error budget left over 30d');
    }
    // the checkpoint report gets an SLO section with the burn-down charts, and the rollout timeline
    writeFileSync(join(out, 'start_time.txt'), '2025-09-01T06:00:00Z\n');
    copyFileSync('test/report/fixtures/verdict_T+30m_marginal.json', join(out, 'verdict_T+30m.json'));
    const md = join(out, 'report.md');
    const rep = await slogateAsync(['report', '--evidence', out, '--output', md]);
    expect(rep.code, rep.stderr).toBe(0);
    const text = readFileSync(md, 'utf8');
    expect(text).toContain('## SLOs');
    expect(text).toMatch(/\| webhook-delivery-availability \| track=canary \| 99% \| 99\.250% \| 25\.0% \| 90\.0 h \| 2\.00x \(1h\) \| none \| {2}\|/);
    expect(text).toMatch(/\| webhook-delivery-latency \| track=stable \| 95% \| 80\.000% \| -300\.0% \| exhausted \|.*\| ❌ \|/);
    expect(text).toContain('![webhook-delivery-availability_canary budget burn-down](');
    expect(text).toMatch(/\| T\+30m \| 2025-09-01T06:25:00Z \| 2025-09-01T06:35:00Z \| marginal \|/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<figure class="chart" id="rollout-timeline"><svg');
    expect((html.match(/error budget burn-down<\/figcaption>/g) ?? []).length).toBe(4);
  }, 60_000);

  it('a Prometheus without the SLO records cannot tell: exit 3; one that is down: exit 3', async () => {
    const none = await startPrometheus({ dir: mkdtempSync(join(tmp, 'empty-')), config: { global: { evaluation_interval: '1s' } } });
    try {
      const r = await slogateAsync(['slo', 'status', '--prometheus', none.url]);
      expect(r.code).toBe(3);
      expect(r.stdout).toMatch(/cannot tell: no 30d SLI or budget series for webhook-delivery-availability/);
    } finally {
      await none.stop();
    }
    const down = await slogateAsync(['slo', 'status', '--prometheus', `http://127.0.0.1:${await freePort()}`]);
    expect(down.code).toBe(3);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/cannot read the SLO records: .*ECONNREFUSED/);
  }, 60_000);

  it('an unknown SLO or a bad time is a usage error', async () => {
    for (const extra of [['--slo', 'nope'], ['--at', 'later']]) {
      const r = await slogateAsync(['slo', 'status', '--prometheus', prom.url, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 30_000);
});
