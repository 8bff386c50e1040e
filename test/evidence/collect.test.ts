// `slogate evidence collect|verify` against a real Prometheus holding 24h of history
// (promtool backfill), through the CLI.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile, unlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPrometheus, type TsdbServer } from '../harness/tsdb-servers.ts';
import { trueTotals } from '../harness/history.ts';
import { startAlertmanager, type ManagedProcess } from '../harness/live-stack.ts';
import { canaryGates } from '../../runbooks/webhook-delivery/rollout.ts';
import { PII_CATEGORIES } from '../../src/contract/metrics.ts';
import { scanLogs } from '../../src/pii/index.ts';
import { ALERT_NAMES, ATTEMPT_SHARES, CB_OPEN_MINUTES, DIP_HOUR, LOG_TEXT, PER_MINUTE, RAW_PII, SLOW_HOUR, T0, evidenceSamples, history, iso } from './scenario.ts';

const exec = promisify(execFile);
const BIN = path.resolve('bin/slogate');

async function slogate(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const r = await exec(BIN, args, { env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function allFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await allFiles(dir, p)));
    else out.push(p);
  }
  return out.sort();
}

let prom: TsdbServer;
let work: string;
let ev: string;
let logs: string;
const readJson = async (f: string) => JSON.parse(await readFile(path.join(ev, f), 'utf8'));

beforeAll(async () => {
  prom = await startPrometheus(evidenceSamples());
  work = await mkdtemp(path.join(tmpdir(), 'slogate-evidence-'));
  ev = path.join(work, 'evidence', 'canary');
  logs = path.join(work, 'logs');
  await mkdir(logs);
  await writeFile(path.join(logs, 'canary.log'), LOG_TEXT);
  // the runbook collects at T+2h, then at T+24h into the same folder
  const base = ['evidence', 'collect', '--prometheus', prom.url, '--start', iso(T0), '--logs', path.join(logs, '*.log'), '--out', ev];
  const r2 = await slogate([...base, '--checkpoint', '2h', '--at', iso(T0 + 2 * 3600)]);
  expect(r2.stderr).toMatch(/sealed/);
  expect(r2.code).toBe(0);
  const r24 = await slogate([...base, '--checkpoint', '24h', '--at', iso(T0 + 24 * 3600)]);
  expect(r24.stderr).toMatch(/sealed \d+ evidence files/);
  expect(r24.code).toBe(0);
});

afterAll(async () => {
  await prom?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('evidence collect', () => {
  it("writes the runbook's layout", async () => {
    const files = await allFiles(ev);
    expect(await readFile(path.join(ev, 'start_time.txt'), 'utf8')).toBe(iso(T0) + '\n');
    for (const f of ['summary_T+2h.json', 'summary_T+24h.json', 'verdict_T+24h.json', 'alerts/alerts_T+24h.json', 'manifest.json']) expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('hourly/'))).toHaveLength(24);
    expect(files.filter((f) => f.startsWith('6h/'))).toEqual([0, 1, 2, 3].map((n) => `6h/bundle_${n}.zip`));
    for (const c of PII_CATEGORIES) expect(files).toContain(`pii/${c}_T+24h.txt`);
    for (const s of ['success_rate', 'p95_latency', 'retry_histogram', 'cb_sparkline']) expect(files).toContain(`grafana/T+24h_${s}.svg`);
  });

  it('summary and verdict carry the same numbers', async () => {
    const v = await readJson('verdict_T+24h.json');
    const s = await readJson('summary_T+24h.json');
    for (const k of ['success_rate', 'p95_ms', 'cb_opens', 'pii_leaks', 'critical_alerts', 'deliveries']) expect(s[k]).toBe(v.metrics[k]);
    expect(v.verdict).toBe('rollback'); // PII in the logs and a critical alert
    expect(v.metrics.pii_leaks).toBe(4);
  });

  it('hourly snapshots match the history hour by hour', async () => {
    for (let h = 0; h < 24; h++) {
      const snap = await readJson(`hourly/T+${h}h.json`);
      const upTo = trueTotals(history, (h + 1) * 60);
      const before = trueTotals(history, h * 60);
      const deliveries = upTo.deliveries - before.deliveries;
      const successes = upTo.successes - before.successes;
      expect(snap.hour).toBe(h);
      expect(snap.window.start).toBe(iso(T0 + h * 3600));
      expect(snap.deliveries).toBeCloseTo(deliveries, 0);
      expect(snap.success_rate).toBeCloseTo((successes / deliveries) * 100, 2);
      const cb = CB_OPEN_MINUTES.filter((m) => m > h * 60 && m <= (h + 1) * 60).length;
      expect(snap.cb_opens).toBe(cb);
      if (h === SLOW_HOUR) expect(snap.p95_ms).toBeGreaterThan(canaryGates.p95LatencyMs.target);
      else expect(snap.p95_ms).toBeLessThan(canaryGates.p95LatencyMs.target);
    }
    expect((await readJson(`hourly/T+${DIP_HOUR}h.json`)).success_rate).toBeLessThan(canaryGates.successRate.target);
    expect(5 * PER_MINUTE * 60).toBe((await readJson('hourly/T+0h.json')).deliveries);
  });

  it('6h bundles hold the six hourly files byte for byte', async () => {
    for (let n = 0; n < 4; n++) {
      const zip = unzipSync(new Uint8Array(await readFile(path.join(ev, `6h/bundle_${n}.zip`))));
      const names = Object.keys(zip).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
      expect(names).toEqual([0, 1, 2, 3, 4, 5].map((i) => `hourly/T+${n * 6 + i}h.json`));
      for (const name of names) expect(Buffer.from(zip[name]).equals(await readFile(path.join(ev, name)))).toBe(true);
    }
  });

  it('exports our firing critical and warning alerts, not pending ones or other teams', async () => {
    const a = await readJson('alerts/alerts_T+24h.json');
    const names = a.fired.map((f: { alertname: string }) => f.alertname).sort();
    expect(names).toEqual([ALERT_NAMES.critical, ALERT_NAMES.warning].sort());
    expect(a.counts).toEqual({ critical: 1, warning: 1 });
    const crit = a.fired.find((f: { alertname: string }) => f.alertname === ALERT_NAMES.critical);
    expect(crit.first_firing).toBe(iso(T0 + 400 * 60));
    expect(crit.last_firing).toBe(iso(T0 + 412 * 60));
    expect(crit.firing_minutes).toBe(13);
  });

  it('retry histogram and charts come from the series', async () => {
    const series = await readJson('series_T+24h.json');
    const total = series.attempts.reduce((s: number, b: { value: number }) => s + b.value, 0);
    expect(total).toBeCloseTo(5 * PER_MINUTE * 24 * 60, -1);
    expect(series.attempts[0].value / total).toBeCloseTo(ATTEMPT_SHARES[1], 2);
    expect(series.cbOpensCumulative.at(-1)[1]).toBeCloseTo(CB_OPEN_MINUTES.length, 0);
    const svg = await readFile(path.join(ev, 'grafana/T+24h_success_rate.svg'), 'utf8');
    expect(svg).toMatch(/^<svg[^>]+width="1200" height="600"/);
    expect(svg).toContain(`target ${canaryGates.successRate.target}%`);
    expect(svg).toContain(`rollback ${canaryGates.successRate.critical}%`);
    expect(svg).toMatch(/class="series" d="M[\d.]+,[\d.]+ L/);
  });

  it('writes PII only redacted: no raw value anywhere, and the scanner finds none in the folder', async () => {
    const files = await allFiles(ev);
    const texts: string[] = [];
    for (const f of files) {
      const data = await readFile(path.join(ev, f));
      if (f.endsWith('.zip')) for (const b of Object.values(unzipSync(new Uint8Array(data)))) texts.push(Buffer.from(b).toString('utf8'));
      else texts.push(data.toString('utf8'));
    }
    for (const raw of RAW_PII) for (const t of texts) expect(t).not.toContain(raw);
    const email = await readFile(path.join(ev, 'pii/email_T+24h.txt'), 'utf8');
    expect(email).toMatch(/canary\.log:2: .*j\*+@/);
    const scan = await scanLogs([path.join(ev, '**/*')], { jobs: 1, maxFindings: 10_000 });
    expect(scan.files).toBeGreaterThan(30);
    // every file, the scanner's own pii/summary_*.json included, must be clean
    expect(scan.findings).toEqual([]);
    expect(scan.pii_leaks).toBe(0);
  });
});

describe('evidence verify', () => {
  it('passes on the folder as collected, with both checkpoints recorded', async () => {
    const r = await slogate(['evidence', 'verify', ev]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/T\+2h \w+, T\+24h rollback/);
    const m = await readJson('manifest.json');
    expect(m.verdict).toBe('rollback');
    expect(m.files.map((f: { path: string }) => f.path)).toEqual(await allFiles(ev).then((f) => f.filter((x) => x !== 'manifest.json')));
  });

  it('names each changed, missing and extra file, and collect refuses to re-seal it', async () => {
    const copy = path.join(work, 'tampered');
    await exec('cp', ['-r', ev, copy]);
    const h3 = path.join(copy, 'hourly/T+3h.json');
    await writeFile(h3, (await readFile(h3, 'utf8')).replace(/"success_rate": [\d.]+/, '"success_rate": 99.9'));
    await unlink(path.join(copy, 'pii/email_T+24h.txt'));
    await writeFile(path.join(copy, 'alerts/extra.json'), '[]');
    const r = await slogate(['evidence', 'verify', copy]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`changed: ${copy}/hourly/T+3h.json`);
    expect(r.stderr).toContain(`missing: ${copy}/pii/email_T+24h.txt`);
    expect(r.stderr).toContain(`extra: ${copy}/alerts/extra.json`);
    const again = await slogate(['evidence', 'collect', '--verdict', path.join(ev, 'verdict_T+24h.json'), '--skip', 'pii', '--out', copy]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^slogate: .*no longer matches its manifest/);
  });

  it('fails with one line when there is no manifest', async () => {
    const r = await slogate(['evidence', 'verify', path.join(work, 'logs')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('slogate gate --out', () => {
  it('writes the same evidence folder, keeps the verdict exit code, and falls back to SVG when Grafana is down', async () => {
    const out = path.join(work, 'gate-out');
    const closed = await freePort();
    const r = await slogate(
      ['gate', '--prometheus', prom.url, '--start', iso(T0), '--at', iso(T0 + 24 * 3600), '--checkpoint', '24h', '--skip', 'pii', '--json', '--out', out, '--grafana', `http://127.0.0.1:${closed}`],
      { GRAFANA_TOKEN: 'glsa_never_printed_42' },
    );
    expect(r.code).toBe(1); // rollback: our critical alert fired before the final checkpoint
    expect(JSON.parse(r.stdout).verdict).toBe('rollback');
    expect(r.stderr).toMatch(/evidence incomplete: Grafana http:\/\/127\.0\.0\.1:\d+\/render\/d-solo\/\S+ is unreachable: ECONNREFUSED; drew the panels as SVG instead/);
    expect(r.stderr + r.stdout).not.toContain('glsa_never_printed_42');
    const files = await allFiles(out);
    expect(files.filter((f) => f.startsWith('hourly/'))).toHaveLength(24);
    expect(files.filter((f) => f.startsWith('grafana/') && f.endsWith('.svg'))).toHaveLength(4);
    expect(files.some((f) => f.startsWith('pii/'))).toBe(false);
    const v = JSON.parse(await readFile(path.join(out, 'verdict_T+24h.json'), 'utf8'));
    expect(v).toEqual(JSON.parse(r.stdout));
    expect((await slogate(['evidence', 'verify', out])).code).toBe(0);
  });

  it('Prometheus down: inconclusive, and the verdict is still sealed with what is missing said', async () => {
    const out = path.join(work, 'gate-down');
    const r = await slogate(['gate', '--prometheus', 'http://127.0.0.1:9', '--start', iso(T0), '--at', iso(T0 + 2 * 3600), '--checkpoint', '2h', '--skip', 'pii', '--out', out, '--deadline', '5s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/evidence incomplete: hourly deliveries: .*unreachable/);
    const files = await allFiles(out);
    expect(files).toEqual(expect.arrayContaining(['manifest.json', 'start_time.txt', 'summary_T+2h.json', 'verdict_T+2h.json']));
    expect(files.some((f) => f.startsWith('hourly/'))).toBe(false);
    expect(JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')).verdict).toBe('inconclusive');
  });
});

describe('alerts active now, from a real Alertmanager', () => {
  let am: ManagedProcess | undefined;
  afterAll(async () => {
    await am?.stop();
  });

  it('adds our active critical and warning alerts, not other teams\' alerts', async () => {
    const dir = path.join(work, 'am');
    await mkdir(dir, { recursive: true });
    am = await startAlertmanager({ dir });
    const now = new Date();
    const post = await fetch(`${am.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        { labels: { alertname: ALERT_NAMES.critical, severity: 'critical', team: 'platform' }, startsAt: now.toISOString() },
        { labels: { alertname: 'PaymentsApiDown', severity: 'critical', team: 'payments' }, startsAt: now.toISOString() },
      ]),
    });
    expect(post.status).toBe(200);
    const out = path.join(work, 'with-am');
    const r = await slogate(['evidence', 'collect', '--verdict', path.join(ev, 'verdict_T+24h.json'), '--prometheus', prom.url, '--skip', 'pii', '--alertmanager', am.url, '--out', out]);
    expect(r.code).toBe(0);
    const a = JSON.parse(await readFile(path.join(out, 'alerts/alerts_T+24h.json'), 'utf8'));
    expect(a.active_now.map((x: { alertname: string }) => x.alertname)).toEqual([ALERT_NAMES.critical]);
    expect(a.active_now[0].state).toBe('active');
    expect(a.fired.length).toBe(2);
  });
});
