// `slogate rollback verify` against a real Prometheus scraping simulated instances every
// second: traffic that stops in the middle of the verification, traffic that never stops,
// a Prometheus that is not there and a selector that matches nothing.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slogateAsync } from '../harness/cli.ts';
import { startCanaryStack, type CanaryStack } from '../harness/canary-stack.ts';
import { freePort, instantQuery, waitFor } from '../harness/live-stack.ts';

let live: CanaryStack;
const tmp = mkdtempSync(join(tmpdir(), 'slogate-rollback-'));
const CANARY = ['webhook-sender-001', 'webhook-sender-002'];
/** Polls fast and uses a short rate window: the simulator's scrape interval is 1 s. */
const FAST = ['--interval', '1s', '--rate-window', '5s'];

const dir = (name: string) => {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
};

beforeAll(async () => {
  live = await startCanaryStack([{ instance: CANARY[0] }, { instance: CANARY[1] }, { instance: 'webhook-sender-050', track: 'stable' }]);
  await waitFor(
    'a canary delivery rate on both instances',
    async () => ((await instantQuery(live.stack.prometheusUrl, 'sum by (instance) (rate(webhook_delivery_total{track="canary"}[5s])) > 0')).length === 2 ? true : undefined),
    30_000,
  );
}, 60_000);

afterAll(async () => {
  await live?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('slogate rollback verify', () => {
  it('traffic that never stops: exit 1 at the deadline, naming the instances still sending', async () => {
    const d = dir('flowing');
    const r = await slogateAsync(['rollback', 'verify', '--prometheus', live.stack.prometheusUrl, '--evidence', d, '--deadline', '5s', ...FAST]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^NOT drained after 5 s: still sending: webhook-sender-00[12] [\d.]+\/s, webhook-sender-00[12] [\d.]+\/s\n$/);
    // the stable instance is not the canary's business
    expect(r.stdout + r.stderr).not.toContain('webhook-sender-050');
    expect(r.stderr.trim().split('\n').length).toBeGreaterThanOrEqual(4);
    expect(r.stderr).toMatch(/deliveries\/s from 2 instances/);
    const log = readFileSync(join(d, 'rollback_log.txt'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:]+Z - DRAIN VERIFY STARTED: polling sum by \(instance\) \(rate\(webhook_delivery_total\{job="webhook-sender",track="canary"\}\[5s\]\)\)/);
    expect(log[1]).toMatch(/ - DRAIN NOT VERIFIED: still sending at the deadline: webhook-sender-00/);
    const drain = JSON.parse(readFileSync(join(d, 'rollback_drain.json'), 'utf8'));
    expect(drain).toMatchObject({ result: 'flowing', drained_at: null, deadline_seconds: 5 });
    expect(readFileSync(join(d, 'rollback_drain.svg'), 'utf8')).toContain('Canary delivery rate while draining (flowing)');
    expect(drain.still_sending.map((s: { instance: string }) => s.instance).sort()).toEqual(CANARY);
    expect(drain.samples.every((s: { total: number }) => s.total > 0)).toBe(true);
  }, 60_000);

  it('traffic stopped mid-test: exit 0 once every instance reads 0, with the drain timeline and journal', async () => {
    const d = dir('drained');
    const run = slogateAsync(['rollback', 'verify', '--prometheus', live.stack.prometheusUrl, '--evidence', d, '--deadline', '60s', '--json', ...FAST]);
    // the rollback's step 1, a few polls in: the feature flag is off, no new deliveries start
    await new Promise((r) => setTimeout(r, 3000));
    const stoppedAt = Date.now() / 1000;
    for (const s of live.sims.slice(0, 2)) {
      const res = await fetch(`${s.url}/scenario`, { method: 'POST', body: JSON.stringify({ deliveriesPerSecond: 0 }) });
      expect(res.status).toBe(200);
    }
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    const drain = JSON.parse(r.stdout);
    expect(drain.result).toBe('drained');
    expect(Date.parse(drain.drained_at) / 1000).toBeGreaterThan(stoppedAt);
    expect(drain.samples[0].total).toBeGreaterThan(0);
    expect(drain.samples.at(-1).total).toBe(0);
    expect(Object.keys(drain.samples.at(-1).per_instance).sort()).toEqual(CANARY);
    expect(drain.drain_seconds).toBeGreaterThanOrEqual(3);
    expect(JSON.parse(readFileSync(join(d, 'rollback_drain.json'), 'utf8'))).toEqual(drain);
    const log = readFileSync(join(d, 'rollback_log.txt'), 'utf8').trim().split('\n');
    expect(log.map((l) => l.replace(/^\S+ - /, '').replace(/:.*/, ''))).toEqual(['DRAIN VERIFY STARTED', 'TRAFFIC AT ZERO', 'DRAIN VERIFIED']);
    expect(r.stderr).toMatch(/traffic stopped on all 2 instances/);
    // rollback step 4: the rollback report carries the drain timeline
    writeFileSync(join(d, 'start_time.txt'), '2025-09-01T06:00:00Z\n');
    copyFileSync('test/report/fixtures/verdict_T+24h_rollback.json', join(d, 'verdict_T+24h.json'));
    const report = await slogateAsync(['report', '--kind', 'rollback', '--evidence', d]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain(`## Traffic drain (step 3)\n\n\`slogate rollback verify\`: **drained**. Started ${drain.started}, traffic at 0 at ${drain.drained_at} (${drain.drain_seconds} s)`);
    expect(report.stdout).toContain(`| ${drain.samples.at(-1).t} | 0/s | 2 |`);
    expect(report.stdout).toContain('![Canary delivery rate while draining](');
    expect(report.stdout).toMatch(/- \[x\] \*\*Step 3\*\* \(5-10 min\): Verify webhook traffic stops\. _slogate rollback verify: traffic reached 0 at /);
    expect(report.stdout).toMatch(/\| T\+[^|]+ \| TRAFFIC AT ZERO: every canary instance/);
    // the stable track kept delivering all along
    expect(Number((await instantQuery(live.stack.prometheusUrl, 'sum(rate(webhook_delivery_total{track="stable"}[5s]))'))[0].value[1])).toBeGreaterThan(0);
  }, 90_000);

  it('a Prometheus that does not answer: exit 3, "cannot tell"', async () => {
    const port = await freePort();
    const d = dir('down');
    const r = await slogateAsync(['rollback', 'verify', '--prometheus', `http://127.0.0.1:${port}`, '--evidence', d, '--deadline', '2s', ...FAST]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^cannot tell: .*ECONNREFUSED/);
    expect(readFileSync(join(d, 'rollback_log.txt'), 'utf8')).toMatch(/DRAIN NOT VERIFIED: the delivery rate could not be read/);
  }, 30_000);

  it('a selector that matches nothing is not "stopped": exit 3', async () => {
    const r = await slogateAsync(['rollback', 'verify', '--prometheus', live.stack.prometheusUrl, '--selector', '{job="webhook-sender",track="canary-typo"}', '--deadline', '2s', ...FAST]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^cannot tell: nothing matches \{job="webhook-sender",track="canary-typo"\}/);
  }, 30_000);

  it('bad flags: one line, exit 2', async () => {
    for (const extra of [['--deadline', 'soon'], ['--max-rate', '-1'], ['--selector', 'canary'], ['--evidence', join(tmp, 'none')]]) {
      const r = await slogateAsync(['rollback', 'verify', '--prometheus', live.stack.prometheusUrl, ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 30_000);
});
