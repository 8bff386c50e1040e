// The gate's integration scenarios: each one a canary history in its own time slot (so
// one server holds them all), the gate flags to run against it and what must come out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alerts.ts';
import { instanceNames, latency, scenarioSamples, type MinuteTraffic, type Sample, type ScenarioHistory } from './history.ts';
import type { CheckStatus, Verdict } from '../../src/gate/index.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

/** Slots start here: a fixed past date keeps runs reproducible. */
export const HISTORY_BASE = Date.UTC(2025, 5, 2) / 1000;
const GAP_MINUTES = 6 * 60;

export interface GateScenario {
  history: ScenarioHistory;
  checkpoint: '30m' | '2h' | '24h' | '48h';
  phase: 5 | 25;
  /** Gate window end, minutes after T0. */
  atMinute: number;
  extraArgs?: string[];
  verdict: Verdict;
  /** Check statuses that must hold. */
  checks?: Record<string, CheckStatus>;
}

const PER_INSTANCE = 100;
const healthy = (): MinuteTraffic => ({ deliveries: PER_INSTANCE, successRatio: 0.99, latency: latency.fast });
const allInstances = (n: number, minute: (m: number) => MinuteTraffic | null) => instanceNames(n).map((instance) => ({ instance, minute }));

const critical = canaryAlertGroup.alerts.filter((a) => a.severity === 'critical').map((a) => a.name);
const warning = canaryAlertGroup.alerts.filter((a) => a.severity === 'warning').map((a) => a.name);
const ours = (alertname: string, alertstate: 'firing' | 'pending', severity = 'critical') => ({ alertname, alertstate, severity, ...flagship.ownerLabels });

type Draft = Omit<GateScenario, 'history'> & { name: string; minutes: number; instances: ScenarioHistory['instances']; alerts?: ScenarioHistory['alerts']; scrapeSeconds?: number };

const drafts: Draft[] = [
  {
    name: 'healthy-30m',
    minutes: 40,
    instances: allInstances(5, healthy),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'continue',
    checks: { success_rate: 'pass', p95_latency: 'pass', circuit_breaker_opens: 'pass', critical_alerts: 'pass', sustained_success_rate: 'pass' },
  },
  {
    // pending alerts, other teams' alerts and our warnings must not count
    name: 'healthy-24h-noise-alerts',
    minutes: 24 * 60 + 10,
    // long histories use 2 instances: the backfill stays quick
    instances: instanceNames(2).map((instance, i) => ({
      instance,
      minute: (m) => ({ ...healthy(), cbOpens: i === 0 && (m === 300 || m === 700 || m === 1000) ? 1 : 0 }),
    })),
    alerts: [
      { labels: ours(critical[1], 'pending'), from: 100, to: 104 },
      { labels: ours(warning[0], 'firing', 'warning'), from: 200, to: 230 },
      { labels: { alertname: 'PaymentsApiDown', alertstate: 'firing', severity: 'critical', team: 'payments' }, from: 300, to: 360 },
      { labels: { ...ours(critical[0], 'firing'), team: 'payments' }, from: 400, to: 420 },
    ],
    checkpoint: '24h',
    phase: 5,
    atMinute: 24 * 60,
    verdict: 'promote',
    checks: { critical_alerts: 'pass', circuit_breaker_opens: 'pass' },
  },
  {
    name: 'marginal-success',
    minutes: 40,
    instances: allInstances(5, () => ({ ...healthy(), successRatio: 0.93 })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { success_rate: 'warn', sustained_success_rate: 'pass' },
  },
  {
    // 6 bad minutes: the window's rate stays above 95%, the 5m rate is below 90% for ~10 minutes
    name: 'sustained-drop',
    minutes: 130,
    instances: allInstances(5, (m) => (m >= 40 && m < 46 ? { ...healthy(), successRatio: 0.3 } : healthy())),
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    verdict: 'rollback',
    checks: { success_rate: 'pass', sustained_success_rate: 'critical' },
  },
  {
    // 2 bad minutes: the 5m rate dips below 90% for ~4 minutes only
    name: 'short-blip',
    minutes: 130,
    instances: allInstances(5, (m) => (m >= 40 && m < 42 ? { ...healthy(), successRatio: 0.6 } : healthy())),
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    verdict: 'continue',
    checks: { success_rate: 'pass', sustained_success_rate: 'pass' },
  },
  {
    name: 'slow-p95',
    minutes: 40,
    instances: allInstances(5, () => ({ ...healthy(), latency: latency.slow })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'rollback',
    checks: { p95_latency: 'critical', sustained_p95_latency: 'critical', success_rate: 'pass' },
  },
  {
    name: 'slowish-p95',
    minutes: 40,
    instances: allInstances(5, () => ({ ...healthy(), latency: latency.slowish })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { p95_latency: 'warn', sustained_p95_latency: 'pass' },
  },
  {
    name: 'cb-storm',
    minutes: 40,
    instances: instanceNames(5).map((instance, i) => ({ instance, minute: (m) => ({ ...healthy(), cbOpens: i < 3 && m >= 5 && m < 10 ? 1 : 0 }) })),
    // 15 opens in 30 minutes
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'rollback',
    checks: { circuit_breaker_opens: 'critical' },
  },
  {
    name: 'single-cb-open',
    minutes: 40,
    instances: instanceNames(5).map((instance, i) => ({ instance, minute: (m) => ({ ...healthy(), cbOpens: i === 0 && m === 3 ? 1 : 0 }) })),
    // one open is under the 5/day pace pro-rated to 30 minutes
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { circuit_breaker_opens: 'warn' },
  },
  {
    // fail-closed fix: the instrumentation created the breaker counter on its first open, at 1:
    // increase() saw nothing and the gate said continue. The first value counts now.
    name: 'first-breaker-open',
    minutes: 40,
    instances: instanceNames(5).map((instance, i) => ({ instance, cbCounterFromStart: false, minute: (m) => ({ ...healthy(), cbOpens: i === 0 && m === 12 ? 1 : 0 }) })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { circuit_breaker_opens: 'warn' },
  },
  {
    name: 'no-traffic',
    minutes: 40,
    instances: [],
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'inconclusive',
    checks: { deliveries: 'no_data', success_rate: 'no_data' },
  },
  {
    name: 'low-traffic',
    minutes: 40,
    instances: allInstances(1, () => ({ deliveries: 2, successRatio: 0.5, latency: latency.fast })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'inconclusive',
    checks: { deliveries: 'no_data', success_rate: 'no_data' },
  },
  {
    name: 'counter-reset',
    minutes: 130,
    instances: instanceNames(5).map((instance, i) => ({ instance, minute: (m) => ({ ...healthy(), reset: i === 1 && m === 60 }) })),
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    verdict: 'continue',
    checks: { success_rate: 'pass', deliveries: 'pass' },
  },
  {
    // summed ratio 98.5%; the mean of per-instance ratios would be 74.5%
    name: 'uneven-instances',
    minutes: 40,
    instances: [
      { instance: 'webhook-sender-001', minute: () => ({ deliveries: 1000, successRatio: 0.99, latency: latency.fast }) },
      { instance: 'webhook-sender-002', minute: () => ({ deliveries: 10, successRatio: 0.5, latency: latency.fast }) },
    ],
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'continue',
    checks: { success_rate: 'pass' },
  },
  {
    name: 'critical-alert-fired',
    minutes: 130,
    instances: allInstances(5, healthy),
    alerts: [{ labels: ours(critical[0], 'firing'), from: 50, to: 60 }],
    checkpoint: '2h',
    phase: 25,
    atMinute: 120,
    // fail-closed fix: was marginal, with critical_alerts a warning; a fired critical alert is a rollback trigger
    verdict: 'rollback',
    checks: { critical_alerts: 'critical' },
  },
  {
    // 9 opens late on day 1 and 9 early on day 2: neither day exceeds 10, the 24h around the change does
    name: 'cb-any-24h-48h',
    minutes: 48 * 60 + 10,
    instances: instanceNames(2).map((instance, i) => ({
      instance,
      minute: (m) => ({ ...healthy(), cbOpens: i === 1 && ((m >= 20 * 60 && m < 20 * 60 + 9) || (m >= 26 * 60 && m < 26 * 60 + 9)) ? 1 : 0 }),
    })),
    checkpoint: '48h',
    phase: 25,
    atMinute: 48 * 60,
    verdict: 'rollback',
    checks: { circuit_breaker_opens: 'critical' },
  },
  // ---- probes of data the gate was not written against (QA) ----
  {
    // 15 s scrapes: the same 6-minute drop as sustained-drop still holds the 5m rate below 90% > 5 min
    name: 'scrape-15s-sustained-drop',
    minutes: 130,
    scrapeSeconds: 15,
    instances: allInstances(3, (m) => (m >= 40 && m < 46 ? { ...healthy(), successRatio: 0.3 } : healthy())),
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    verdict: 'rollback',
    checks: { success_rate: 'pass', sustained_success_rate: 'critical' },
  },
  {
    name: 'scrape-30s-healthy',
    minutes: 130,
    scrapeSeconds: 30,
    instances: allInstances(3, healthy),
    checkpoint: '2h',
    phase: 25,
    atMinute: 120,
    verdict: 'continue',
    checks: { success_rate: 'pass', sustained_success_rate: 'pass', sustained_p95_latency: 'pass', deliveries: 'pass' },
  },
  {
    // a 10-minute scrape outage mid-window is a hole, not a breach
    name: 'scrape-outage',
    minutes: 130,
    instances: allInstances(3, (m) => (m >= 50 && m < 60 ? null : healthy())),
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    verdict: 'continue',
    checks: { sustained_success_rate: 'pass', success_rate: 'pass' },
  },
  {
    // instance 006 joins at T+60m failing half its deliveries: 94.5% over the window, 5m rate 90.8%
    name: 'canary-added-later',
    minutes: 130,
    instances: [...allInstances(5, healthy), { instance: 'webhook-sender-006', fromMinute: 60, minute: () => ({ ...healthy(), successRatio: 0.5 }) }],
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    verdict: 'marginal',
    checks: { success_rate: 'warn', sustained_success_rate: 'pass' },
  },
  {
    // the stable track fails, is slow and storms its breakers: none of it is the canary's
    name: 'stable-track-bad',
    minutes: 40,
    instances: [
      ...allInstances(3, healthy),
      ...instanceNames(3, 10).map((instance) => ({ instance, labels: { track: 'stable' }, minute: () => ({ deliveries: 1000, successRatio: 0.5, latency: latency.slow, cbOpens: 1 }) })),
    ],
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'continue',
  },
  {
    // region eu is healthy, us fails: the region selector decides
    name: 'regions',
    minutes: 40,
    instances: [
      ...instanceNames(5).map((instance) => ({ instance, labels: { region: 'eu' }, minute: healthy })),
      ...instanceNames(3, 6).map((instance) => ({ instance, labels: { region: 'us' }, minute: () => ({ ...healthy(), successRatio: 0.5 }) })),
    ],
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'rollback',
    checks: { success_rate: 'critical' },
  },
  {
    // Python-client buckets (le="5.0", the largest finite bound 5 s) with 10% of deliveries
    // slower: histogram_quantile answers 5 s, the p95 is above it
    name: 'p95-in-inf-bucket',
    minutes: 40,
    instances: allInstances(3, () => ({ ...healthy(), latency: { 0.5: 0.6, 1: 0.2, 2.5: 0.05, 5: 0.05 } })).map((i) => ({ ...i, buckets: [0.5, 1, 2.5, 5], leStyle: 'python' as const })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'rollback',
    checks: { p95_latency: 'critical', sustained_p95_latency: 'critical' },
  },
  {
    // another layout, le written two ways across instances: p95 ≈ 4.4 s
    name: 'other-bucket-layout',
    minutes: 40,
    instances: instanceNames(2).map((instance, i) => ({
      instance,
      buckets: [0.5, 1, 2.5, 5, 10],
      leStyle: i === 0 ? ('go' as const) : ('python' as const),
      minute: () => ({ ...healthy(), latency: latency.slowish }),
    })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { p95_latency: 'warn', sustained_p95_latency: 'pass' },
  },
  {
    name: 'success-exactly-95',
    minutes: 40,
    instances: allInstances(5, () => ({ ...healthy(), successRatio: 0.95 })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'continue',
    checks: { success_rate: 'pass' },
  },
  {
    name: 'success-exactly-90',
    minutes: 40,
    instances: allInstances(5, () => ({ ...healthy(), successRatio: 0.9 })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { success_rate: 'warn', sustained_success_rate: 'pass' },
  },
  {
    // 95% of deliveries at or under 2 s exactly: p95 = 2000 ms is not below the target
    name: 'p95-exactly-2000',
    minutes: 40,
    instances: allInstances(5, () => ({ ...healthy(), latency: { 1: 0.9, 2: 0.05, 5: 0.05 } })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { p95_latency: 'warn' },
  },
  {
    // p95 = 5000 ms is not above the rollback threshold, and neither is any minute
    name: 'p95-exactly-5000',
    minutes: 40,
    instances: allInstances(5, () => ({ ...healthy(), latency: { 1: 0.9, 5: 0.05, 10: 0.05 } })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { p95_latency: 'warn', sustained_p95_latency: 'pass' },
  },
  {
    // 10 opens in 30 minutes: far over the pro-rated target, not over the rollback
    name: 'cb-exactly-10',
    minutes: 40,
    instances: instanceNames(5).map((instance, i) => ({ instance, minute: (m) => ({ ...healthy(), cbOpens: i < 2 && m >= 5 && m < 10 ? 1 : 0 }) })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'marginal',
    checks: { circuit_breaker_opens: 'warn' },
  },
  {
    // exactly --min-deliveries (100) deliveries
    name: 'deliveries-exactly-min',
    minutes: 40,
    instances: allInstances(1, (m) => ({ deliveries: m <= 25 ? 4 : 0, successRatio: 1, latency: latency.fast })),
    checkpoint: '30m',
    phase: 5,
    atMinute: 30,
    verdict: 'continue',
    checks: { deliveries: 'pass' },
  },
  {
    // our critical alert firing for one minute only, inside the window
    name: 'alert-one-minute',
    minutes: 130,
    instances: allInstances(3, healthy),
    alerts: [{ labels: ours(critical[0], 'firing'), from: 70, to: 70 }],
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    // fail-closed fix: was marginal, with critical_alerts a warning; a fired critical alert is a rollback trigger
    verdict: 'rollback',
    checks: { critical_alerts: 'critical' },
  },
  {
    // firing before T+0 and after --at, pending inside: none of it is in the window
    name: 'alerts-outside-window',
    minutes: 130,
    instances: allInstances(3, healthy),
    alerts: [
      { labels: ours(critical[0], 'firing'), from: -60, to: -10 },
      { labels: ours(critical[1], 'pending'), from: 30, to: 40 },
      { labels: ours(critical[2], 'firing'), from: 122, to: 128 },
    ],
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    verdict: 'continue',
    checks: { critical_alerts: 'pass' },
  },
  {
    // our alert whose team label a ruler dropped still counts (fail closed)
    name: 'alert-without-team',
    minutes: 130,
    instances: allInstances(3, healthy),
    alerts: [{ labels: { alertname: critical[0], alertstate: 'firing', severity: 'critical' }, from: 80, to: 90 }],
    checkpoint: '2h',
    phase: 5,
    atMinute: 120,
    // fail-closed fix: was marginal, with critical_alerts a warning; a fired critical alert is a rollback trigger
    verdict: 'rollback',
    checks: { critical_alerts: 'critical' },
  },
];

/** The scenarios laid end to end in time, each after a gap. */
export const gateScenarios: GateScenario[] = (() => {
  let t = HISTORY_BASE;
  return drafts.map((d) => {
    const { name, minutes, instances, alerts, scrapeSeconds, ...rest } = d;
    const history: ScenarioHistory = { name, t0: t, minutes, instances, alerts, scrapeSeconds };
    t += (minutes + GAP_MINUTES) * 60;
    return { history, ...rest };
  });
})();

export function scenario(name: string): GateScenario {
  const s = gateScenarios.find((x) => x.history.name === name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
}

export function* allScenarioSamples(): Generator<Sample> {
  for (const s of gateScenarios) yield* scenarioSamples(s.history);
}

export const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** Whether the scenario's checkpoint is its phase's last (promotion needs the PII scan there). */
export const isFinal = (s: GateScenario) => (s.phase === 5 && s.checkpoint === '24h') || (s.phase === 25 && s.checkpoint === '48h');

let logDir: string | null = null;
/**
 * A clean canary log covering the scenario's window, one logfmt line a minute: the
 * final checkpoint promotes only with a PII scan (the promotion rule needs PII = 0).
 */
export function cleanLogFor(s: GateScenario): string {
  if (!logDir) {
    logDir = mkdtempSync(join(tmpdir(), 'slogate-logs-'));
    const dir = logDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const file = join(logDir, `${s.history.name}.log`);
  const lines: string[] = [];
  for (let m = 0; m <= s.atMinute; m++) {
    const ts = new Date((s.history.t0 + m * 60) * 1000).toISOString();
    lines.push(`ts=${ts} level=info msg="webhook delivered" delivery_id=wh_${1000 + m} endpoint_id=ep_42 status=200 attempts=1 duration_ms=${120 + (m % 7)}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** The PII evidence a scenario's gate run gets: a clean log at the final checkpoint, else --skip pii. */
export const piiArgs = (s: GateScenario): string[] => (isFinal(s) ? ['--logs', cleanLogFor(s)] : ['--skip', 'pii']);

/** The `slogate gate` arguments for a scenario against `url`. */
export function gateArgs(s: GateScenario, url: string): string[] {
  return [
    'gate',
    '--prometheus',
    url,
    '--start',
    iso(s.history.t0),
    '--at',
    iso(s.history.t0 + s.atMinute * 60),
    '--checkpoint',
    s.checkpoint,
    '--phase',
    String(s.phase),
    ...piiArgs(s),
    '--json',
    ...(s.extraArgs ?? []),
  ];
}
