// The decision core, table-driven: every runbook checkpoint of every phase against
// every kind of evidence, plus precedence, pro-rating, sustained runs and bad input.
import { describe, expect, it } from 'vitest';
import { canaryGates, canaryPhases } from '../../runbooks/webhook-delivery/rollout.ts';
import type { CheckpointName } from '../../src/contract/runbook.ts';
import type { RunbookCheck } from '../../src/contract/checks.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alerts.ts';
import { DEFAULT_CANARY_SELECTOR } from '../../src/contract/selectors.ts';
import {
  GATE_EXIT,
  checkpointRule as checkpointRuleOf,
  decide as decideWith,
  gateQueries as gateQueriesOf,
  longestRunMinutes as longestRun,
  measured,
  MIN_SCALED_RATE_WINDOW_SECONDS,
  missing,
  scaledTimes as scaledTimesOf,
  verdictJson,
  verdictTable,
  type CheckStatus,
  type GateEvidence,
  type GateResult,
  type Measured,
  type PhaseNumber,
  type Point,
  type RulesEvidence,
  type RuleGroupEvidence,
  type GateCheck,
  BUILTIN_CHECK_NAMES,
  defaultChecks,
  type DecideOptions,
  type Verdict,
} from '../../src/gate/index.ts';

// The flagship runbook supplies every threshold and window the engine reads.
const decide = (e: GateEvidence, opts?: DecideOptions) => decideWith(e, flagship, opts);
const defaultThresholds = flagship.gates;
const checkpointRule = (phase: number, cp: string) => checkpointRuleOf(flagship, phase, cp);
const scaledTimes = (scale?: number) => scaledTimesOf(flagship.windows, scale);
const longestRunMinutes = (points: readonly Point[], bad: (v: number) => boolean, step = flagship.windows.seriesStepSeconds) => longestRun(points, bad, step);
const gateQueries = (sel: string, windowSeconds: number, alerts: Parameters<typeof gateQueriesOf>[3], scale?: number) => gateQueriesOf(flagship, sel, windowSeconds, alerts, scale);
const CHECKPOINT_MINUTES = Object.fromEntries(Object.entries(flagship.checkpoints).map(([c, t]) => [c, t.minutes])) as Record<CheckpointName, number>;
const CHECKPOINT_EARLIEST_MINUTES = Object.fromEntries(Object.entries(flagship.checkpoints).map(([c, t]) => [c, t.earliestMinutes])) as Record<CheckpointName, number>;
const CHECKPOINT_LATEST_MINUTES = Object.fromEntries(Object.entries(flagship.checkpoints).map(([c, t]) => [c, t.latestMinutes])) as Record<CheckpointName, number>;

const T0 = Date.UTC(2025, 10, 13, 9) / 1000;
const sr = canaryGates.successRate;
const lat = canaryGates.p95LatencyMs;
const cb = canaryGates.circuitBreakerOpensPerDay;

function flatSeries(minutes: number, value: number, start = T0): Point[] {
  return Array.from({ length: minutes }, (_, i) => [start + (i + 1) * 60, value] as Point);
}

/** Green evidence for a window of `minutes`. */
function green(phase: PhaseNumber, checkpoint: CheckpointName, minutes = CHECKPOINT_MINUTES[checkpoint]): GateEvidence {
  return {
    checkpoint,
    phase,
    window: { start: T0, end: T0 + minutes * 60 },
    minDeliveries: canaryGates.minDeliveries,
    deliveries: measured(10_000),
    successes: measured(9_900),
    p95Seconds: measured(0.4),
    cbOpens: measured(0),
    cbOpensMax24h: minutes > 1440 ? measured(0) : undefined,
    criticalAlerts: measured([]),
    piiLeaks: measured(0),
    successRateSeries: measured(flatSeries(minutes, 99)),
    p95Series: measured(flatSeries(minutes, 0.4)),
    rules: measured(healthyRules),
  };
}

/** The alert group loaded as generated, evaluated throughout the window. */
const healthyGroup: RuleGroupEvidence = {
  report: { group: 'webhook_canary', ok: true, intervalSeconds: 60, lastEvaluation: T0, problems: [] },
  coverage: { recorded: true, source: 'prometheus_rule_group_last_evaluation_timestamp_seconds', gaps: [] },
};
const healthyRules: RulesEvidence = { groups: [healthyGroup] };
const rulesWith = (g: Partial<RuleGroupEvidence>): Measured<RulesEvidence> => measured({ groups: [{ ...healthyGroup, ...g }] });

/** A series that is fine except for `n` consecutive minutes at `bad` starting at minute 10. */
function seriesWithRun(minutes: number, ok: number, bad: number, n: number): Point[] {
  return flatSeries(minutes, ok).map(([t, v], i) => [t, i >= 10 && i < 10 + n ? bad : v] as Point);
}

interface Kind {
  name: string;
  change: (e: GateEvidence, minutes: number) => Partial<GateEvidence>;
  /** Verdict at an intermediate checkpoint and at the final one. */
  intermediate: Verdict;
  final: Verdict;
  check?: { name: string; intermediate: CheckStatus; final: CheckStatus };
}

const pct = (p: number) => ({ successes: measured(p * 100) });

const kinds: Kind[] = [
  { name: 'all green', change: () => ({}), intermediate: 'continue', final: 'promote' },
  { name: 'success exactly at target', change: () => pct(sr.target), intermediate: 'continue', final: 'promote' },
  { name: 'success between critical and target', change: () => pct((sr.target + sr.critical) / 2), intermediate: 'marginal', final: 'rollback', check: { name: 'success_rate', intermediate: 'warn', final: 'fail' } },
  { name: 'success exactly at critical', change: () => pct(sr.critical), intermediate: 'marginal', final: 'rollback', check: { name: 'success_rate', intermediate: 'warn', final: 'fail' } },
  { name: 'success below critical', change: () => pct(sr.critical - 0.5), intermediate: 'rollback', final: 'rollback', check: { name: 'success_rate', intermediate: 'critical', final: 'critical' } },
  { name: 'p95 just below target', change: () => ({ p95Seconds: measured((lat.target - 1) / 1000) }), intermediate: 'continue', final: 'promote' },
  { name: 'p95 exactly at target', change: () => ({ p95Seconds: measured(lat.target / 1000) }), intermediate: 'marginal', final: 'rollback', check: { name: 'p95_latency', intermediate: 'warn', final: 'fail' } },
  { name: 'p95 exactly at critical', change: () => ({ p95Seconds: measured(lat.critical / 1000) }), intermediate: 'marginal', final: 'rollback', check: { name: 'p95_latency', intermediate: 'warn', final: 'fail' } },
  { name: 'success rate 95% with float noise', change: () => ({ deliveries: measured(15000.000000000002), successes: measured(14250) }), intermediate: 'continue', final: 'promote' },
  { name: 'p95 just under target with float noise', change: () => ({ p95Seconds: measured(1.99999999999997) }), intermediate: 'marginal', final: 'rollback', check: { name: 'p95_latency', intermediate: 'warn', final: 'fail' } },
  { name: 'p95 at critical with float noise', change: () => ({ p95Seconds: measured(5.000000000000011) }), intermediate: 'marginal', final: 'rollback', check: { name: 'p95_latency', intermediate: 'warn', final: 'fail' } },
  {
    name: 'p95 in the +Inf bucket above a 5 s largest bound',
    change: () => ({ p95Seconds: measured(5), latencyBuckets: measured([[1, 800], [5, 900], [Infinity, 1000]]) }),
    intermediate: 'rollback',
    final: 'rollback',
    check: { name: 'p95_latency', intermediate: 'critical', final: 'critical' },
  },
  {
    name: 'p95 in the +Inf bucket above a 2.5 s largest bound',
    change: () => ({ p95Seconds: measured(2.5), latencyBuckets: measured([[1, 800], [2.5, 900], [Infinity, 1000]]) }),
    intermediate: 'inconclusive',
    final: 'rollback',
    check: { name: 'p95_latency', intermediate: 'no_data', final: 'fail' },
  },
  {
    name: 'p95 in the +Inf bucket above a 1 s largest bound',
    change: () => ({ p95Seconds: measured(1), latencyBuckets: measured([[0.5, 800], [1, 900], [Infinity, 1000]]) }),
    intermediate: 'inconclusive',
    final: 'inconclusive',
    check: { name: 'p95_latency', intermediate: 'no_data', final: 'no_data' },
  },
  {
    name: 'p95 inside the finite buckets, le written twice (2 and 2.0)',
    change: () => ({ p95Seconds: measured(0.4), latencyBuckets: measured([[0.5, 600], [0.5, 380], [2, 500], [2, 495], [Infinity, 1000]]) }),
    intermediate: 'continue',
    final: 'promote',
  },
  {
    name: 'sustained p95 pinned at a 5 s largest bound (in +Inf)',
    change: (_e, m) => ({ p95Seconds: measured(0.4), latencyBuckets: measured([[0.5, 990], [5, 995], [Infinity, 1000]]), p95Series: measured(seriesWithRun(m, 0.4, 5, lat.sustainedMinutes + 1)) }),
    intermediate: 'rollback',
    final: 'rollback',
    check: { name: 'sustained_p95_latency', intermediate: 'critical', final: 'critical' },
  },
  { name: 'p95 above critical', change: () => ({ p95Seconds: measured((lat.critical + 1) / 1000) }), intermediate: 'rollback', final: 'rollback', check: { name: 'p95_latency', intermediate: 'critical', final: 'critical' } },
  {
    name: 'cb opens at the pro-rated daily target',
    change: (_e, m) => ({ cbOpens: measured(Math.ceil((cb.target * m) / 1440)), cbOpensMax24h: m > 1440 ? measured(cb.target) : undefined }),
    intermediate: 'marginal',
    final: 'rollback',
    check: { name: 'circuit_breaker_opens', intermediate: 'warn', final: 'fail' },
  },
  {
    name: 'cb opens exactly at critical',
    change: (_e, m) => ({ cbOpens: measured(cb.critical), cbOpensMax24h: m > 1440 ? measured(cb.critical) : undefined }),
    intermediate: 'marginal',
    final: 'rollback',
    check: { name: 'circuit_breaker_opens', intermediate: 'warn', final: 'fail' },
  },
  {
    name: 'cb opens above critical',
    change: (_e, m) => ({ cbOpens: measured(cb.critical + 1), cbOpensMax24h: m > 1440 ? measured(cb.critical + 1) : undefined }),
    intermediate: 'rollback',
    final: 'rollback',
    check: { name: 'circuit_breaker_opens', intermediate: 'critical', final: 'critical' },
  },
  { name: 'one PII leak', change: () => ({ piiLeaks: measured(1) }), intermediate: 'rollback', final: 'rollback', check: { name: 'pii_leaks', intermediate: 'critical', final: 'critical' } },
  { name: 'PII scan failed', change: () => ({ piiLeaks: missing('unreadable') }), intermediate: 'inconclusive', final: 'inconclusive', check: { name: 'pii_leaks', intermediate: 'no_data', final: 'no_data' } },
  // fail-closed fix: a skipped scan promoted at the final checkpoint; it is inconclusive there now
  { name: 'PII scan skipped', change: () => ({ piiLeaks: 'skipped' }), intermediate: 'continue', final: 'inconclusive' },
  // fail-closed fix: a fired critical alert was marginal before the final checkpoint; it is a rollback trigger anywhere
  { name: 'critical alert fired', change: () => ({ criticalAlerts: measured(['WebhookSenderDown']) }), intermediate: 'rollback', final: 'rollback', check: { name: 'critical_alerts', intermediate: 'critical', final: 'critical' } },
  { name: 'critical alert fired while the rules are broken', change: () => ({ criticalAlerts: measured(['WebhookSenderDown']), rules: missing('HTTP 404') }), intermediate: 'rollback', final: 'rollback', check: { name: 'critical_alerts', intermediate: 'critical', final: 'critical' } },
  // fail-closed fix: "none fired" passed even when the rules never ran
  {
    name: 'no alert fired but the rule group is not loaded',
    change: () => ({ rules: rulesWith({ report: { ...healthyGroup.report, ok: false, problems: [{ kind: 'group_missing', group: 'webhook_canary', loadedGroups: [] }] } }) }),
    intermediate: 'inconclusive',
    final: 'inconclusive',
    check: { name: 'critical_alerts', intermediate: 'no_data', final: 'no_data' },
  },
  {
    name: 'no alert fired but the group stopped evaluating inside the window',
    change: (e) => ({ rules: rulesWith({ coverage: { recorded: true, source: 'x', gaps: [{ from: e.window.start + 600, to: e.window.start + 1200 }] } }) }),
    intermediate: 'inconclusive',
    final: 'inconclusive',
    check: { name: 'rules_health', intermediate: 'no_data', final: 'no_data' },
  },
  { name: 'rules unreadable', change: () => ({ rules: missing('timeout') }), intermediate: 'inconclusive', final: 'inconclusive', check: { name: 'rules_health', intermediate: 'no_data', final: 'no_data' } },
  { name: 'alerts unknown', change: () => ({ criticalAlerts: missing('unreachable') }), intermediate: 'inconclusive', final: 'inconclusive' },
  { name: 'Prometheus unreachable', change: () => unreachable(), intermediate: 'inconclusive', final: 'inconclusive', check: { name: 'success_rate', intermediate: 'no_data', final: 'no_data' } },
  { name: 'no matching series', change: () => ({ deliveries: missing('no series'), successes: missing('no series'), p95Seconds: missing('no series') }), intermediate: 'inconclusive', final: 'inconclusive' },
  { name: 'too few deliveries', change: () => ({ deliveries: measured(canaryGates.minDeliveries - 1), successes: measured(50) }), intermediate: 'inconclusive', final: 'inconclusive', check: { name: 'success_rate', intermediate: 'no_data', final: 'no_data' } },
  { name: 'deliveries NaN', change: () => ({ deliveries: measured(Number.NaN) }), intermediate: 'inconclusive', final: 'inconclusive' },
  { name: 'zero deliveries', change: () => ({ deliveries: measured(0), successes: measured(0) }), intermediate: 'inconclusive', final: 'inconclusive' },
  { name: 'p95 NaN', change: () => ({ p95Seconds: measured(Number.NaN) }), intermediate: 'inconclusive', final: 'inconclusive', check: { name: 'p95_latency', intermediate: 'no_data', final: 'no_data' } },
  {
    name: 'success below critical for one minute more than allowed',
    change: (_e, m) => ({ successRateSeries: measured(seriesWithRun(m, 99, sr.critical - 1, sr.sustainedMinutes + 1)) }),
    intermediate: 'rollback',
    final: 'rollback',
    check: { name: 'sustained_success_rate', intermediate: 'critical', final: 'critical' },
  },
  {
    name: 'success below critical for exactly the allowed minutes',
    change: (_e, m) => ({ successRateSeries: measured(seriesWithRun(m, 99, sr.critical - 1, sr.sustainedMinutes)) }),
    intermediate: 'continue',
    final: 'promote',
  },
  {
    name: 'p95 above critical for one minute more than allowed',
    change: (_e, m) => ({ p95Series: measured(seriesWithRun(m, 0.4, lat.critical / 1000 + 1, lat.sustainedMinutes + 1)) }),
    intermediate: 'rollback',
    final: 'rollback',
    check: { name: 'sustained_p95_latency', intermediate: 'critical', final: 'critical' },
  },
  {
    name: 'p95 above critical for exactly the allowed minutes',
    change: (_e, m) => ({ p95Series: measured(seriesWithRun(m, 0.4, lat.critical / 1000 + 1, lat.sustainedMinutes)) }),
    intermediate: 'continue',
    final: 'promote',
  },
  { name: 'series missing', change: () => ({ successRateSeries: missing('timeout') }), intermediate: 'inconclusive', final: 'inconclusive' },
  { name: 'series all NaN', change: (_e, m) => ({ p95Series: measured(flatSeries(m, Number.NaN)) }), intermediate: 'inconclusive', final: 'inconclusive' },
  // precedence: rollback > inconclusive > marginal
  { name: 'critical breach with missing evidence', change: () => ({ ...pct(80), piiLeaks: missing('unreadable') }), intermediate: 'rollback', final: 'rollback' },
  { name: 'missed target with missing evidence', change: () => ({ ...pct(93), piiLeaks: missing('unreadable') }), intermediate: 'inconclusive', final: 'rollback' },
  { name: 'missed target and critical breach', change: () => ({ ...pct(93), piiLeaks: measured(2) }), intermediate: 'rollback', final: 'rollback' },
  { name: 'window shorter than the checkpoint allows', change: (e, m) => ({ window: { start: e.window.start, end: e.window.start + (m * 60) / 2 } }), intermediate: 'inconclusive', final: 'inconclusive', check: { name: 'window', intermediate: 'no_data', final: 'no_data' } },
];

function unreachable(): Partial<GateEvidence> {
  const down = missing('http://127.0.0.1:9 is unreachable: ECONNREFUSED');
  return { deliveries: down, successes: down, p95Seconds: down, cbOpens: down, cbOpensMax24h: down, criticalAlerts: down, successRateSeries: down, p95Series: down, rules: down };
}

const combos = canaryPhases.flatMap((p) => p.checkpoints.map((c) => ({ phase: p.phase, checkpoint: c, final: p.finalCheckpoint === c, next: p.next })));

describe('decide: every checkpoint of every phase against every kind of evidence', () => {
  it('covers the runbook: phase 5 at 30m, 2h, 24h and phase 25 at 2h, 24h, 48h', () => {
    expect(combos.map((c) => `${c.phase}@${c.checkpoint}${c.final ? '*' : ''}`)).toEqual(['5@30m', '5@2h', '5@24h*', '25@2h', '25@24h', '25@48h*']);
  });
  for (const c of combos) {
    describe(`phase ${c.phase}, T+${c.checkpoint}${c.final ? ' (final)' : ''}`, () => {
      it.each(kinds.map((k) => [k.name, k] as const))('%s', (_name, k) => {
        const minutes = CHECKPOINT_MINUTES[c.checkpoint];
        const base = green(c.phase, c.checkpoint);
        const d = decide({ ...base, ...k.change(base, minutes) });
        const want = c.final ? k.final : k.intermediate;
        expect(d.verdict).toBe(want);
        expect(d.final).toBe(c.final);
        if (k.check) expect(d.checks.find((x) => x.name === k.check!.name)?.status).toBe(c.final ? k.check.final : k.check.intermediate);
        // every check that did not pass has a reason, and only those
        expect(d.reasons.length).toBe(d.checks.filter((x) => x.status !== 'pass').length);
        expect(d.next_phase).toBe(want === 'promote' ? c.next : want === 'rollback' ? 0 : c.phase);
        if (c.final) expect(['promote', 'rollback', 'inconclusive']).toContain(d.verdict);
        else expect(d.verdict).not.toBe('promote');
      });
    });
  }
});

describe('decide: details', () => {
  it('pro-rates the circuit breaker target: 1 open fails 30m and 2h, 4 pass 24h, 9 pass 48h', () => {
    const at = (phase: PhaseNumber, cp: CheckpointName, opens: number) =>
      decide({ ...green(phase, cp), cbOpens: measured(opens), cbOpensMax24h: CHECKPOINT_MINUTES[cp] > 1440 ? measured(opens) : undefined }).checks.find((c) => c.name === 'circuit_breaker_opens')!.status;
    expect(at(5, '30m', 0)).toBe('pass');
    expect(at(5, '30m', 1)).toBe('warn');
    expect(at(5, '2h', 1)).toBe('warn');
    expect(at(5, '24h', 4)).toBe('pass');
    expect(at(5, '24h', 5)).toBe('fail');
    expect(at(25, '48h', 9)).toBe('pass');
    expect(at(25, '48h', 10)).toBe('fail');
  });

  it('48h: more than 10 opens in any 24h is a rollback even when each day stays at or below 10', () => {
    const e = { ...green(25, '48h'), cbOpens: measured(9), cbOpensMax24h: measured(cb.critical + 1) };
    const d = decide(e);
    expect(d.verdict).toBe('rollback');
    const check = d.checks.find((c) => c.name === 'circuit_breaker_opens')!;
    expect(check.status).toBe('critical');
    expect(check.detail).toMatch(/24h/);
    // the worst 24h unknown: not enough evidence
    expect(decide({ ...e, cbOpensMax24h: missing('timeout') }).verdict).toBe('inconclusive');
    expect(decide({ ...e, cbOpensMax24h: measured(cb.critical) }).verdict).toBe('promote');
  });

  it('rounds extrapolated breaker counts to whole opens', () => {
    const d = decide({ ...green(5, '24h'), cbOpens: measured(4.4) });
    expect(d.metrics.cb_opens).toBe(4);
    expect(d.verdict).toBe('promote');
  });

  it('reports the runbook summary names and the success rate in percent', () => {
    const d = decide({ ...green(5, '30m'), deliveries: measured(2000), successes: measured(1990), p95Seconds: measured(0.25) });
    expect(d.metrics).toEqual({ success_rate: 99.5, p95_ms: 250, cb_opens: 0, pii_leaks: 0, critical_alerts: 0, deliveries: 2000 });
  });

  it('records a skipped PII scan', () => {
    const d = decide({ ...green(5, '24h'), piiLeaks: 'skipped' });
    expect(d.skipped).toEqual(['pii']);
    expect(d.metrics.pii_leaks).toBeNull();
    expect(d.reasons.join(' ')).toMatch(/skip pii/);
  });

  it('counts distinct alert names', () => {
    const d = decide({ ...green(5, '2h'), criticalAlerts: measured(['B', 'A', 'B']) });
    expect(d.metrics.critical_alerts).toBe(2);
    expect(d.checks.find((c) => c.name === 'critical_alerts')!.detail).toMatch(/A, B/);
  });

  it('accepts a window from the runbook timeline and refuses a shorter one', () => {
    for (const cp of Object.keys(CHECKPOINT_MINUTES) as CheckpointName[]) {
      const phase: PhaseNumber = cp === '30m' ? 5 : 25;
      const at = (m: number) => decide(green(phase, cp, m)).checks.find((c) => c.name === 'window')!.status;
      expect(at(CHECKPOINT_EARLIEST_MINUTES[cp])).toBe('pass');
      expect(at(CHECKPOINT_EARLIEST_MINUTES[cp] - 1)).toBe('no_data');
    }
  });

  it('refuses pairs that are not runbook checkpoints', () => {
    expect(checkpointRule(5, '48h')).toHaveProperty('error');
    expect(checkpointRule(25, '30m')).toHaveProperty('error');
    expect(checkpointRule(100, '24h')).toHaveProperty('error');
    expect(checkpointRule(10, '2h')).toHaveProperty('error');
    expect(checkpointRule(5, '1h')).toHaveProperty('error');
    expect(() => decide(green(5, '48h'))).toThrow(/no 48h checkpoint/);
  });

  it('maps verdicts to the exit codes of the contract', () => {
    expect(GATE_EXIT).toEqual({ promote: 0, continue: 0, rollback: 1, usage: 2, inconclusive: 3, marginal: 4 });
  });
});

describe('longestRunMinutes', () => {
  const below90 = (v: number) => v < 90;
  const pts = (values: number[], start = T0): Point[] => values.map((v, i) => [start + i * 60, v]);
  it('counts consecutive minutes', () => {
    expect(longestRunMinutes(pts([99, 80, 80, 80, 99, 80]), below90)).toEqual({ minutes: 3, from: T0 + 60 });
    expect(longestRunMinutes(pts([99, 99]), below90).minutes).toBe(0);
    expect(longestRunMinutes([], below90).minutes).toBe(0);
  });
  it('breaks a run at NaN and at a gap in the series', () => {
    expect(longestRunMinutes(pts([80, 80, Number.NaN, 80, 80]), below90).minutes).toBe(2);
    const gap: Point[] = [...pts([80, 80, 80]), ...pts([80, 80], T0 + 10 * 60)];
    expect(longestRunMinutes(gap, below90).minutes).toBe(3);
  });
});

describe('decide: --time-scale', () => {
  const SCALE = 1 / 60;
  /** Green evidence for a window of `minutes` runbook minutes at a time scale, series at the scaled step. */
  function scaledGreen(scale: number, phase: PhaseNumber, checkpoint: CheckpointName, minutes = CHECKPOINT_MINUTES[checkpoint]): GateEvidence {
    const { seriesStepSeconds: step } = scaledTimes(scale);
    const seconds = Math.round(minutes * 60 * scale);
    const pts = (v: number) => Array.from({ length: Math.floor(seconds / step) }, (_, i) => [T0 + (i + 1) * step, v] as Point);
    return {
      ...green(phase, checkpoint, minutes),
      timeScale: scale,
      window: { start: T0, end: T0 + seconds },
      cbOpensMax24h: minutes > 1440 ? measured(0) : undefined,
      successRateSeries: measured(pts(99)),
      p95Series: measured(pts(0.4)),
    };
  }
  /** `n` consecutive bad points from the 10th on. */
  const withRun = (s: Measured<readonly Point[]>, bad: number, n: number) => measured(s.ok ? s.value.map(([t, v], i) => [t, i >= 10 && i < 10 + n ? bad : v] as Point) : []);

  it('keeps the runbook constants at 1 and shrinks them, in whole seconds, below it', () => {
    expect(scaledTimes()).toEqual({ scale: 1, seriesStepSeconds: 60, seriesRateWindow: '5m', day: '24h', daySeconds: 86400, dayMinutes: 1440 });
    expect(scaledTimes(SCALE)).toEqual({ scale: SCALE, seriesStepSeconds: 1, seriesRateWindow: '5s', day: '1440s', daySeconds: 1440, dayMinutes: 1440 });
    expect(scaledTimes(0.1)).toMatchObject({ seriesStepSeconds: 6, seriesRateWindow: '30s' });
    // a rate needs samples in its window, and a step is at least a second
    expect(scaledTimes(0.001)).toMatchObject({ seriesStepSeconds: 1, seriesRateWindow: `${MIN_SCALED_RATE_WINDOW_SECONDS}s`, daySeconds: 86 });
    for (const bad of [0, -0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => scaledTimes(bad)).toThrow(RangeError);
      expect(() => decide({ ...green(5, '30m'), timeScale: bad })).toThrow(/time scale/);
    }
  });

  it('scales the sustained series and the sliding 24h in the queries, not the window totals', () => {
    const plain = gateQueries(DEFAULT_CANARY_SELECTOR, 1800, canaryAlertGroup.alerts);
    const scaled = gateQueries(DEFAULT_CANARY_SELECTOR, 1800, canaryAlertGroup.alerts, SCALE);
    expect(gateQueries(DEFAULT_CANARY_SELECTOR, 1800, canaryAlertGroup.alerts, 1)).toEqual(plain);
    expect(plain.successRateSeries).toContain('[5m]');
    expect(scaled.successRateSeries).toBe(plain.successRateSeries.replaceAll('[5m]', '[5s]'));
    expect(scaled.p95Series).toBe(plain.p95Series.replaceAll('[5m]', '[5s]'));
    for (const k of ['deliveries', 'successes', 'p95', 'cbOpens', 'criticalAlerts'] as const) expect(scaled[k]).toBe(plain[k]);
  });

  it('a scale of 1 decides exactly as no scale', () => {
    for (const c of combos) {
      const e = green(c.phase, c.checkpoint);
      expect(decide({ ...e, timeScale: 1 })).toEqual(decide(e));
    }
    expect(decide(green(5, '30m')).time_scale).toBe(1);
  });

  it.each([SCALE, 0.0166667])('accepts a window of the scaled checkpoint length and refuses a shorter one (scale %s)', (scale) => {
    const ok = decide(scaledGreen(scale, 5, '30m', CHECKPOINT_EARLIEST_MINUTES['30m']));
    expect(ok.verdict).toBe('continue');
    expect(ok.time_scale).toBe(scale);
    const window = ok.checks.find((c) => c.name === 'window')!;
    expect(window).toMatchObject({ status: 'pass', value: 25, target: '25..35 scaled min' });
    expect(window.detail).toMatch(/^25 scaled minutes \(25 s at time scale 0\.0166667\) from /);
    const short = decide(scaledGreen(scale, 5, '30m', CHECKPOINT_EARLIEST_MINUTES['30m'] - 1));
    expect(short.verdict).toBe('inconclusive');
    expect(short.reasons).toEqual(['The window covers 24 scaled minutes (24 s at time scale 0.0166667), but the T+30m checkpoint needs at least 25 scaled minutes.']);
  });

  it('the same 25 s window without a time scale is not a T+30m checkpoint', () => {
    const e = scaledGreen(SCALE, 5, '30m', CHECKPOINT_EARLIEST_MINUTES['30m']);
    delete e.timeScale;
    const d = decide(e);
    expect(d.verdict).toBe('inconclusive');
    expect(d.checks.find((c) => c.name === 'window')).toMatchObject({ status: 'no_data', target: `${CHECKPOINT_EARLIEST_MINUTES['30m']}..${CHECKPOINT_LATEST_MINUTES['30m']} min` });
    // per-second points are no per-minute run: 6 bad seconds are not 6 minutes
    const run = decide({ ...e, successRateSeries: withRun(e.successRateSeries, sr.critical - 1, sr.sustainedMinutes + 1) });
    expect(run.checks.find((c) => c.name === 'sustained_success_rate')!.status).toBe('pass');
  });

  it('a scaled sustained success-rate breach rolls back; exactly the scaled limit does not', () => {
    const e = scaledGreen(SCALE, 5, '30m');
    const over = decide({ ...e, successRateSeries: withRun(e.successRateSeries, sr.critical - 1, sr.sustainedMinutes + 1) });
    expect(over.verdict).toBe('rollback');
    const c = over.checks.find((x) => x.name === 'sustained_success_rate')!;
    // 6 points a second apart have held for 5 scaled minutes: what the alert's scaled for needs
    expect(c).toMatchObject({ status: 'critical', value: sr.sustainedMinutes, target: `held < ${sr.sustainedMinutes} scaled min below ${sr.critical}%` });
    expect(c.detail).toBe(
      `Success rate was below ${sr.critical}% for 5 consecutive scaled minutes (5 s at time scale 0.0166667) from 2025-11-13T09:00:11Z (rollback once it holds 5 scaled minutes, as the alert's for).`,
    );
    const at = decide({ ...e, successRateSeries: withRun(e.successRateSeries, sr.critical - 1, sr.sustainedMinutes) });
    expect(at.verdict).toBe('continue');
    expect(at.checks.find((x) => x.name === 'sustained_success_rate')!.detail).toBe('longest breach held 4 scaled min');
  });

  it('a scaled sustained p95 breach rolls back at a coarser scale too', () => {
    const e = scaledGreen(0.1, 5, '2h');
    expect(scaledTimes(0.1).seriesStepSeconds).toBe(6);
    const over = decide({ ...e, p95Series: withRun(e.p95Series, lat.critical / 1000 + 1, lat.sustainedMinutes + 1) });
    expect(over.verdict).toBe('rollback');
    expect(over.checks.find((x) => x.name === 'sustained_p95_latency')).toMatchObject({ status: 'critical', value: lat.sustainedMinutes });
    expect(decide({ ...e, p95Series: withRun(e.p95Series, lat.critical / 1000 + 1, lat.sustainedMinutes) }).verdict).toBe('continue');
  });

  it('pro-rates circuit breaker opens per scaled day, and checks the scaled 24h of a 48h window', () => {
    const at = (phase: PhaseNumber, cp: CheckpointName, opens: number) =>
      decide({ ...scaledGreen(SCALE, phase, cp), cbOpens: measured(opens), cbOpensMax24h: CHECKPOINT_MINUTES[cp] > 1440 ? measured(opens) : undefined }).checks.find(
        (c) => c.name === 'circuit_breaker_opens',
      )!;
    expect(at(5, '30m', 1)).toMatchObject({ status: 'warn', target: '< 0.104 in 30 scaled min (5/scaled day; rollback > 10 in any scaled 24h)' });
    expect(at(5, '24h', 4).status).toBe('pass');
    expect(at(5, '24h', 5).status).toBe('fail');
    expect(at(25, '48h', 9).status).toBe('pass');
    const storm = decide({ ...scaledGreen(SCALE, 25, '48h'), cbOpens: measured(9), cbOpensMax24h: measured(cb.critical + 1) });
    expect(storm.verdict).toBe('rollback');
    expect(storm.reasons).toEqual([`Circuit breakers opened 11 times within a scaled 24h (1440 s at time scale 0.0166667) (rollback above ${cb.critical} in any scaled 24h).`]);
  });

  it('records the scale in the JSON and the table only when it is not 1', () => {
    const result = (e: GateEvidence): GateResult => ({
      ...decide(e),
      window: { start: '2025-11-13T09:00:00Z', end: '2025-11-13T09:00:25Z' },
      selector: DEFAULT_CANARY_SELECTOR,
      source: 'http://127.0.0.1:9090',
      rules: null,
      series: { success_rate: [], p95_ms: [] },
      fired_alerts: [],
      queries: gateQueries(DEFAULT_CANARY_SELECTOR, 25, canaryAlertGroup.alerts, e.timeScale),
      http_requests: 8,
    });
    const scaled = result(scaledGreen(SCALE, 5, '30m'));
    expect(verdictJson(scaled).time_scale).toBe(SCALE);
    expect(verdictTable(scaled)).toMatch(/^time scale 0\.0166667: every time constant of the rules is multiplied by it \(1 s stands for 60 s\)/m);
    const plain = result(green(5, '30m'));
    expect(verdictJson(plain)).not.toHaveProperty('time_scale');
    expect(verdictTable(plain)).not.toMatch(/time scale|scaled/);
  });
});

describe('decide: the checks as a list (each check a unit)', () => {
  it('lists every built-in check by its typed name, in order (canary_vs_baseline only with a baseline)', () => {
    const d = decide(green(5, '30m'));
    expect(d.checks.map((c) => c.name)).toEqual(BUILTIN_CHECK_NAMES.filter((n) => n !== 'canary_vs_baseline'));
  });

  it('a runbook may leave a check out: the verdict does not look at it, and says so', () => {
    const rb = { ...flagship, gateChecks: { omit: ['pii_leaks'] as const } };
    const d = decideWith({ ...green(5, '24h'), piiLeaks: measured(3) }, rb);
    expect(d.verdict).toBe('promote');
    expect(d.checks.map((c) => c.name)).not.toContain('pii_leaks');
    expect(d.notes).toEqual(['The runbook leaves out the pii_leaks check.']);
  });

  it('a runbook may add its own check with its own evidence, and the verdict follows its status', () => {
    const dlq: RunbookCheck = {
      name: 'custom_dlq_size',
      doc: 'The dead letter queue stays below 100 entries.',
      queries: ({ selector }) => ({ dlq: `max(webhook_dlq_size${selector})` }),
      evaluate: ({ evidence }) => {
        const v = evidence.extra?.dlq;
        if (!v?.ok) return { value: null, status: 'no_data', target: '< 100', detail: 'DLQ size unknown.' };
        return v.value < 100 ? { value: v.value, status: 'pass', target: '< 100', detail: `${v.value} entries` } : { value: v.value, status: 'critical', target: '< 100', detail: `DLQ holds ${v.value} entries.` };
      },
    };
    const rb = { ...flagship, gateChecks: { add: [dlq] } };
    expect(decideWith({ ...green(5, '2h'), extra: { dlq: measured(12) } }, rb).verdict).toBe('continue');
    const full = decideWith({ ...green(5, '2h'), extra: { dlq: measured(250) } }, rb);
    expect(full.verdict).toBe('rollback');
    expect(full.reasons).toEqual(['DLQ holds 250 entries.']);
    expect(full.checks.at(-1)!.name).toBe('custom_dlq_size');
    expect(decideWith(green(5, '2h'), rb).verdict).toBe('inconclusive');
    // the library API takes a list directly too
    expect(decide({ ...green(5, '2h'), extra: { dlq: measured(250) } }, { checks: [...defaultChecks, dlq] }).verdict).toBe('rollback');
  });

  it('thresholds are data: a stricter success target turns 97% into a miss', () => {
    const strict = { ...defaultThresholds, successRate: { ...defaultThresholds.successRate, target: 98 } };
    const e = { ...green(5, '30m'), successes: measured(9_700) };
    expect(decide(e).verdict).toBe('continue');
    expect(decide(e, { thresholds: strict }).verdict).toBe('marginal');
  });
});

describe('decide: fail-closed cases', () => {
  // (7) a T+2h gate run 25 hours after T+0 passed its window check with 1,506 minutes
  it('a window past the checkpoint latest time is inconclusive: checkpoint missed; run the next one', () => {
    for (const cp of Object.keys(CHECKPOINT_MINUTES) as CheckpointName[]) {
      const phase: PhaseNumber = cp === '30m' ? 5 : 25;
      const at = (m: number) => decide(green(phase, cp, m));
      expect(at(CHECKPOINT_LATEST_MINUTES[cp]).verdict, cp).not.toBe('inconclusive');
      const late = at(CHECKPOINT_LATEST_MINUTES[cp] + 1);
      expect(late.verdict, cp).toBe('inconclusive');
      expect(late.reasons[0]).toMatch(/^checkpoint missed; run the next one/);
    }
    expect(decide(green(5, '2h', 1506)).reasons[0]).toMatch(/checkpoint missed; run the next one: the window covers 1506 minutes, past the T\+2h checkpoint's latest time of 130/);
    expect(CHECKPOINT_LATEST_MINUTES).toEqual({ '30m': 35, '2h': 130, '24h': 1470, '48h': 2910 });
  });

  it('a late checkpoint keeps evidence it found: a breach still rolls back', () => {
    expect(decide({ ...green(5, '2h', 1506), piiLeaks: measured(1) }).verdict).toBe('rollback');
  });

  // (3) --skip pii promoted at the final checkpoint
  it('a skipped scan at the final checkpoint is inconclusive and says to run the scan', () => {
    const d = decide({ ...green(5, '24h'), piiLeaks: 'skipped' });
    expect(d.verdict).toBe('inconclusive');
    expect(d.reasons).toEqual(['The PII scan was skipped (--skip pii), but the final T+24h checkpoint promotes only with no PII found: run the gate with --logs.']);
    // a missed target at the final checkpoint still rolls back
    expect(decide({ ...green(5, '24h'), piiLeaks: 'skipped', successes: measured(9_300) }).verdict).toBe('rollback');
  });

  // (4) rule evaluations not recorded by the backend: said in the reasons, not held against the verdict
  it('says when the backend does not record rule evaluations over the window', () => {
    const d = decide({ ...green(5, '24h'), rules: rulesWith({ coverage: { recorded: false, why: 'no prometheus_rule_group_last_evaluation_timestamp_seconds' } }) });
    expect(d.verdict).toBe('promote');
    expect(d.notes).toHaveLength(1);
    expect(d.reasons).toEqual(d.notes);
    expect(d.notes[0]).toMatch(/evaluations over the window are not recorded .*docs\/gate\.md/);
  });

  it('names the group and the difference when the rules were changed', () => {
    const d = decide({
      ...green(5, '2h'),
      rules: rulesWith({ report: { ...healthyGroup.report, ok: false, problems: [{ kind: 'rule_changed', rule: 'WebhookCanarySuccessRateCritical', field: 'for', expected: '300s', loaded: '600s' }] } }),
    });
    expect(d.verdict).toBe('inconclusive');
    expect(d.reasons.join('\n')).toMatch(/rule group webhook_canary: WebhookCanarySuccessRateCritical differs in for \(generated 300s, loaded 600s\)/);
  });

  // (6) the alert fires after for: 5m; the gate needed more than 5 consecutive minutes
  it('a breach that held for the alert for (6 points a minute apart) is sustained, as the alert fires', () => {
    const d = decide({ ...green(5, '2h'), successRateSeries: measured(seriesWithRun(120, 99, sr.critical - 1, sr.sustainedMinutes + 1)) });
    const c = d.checks.find((x) => x.name === 'sustained_success_rate')!;
    expect(c).toMatchObject({ status: 'critical', value: sr.sustainedMinutes });
    // 5 points have held 4 minutes: the alert with for 5m would not fire either
    const short = decide({ ...green(5, '2h'), successRateSeries: measured(seriesWithRun(120, 99, sr.critical - 1, sr.sustainedMinutes)) });
    expect(short.checks.find((x) => x.name === 'sustained_success_rate')).toMatchObject({ status: 'pass', value: sr.sustainedMinutes - 1 });
  });
});
