// The gate's integration suite, run once against a real Prometheus and once against a
// real VictoriaMetrics holding the same history (test/gate/gate-*.test.ts).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alerts.ts';
import { GATE_EXIT, runGate, verdictJson } from '../../src/gate/index.ts';
import { allScenarioSamples, cleanLogFor, gateArgs, gateScenarios, isFinal, iso, scenario } from './gate-scenarios.ts';
import { trueTotals } from './history.ts';
import { startPrometheus, startVictoriaMetrics, type TsdbServer } from './tsdb-servers.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

const run = promisify(execFile);
const SLOGATE = join(import.meta.dirname, '../../bin/slogate');
const GENERATED_RULES = join(import.meta.dirname, '../../generated/prometheus/webhook_canary_alerts.yml');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function slogate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const r = await run(SLOGATE, args, { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const EXIT: Record<string, number> = { promote: 0, continue: 0, rollback: 1, inconclusive: 3, marginal: 4 };

export function defineGateSuite(kind: 'prometheus' | 'victoriametrics'): void {
  describe(`slogate gate against a real ${kind}`, () => {
    let server: TsdbServer;
    let tmp: string;
    beforeAll(async () => {
      tmp = await mkdtemp(join(tmpdir(), 'slogate-gate-'));
      const first = gateScenarios[0].history;
      // the generated rules run, as in production: "no critical alert fired" is only evidence then
      const rules = { ruleFiles: [GENERATED_RULES], evaluationInterval: '5s' };
      server =
        kind === 'prometheus'
          ? await startPrometheus(allScenarioSamples(), rules)
          : await startVictoriaMetrics(allScenarioSamples(), { query: 'webhook_delivery_total', time: first.t0 + 600 }, rules);
    });
    afterAll(async () => {
      await server?.stop();
      if (tmp) await rm(tmp, { recursive: true, force: true });
    });

    // the library the CLI wraps, in-process: fast enough to run every scenario
    describe.concurrent('scenarios (runGate)', () => {
      for (const s of gateScenarios) {
        it(`${s.history.name}: ${s.verdict} at T+${s.checkpoint} (phase ${s.phase})`, async () => {
          const r = await runGate({
            runbook: flagship,
            prometheus: server.url,
            start: s.history.t0,
            at: s.history.t0 + s.atMinute * 60,
            checkpoint: s.checkpoint,
            phase: s.phase,
            ...(isFinal(s) ? { logs: [cleanLogFor(s)] } : { skip: ['pii'] }),
          });
          const out = verdictJson(r);
          expect(out.verdict, out.reasons.join('\n')).toBe(s.verdict);
          expect(GATE_EXIT[out.verdict]).toBe(EXIT[s.verdict]);
          for (const [name, status] of Object.entries(s.checks ?? {})) {
            expect(out.checks.find((c) => c.name === name)?.status, name).toBe(status);
          }
          expect(out.window).toEqual({ start: iso(s.history.t0), end: iso(s.history.t0 + s.atMinute * 60) });
          expect(out.skipped).toEqual(isFinal(s) ? [] : ['pii']);
          // the per-minute series come back for charts
          if (s.history.instances.length) expect(r.series.success_rate.length).toBeGreaterThan(s.atMinute * 0.9);
        });
      }
    });

    it('the CLI prints the same verdict JSON and exit code', async () => {
      for (const name of ['sustained-drop', 'critical-alert-fired']) {
        const s = scenario(name);
        const r = await slogate(gateArgs(s, server.url));
        expect(r.stderr).toBe('');
        const out = JSON.parse(r.stdout);
        expect(out.verdict).toBe(s.verdict);
        expect(r.code).toBe(EXIT[s.verdict]);
        expect(Object.keys(out)).toEqual(expect.arrayContaining(['verdict', 'checkpoint', 'phase', 'next_phase', 'window', 'metrics', 'checks', 'reasons']));
        expect(Object.keys(out.metrics).sort()).toEqual(['cb_opens', 'critical_alerts', 'deliveries', 'p95_ms', 'pii_leaks', 'success_rate']);
      }
    });

    it('sums deliveries across a counter reset', async () => {
      const s = scenario('counter-reset');
      const out = JSON.parse((await slogate(gateArgs(s, server.url))).stdout);
      const truth = trueTotals(s.history, s.atMinute);
      expect(out.metrics.deliveries).toBeGreaterThan(truth.deliveries * 0.99);
      expect(out.metrics.deliveries).toBeLessThan(truth.deliveries * 1.01);
    });

    it('weights the success rate by traffic across uneven instances', async () => {
      const s = scenario('uneven-instances');
      const out = JSON.parse((await slogate(gateArgs(s, server.url))).stdout);
      const truth = trueTotals(s.history, s.atMinute);
      expect(out.metrics.success_rate).toBeCloseTo((truth.successes / truth.deliveries) * 100, 1);
    });

    it('promotes a healthy 24h canary to phase 25, counting none of the noise alerts', async () => {
      const s = scenario('healthy-24h-noise-alerts');
      const out = JSON.parse((await slogate(gateArgs(s, server.url))).stdout);
      expect(out.next_phase).toBe(25);
      expect(out.fired_alerts).toEqual([]);
      expect(out.metrics.cb_opens).toBe(3);
    });

    it('names the critical alert that fired', async () => {
      const s = scenario('critical-alert-fired');
      const out = JSON.parse((await slogate(gateArgs(s, server.url))).stdout);
      const firing = s.history.alerts![0].labels.alertname;
      expect(canaryAlertGroup.alerts.find((a) => a.name === firing)?.severity).toBe('critical');
      expect(out.fired_alerts).toEqual([firing]);
      expect(out.metrics.critical_alerts).toBe(1);
    });

    it('--min-deliveries decides what enough traffic is', async () => {
      const s = scenario('low-traffic');
      const r = await slogate([...gateArgs(s, server.url), '--min-deliveries', '50']);
      const out = JSON.parse(r.stdout);
      // 60 deliveries at 50% success: now judged, and a rollback
      expect(out.verdict).toBe('rollback');
      expect(r.code).toBe(1);
    });

    it('prints a readable table without --json', async () => {
      const s = scenario('marginal-success');
      const r = await slogate(gateArgs(s, server.url).filter((a) => a !== '--json'));
      expect(r.code).toBe(4);
      expect(r.stdout).toMatch(/verdict: MARGINAL/);
      expect(r.stdout).toMatch(/success_rate\s+WARN\s+93/);
      expect(r.stdout).toMatch(/reasons:\n\s+- Success rate 93% is below the 95% target/);
    });

    it('--out writes the runbook summary and the verdict', async () => {
      const s = scenario('healthy-30m');
      const dir = join(tmp, 'out-30m');
      const r = await slogate([...gateArgs(s, server.url), '--out', dir]);
      expect(r.code).toBe(0);
      const summary = JSON.parse(await readFile(join(dir, 'summary_T+30m.json'), 'utf8'));
      const verdict = JSON.parse(await readFile(join(dir, 'verdict_T+30m.json'), 'utf8'));
      expect(summary).toMatchObject({ success_rate: 99, cb_opens: 0, pii_leaks: null, critical_alerts: 0, window: { label: 'T+30m' } });
      expect(summary.p95_ms).toBeGreaterThan(250);
      expect(summary.p95_ms).toBeLessThan(500);
      expect(verdict).toEqual(JSON.parse(r.stdout));
    });

    it('slogate metrics writes the summary of one hour (Nh-Mh) and of a window from T+0', async () => {
      const s = scenario('healthy-24h-noise-alerts');
      const hour = join(tmp, 'hourly', 'T+3h.json');
      const r = await slogate(['metrics', '--prometheus', server.url, '--start', iso(s.history.t0), '--window', '3h-4h', '--output', hour]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const sum = JSON.parse(await readFile(hour, 'utf8'));
      const perHour = trueTotals(s.history, 60).deliveries;
      expect(sum.deliveries).toBeGreaterThan(perHour * 0.98);
      expect(sum.deliveries).toBeLessThan(perHour * 1.02);
      expect(sum).toMatchObject({ success_rate: 99, cb_opens: 0, pii_leaks: null, window: { start: iso(s.history.t0 + 3 * 3600), end: iso(s.history.t0 + 4 * 3600), label: 'T+3h' } });
      const day = join(tmp, 'summary_T+24h.json');
      expect((await slogate(['metrics', '--prometheus', server.url, '--start', iso(s.history.t0), '--window', '24h', '--output', day])).code).toBe(0);
      expect(JSON.parse(await readFile(day, 'utf8')).cb_opens).toBe(3);
    });

    it('reads the logs for PII: clean continues, a leak rolls back, a path that does not exist is a usage error', async () => {
      const s = scenario('healthy-30m');
      const clean = join(tmp, 'clean.log');
      const leaky = join(tmp, 'leaky.log');
      // dated lines across the window: a log must prove it covers the window (test/gate/gate-logs.test.ts)
      const dated = Array.from({ length: 61 }, (_, i) => `${iso(s.history.t0 + i * 30)} INFO delivered webhook id=wh_${i} status=200 duration_ms=120\n`).join('');
      await writeFile(clean, dated);
      await writeFile(leaky, `${iso(s.history.t0 + 60)} INFO delivered webhook id=wh_1 status=200\n${iso(s.history.t0 + 90)} ERROR failed delivery for customer jane.doe@example.com status=500\n`);
      const base = gateArgs(s, server.url).filter((a) => a !== '--skip' && a !== 'pii');
      const ok = JSON.parse((await slogate([...base, '--logs', clean])).stdout);
      expect(ok.verdict).toBe('continue');
      expect(ok.metrics.pii_leaks).toBe(0);
      expect(ok.skipped).toEqual([]);
      const bad = await slogate([...base, '--logs', leaky]);
      expect(JSON.parse(bad.stdout).verdict).toBe('rollback');
      expect(JSON.parse(bad.stdout).metrics.pii_leaks).toBe(1);
      expect(bad.stdout).not.toContain('jane.doe');
      // was exit 3 (inconclusive); a named path that is not there is exit 2, as in pii-scan
      const gone = await slogate([...base, '--logs', join(tmp, 'nope', '*.log')]);
      expect(gone.code).toBe(2);
      expect(gone.stderr).toMatch(/no files match/);
      const none = await slogate(base);
      expect(none.code).toBe(3);
      expect(JSON.parse(none.stdout).reasons.join(' ')).toMatch(/no logs given/);
    });

    it('a custom --selector with extra labels or regex matchers picks the healthy slice', async () => {
      const s = scenario('regions');
      const base = gateArgs(s, server.url);
      const eu = await slogate([...base, '--selector', '{job="webhook-sender",track="canary",region="eu"}']);
      expect(JSON.parse(eu.stdout).verdict).toBe('continue');
      expect(eu.code).toBe(0);
      const regex = await slogate([...base, '--selector', '{job="webhook-sender",track="canary",instance=~"webhook-sender-00[1-5]"}']);
      expect(JSON.parse(regex.stdout).verdict).toBe('continue');
      expect(JSON.parse(regex.stdout).metrics.deliveries).toBeCloseTo(trueTotals(s.history, s.atMinute).deliveries * (5 / 8), -1);
      const us = await slogate([...base, '--selector', '{job="webhook-sender",track="canary",region="us"}']);
      expect(JSON.parse(us.stdout).verdict).toBe('rollback');
    });

    it('reads --start/--at with timezone offsets and fractional seconds as the same instants', async () => {
      const s = scenario('marginal-success');
      const offset = (t: number, h: number) => new Date((t + h * 3600) * 1000).toISOString().replace('.000Z', `+0${h}:00`).replace('Z', '');
      const utc = JSON.parse((await slogate(gateArgs(s, server.url))).stdout);
      const args = gateArgs(s, server.url);
      args[args.indexOf('--start') + 1] = offset(s.history.t0, 1);
      args[args.indexOf('--at') + 1] = offset(s.history.t0 + s.atMinute * 60, 2).replace('+02:00', '.500+02:00');
      const r = await slogate(args);
      const out = JSON.parse(r.stdout);
      expect(out.window).toEqual(utc.window);
      expect(out.metrics).toEqual(utc.metrics);
      expect(r.code).toBe(4);
    });

    it('--min-deliveries one above the deliveries is inconclusive', async () => {
      const s = scenario('deliveries-exactly-min');
      const r = await slogate([...gateArgs(s, server.url), '--min-deliveries', '101']);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'deliveries')).toMatchObject({ status: 'no_data', value: 100 });
    });

    it('says a p95 in the +Inf bucket is above the largest bucket, not at it', async () => {
      const s = scenario('p95-in-inf-bucket');
      const out = JSON.parse((await slogate(gateArgs(s, server.url))).stdout);
      // histogram_quantile's answer is the largest finite bound
      expect(out.metrics.p95_ms).toBe(5000);
      expect(out.reasons.join(' ')).toMatch(/above 5000 ms, the latency histogram's largest finite bucket/);
    });

    // fail-closed fix: --skip pii promoted at the final checkpoint (exit 0)
    it('--skip pii at the final checkpoint is inconclusive, never promote', async () => {
      const s = scenario('healthy-24h-noise-alerts');
      const args = [...gateArgs(s, server.url).filter((a, i, all) => a !== '--logs' && all[i - 1] !== '--logs'), '--skip', 'pii'];
      const r = await slogate(args);
      const out = JSON.parse(r.stdout);
      expect(r.code).toBe(3);
      expect(out.verdict).toBe('inconclusive');
      expect(out.next_phase).toBe(5);
      expect(out.reasons[0]).toMatch(/^The PII scan was skipped \(--skip pii\), but the final T\+24h checkpoint promotes only with no PII found/);
    });

    // fail-closed fix: the breaker counter born at 1 inside the window was not counted: continue, exit 0
    it('counts the first open of a breaker whose counter first appears inside the window', async () => {
      const s = scenario('first-breaker-open');
      const r = await slogate(gateArgs(s, server.url));
      const out = JSON.parse(r.stdout);
      expect(out.metrics.cb_opens).toBe(1);
      expect(out.checks.find((c: { name: string }) => c.name === 'circuit_breaker_opens').status).toBe('warn');
      expect(out.verdict).toBe('marginal');
      expect(r.code).toBe(4);
    });

    // fail-closed fix: --selector '{job="webhook-sender"}' replaced the canary matchers, pulled in the stable track and gave marginal
    it('--selector adds to the canary matchers: naming job keeps track="canary"', async () => {
      const s = scenario('stable-track-bad');
      const r = await slogate([...gateArgs(s, server.url), '--selector', '{job="webhook-sender"}']);
      const out = JSON.parse(r.stdout);
      expect(out.verdict, out.reasons.join('\n')).toBe('continue');
      expect(out.selector).toBe('{track="canary",job="webhook-sender"}');
      expect(r.stderr).toBe('');
      const region = JSON.parse((await slogate([...gateArgs(scenario('regions'), server.url), '--selector', '{region="eu"}'])).stdout);
      expect(region.verdict).toBe('continue');
      expect(region.selector).toBe('{job="webhook-sender",track="canary",region="eu"}');
    });

    it('a selector that drops the canary track warns in one line and is recorded in the verdict', async () => {
      const s = scenario('stable-track-bad');
      const r = await slogate([...gateArgs(s, server.url), '--selector', '{track=~".+"}']);
      const out = JSON.parse(r.stdout);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^slogate: warning: --selector replaces track="canary" with track=~"\.\+"/)]);
      expect(out.selector_warning).toMatch(/other tracks/);
      expect(out.reasons.join('\n')).toMatch(/replaces track="canary"/);
      // the stable track's failures are in the numbers now
      expect(out.verdict).toBe('rollback');
    });

    it('an empty --selector is a usage error (it was accepted)', async () => {
      const r = await slogate([...gateArgs(scenario('healthy-30m'), server.url), '--selector', '{}']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^slogate: --selector "\{\}" holds no label matchers/);
    });

    // fail-closed fix: a T+2h gate run 25 hours after T+0 passed its window check with 1,506 minutes
    it('a T+2h gate judged a day after T+0 is inconclusive: checkpoint missed; --at backfills the window', async () => {
      const s = scenario('healthy-24h-noise-alerts');
      const late = ['gate', '--prometheus', server.url, '--start', iso(s.history.t0), '--at', iso(s.history.t0 + 24 * 3600), '--checkpoint', '2h', '--phase', '5', '--skip', 'pii', '--json'];
      const r = await slogate(late);
      expect(r.code).toBe(3);
      const out = JSON.parse(r.stdout);
      expect(out.checks.find((c: { name: string }) => c.name === 'window')).toMatchObject({ status: 'no_data', value: 1440, target: '115..130 min' });
      expect(out.reasons[0]).toMatch(/^checkpoint missed; run the next one/);
      const backfill = await slogate(late.map((a) => (a === iso(s.history.t0 + 24 * 3600) ? iso(s.history.t0 + 2 * 3600) : a)));
      expect(JSON.parse(backfill.stdout).verdict).toBe('continue');
      expect(backfill.code).toBe(0);
    });

    // fail-closed fix: the rules run, but this backend keeps no record of their evaluations over the window
    it('checks the loaded rule group and says that its evaluations over the window are not recorded', async () => {
      const out = JSON.parse((await slogate(gateArgs(scenario('healthy-30m'), server.url))).stdout);
      expect(out.checks.find((c: { name: string }) => c.name === 'rules_health').status).toBe('pass');
      expect(out.notes).toEqual([expect.stringMatching(/^Rule group webhook_canary is loaded and evaluating now, but its evaluations over the window are not recorded/)]);
      expect(out.reasons).toEqual(['The PII scan was skipped (--skip pii).', ...out.notes]);
    });

    it('turns a query the backend rejects into a usage error with its message', async () => {
      const s = scenario('healthy-30m');
      const r = await slogate([...gateArgs(s, server.url), '--selector', '{job=~"("}']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^slogate: .*rejected the query \(HTTP 4\d\d/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  });
}
