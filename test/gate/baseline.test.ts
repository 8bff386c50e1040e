// canary_vs_baseline in the decision core: a table of canary/baseline pairs at an
// intermediate and at the final checkpoint, the fail-closed minimum of baseline minutes, and
// the shared-dependency reason on breached absolute thresholds.
import { describe, expect, it } from 'vitest';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';
import { canaryBaseline, canaryGates } from '../../runbooks/webhook-delivery/rollout.ts';
import { decide, measured, missing, verdictJson, type GateEvidence, type GateResult, type Point } from '../../src/gate/index.ts';
import type { BaselineEvidence } from '../../src/gate/baseline.ts';
import type { RulesEvidence } from '../../src/gate/evidence.ts';

const T0 = Date.UTC(2025, 10, 13, 9) / 1000;
const BASE = '{job="webhook-sender",track="stable"}';
/** The alert group loaded as generated, evaluated throughout the window. */
const healthyRules: RulesEvidence = {
  groups: [{ report: { group: 'webhook_canary', ok: true, intervalSeconds: 60, lastEvaluation: T0, problems: [] }, coverage: { recorded: true, source: 'prometheus_rule_group_last_evaluation_timestamp_seconds', gaps: [] } }],
};

/** A per-minute series with a little deterministic spread around `mid`. */
function series(minutes: number, mid: number, spread: number): Point[] {
  return Array.from({ length: minutes }, (_, i) => [T0 + (i + 1) * 60, mid + spread * (((i * 37) % 11) / 10 - 0.5)] as Point);
}

function canary(minutes: number, sr: number, p95: number, over: Partial<GateEvidence> = {}): GateEvidence {
  return {
    checkpoint: minutes >= 1430 ? '24h' : '2h',
    phase: 5,
    window: { start: T0, end: T0 + minutes * 60 },
    minDeliveries: 100,
    deliveries: measured(10_000),
    successes: measured(sr * 100),
    p95Seconds: measured(p95),
    cbOpens: measured(0),
    criticalAlerts: measured([]),
    piiLeaks: measured(0),
    successRateSeries: measured(series(minutes, sr, 0.8)),
    p95Series: measured(series(minutes, p95, p95 * 0.2)),
    rules: measured(healthyRules),
    ...over,
  };
}

function baseline(minutes: number, sr: number, p95: number): BaselineEvidence {
  return {
    selector: BASE,
    deliveries: measured(10_000),
    successes: measured(sr * 100),
    p95Seconds: measured(p95),
    successRateSeries: measured(series(minutes, sr, 0.8).map(([t, v], i) => [t, v + ((i % 3) - 1) * 0.1] as Point)),
    p95Series: measured(series(minutes, p95, p95 * 0.2).map(([t, v], i) => [t, v * (1 + ((i % 4) - 1.5) * 0.01)] as Point)),
  };
}

const check = (d: ReturnType<typeof decide>) => d.checks.find((c) => c.name === 'canary_vs_baseline')!;

describe('canary_vs_baseline', () => {
  const rows: [string, GateEvidence, BaselineEvidence, string, string][] = [
    // name, canary, baseline, status at T+2h, verdict at T+2h
    ['healthy pair', canary(120, 99.4, 0.4), baseline(120, 99.5, 0.4), 'pass', 'continue'],
    ['canary p95 3x the baseline, under the absolute target', canary(120, 99.4, 1.5), baseline(120, 99.5, 0.45), 'warn', 'marginal'],
    ['canary success 3 points lower, above the target', canary(120, 96.5, 0.4), baseline(120, 99.5, 0.4), 'warn', 'marginal'],
    ['canary better than the baseline', canary(120, 99.9, 0.3), baseline(120, 98, 0.6), 'pass', 'continue'],
    ['p95 10% higher: within the allowed 1.2 mean ratio', canary(120, 99.5, 0.44), baseline(120, 99.5, 0.4), 'pass', 'continue'],
  ];
  for (const [name, c, b, status, verdict] of rows) {
    it(`${name}: ${status} / ${verdict}`, () => {
      const d = decide({ ...c, baseline: b }, flagship);
      expect(check(d).status, check(d).detail).toBe(status);
      expect(d.verdict).toBe(verdict);
      expect(d.baseline!.comparisons.map((x) => x.metric)).toEqual(['success_rate', 'p95_latency']);
      for (const x of d.baseline!.comparisons) {
        expect(x.canary_minutes).toBe(120);
        expect(x.baseline_minutes).toBe(120);
        expect(x.lower!).toBeLessThanOrEqual(x.estimate!);
        expect(x.upper!).toBeGreaterThanOrEqual(x.estimate!);
      }
    });
  }

  it('significantly worse at the final checkpoint fails: rollback', () => {
    const d = decide({ ...canary(1440, 99.4, 1.5), baseline: baseline(1440, 99.5, 0.45) }, flagship);
    expect(check(d).status).toBe('fail');
    expect(d.verdict).toBe('rollback');
    expect(check(d).detail).toMatch(/significantly worse than the baseline .*p95 \+\d+(\.\d+)? ms \(98% interval/);
    const p95 = d.baseline!.comparisons.find((x) => x.metric === 'p95_latency')!;
    expect(p95).toMatchObject({ worse: true, classification: 'high', allowed_effect: canaryBaseline.p95AllowedIncrease });
    expect(p95.effect_size!).toBeGreaterThan(3);
  });

  it(`fewer than ${canaryBaseline.minMinutes} minutes of baseline traffic is no_data (inconclusive), with the reason`, () => {
    const few = baseline(120, 99.5, 0.4);
    const nan: Point[] = series(120, 0, 0).map(([t], i) => [t, i < canaryBaseline.minMinutes - 1 ? 99 : Number.NaN]);
    const d = decide({ ...canary(120, 99.4, 0.4), baseline: { ...few, successRateSeries: measured(nan) } }, flagship);
    expect(check(d).status).toBe('no_data');
    expect(check(d).detail).toBe(`Canary vs baseline: fewer than ${canaryBaseline.minMinutes} minutes of baseline traffic (${canaryBaseline.minMinutes - 1} with ${BASE}).`);
    expect(d.verdict).toBe('inconclusive');
    const none = decide({ ...canary(120, 99.4, 0.4), baseline: { ...few, successRateSeries: missing(`no series match ${BASE} in the window`), p95Series: missing('x') } }, flagship);
    expect(check(none).detail).toMatch(/fewer than 20 minutes of baseline traffic \(0 with .*\) \(no series match/);
    expect(none.verdict).toBe('inconclusive');
  });

  it('a breach the baseline shares: the runbook rollback stands, the reason points at a shared dependency', () => {
    const e = canary(120, 70, 0.4, { successRateSeries: measured(series(120, 70, 2)) });
    const d = decide({ ...e, baseline: baseline(120, 70, 0.4) }, flagship);
    expect(d.verdict).toBe('rollback');
    const sr = d.checks.find((c) => c.name === 'success_rate')!;
    expect(sr.status).toBe('critical');
    expect(sr.detail).toMatch(/below the 90% rollback threshold\. The baseline .* is degraded too \(success rate 70%\): a dependency both tracks share is the likelier cause/);
    const sustained = d.checks.find((c) => c.name === 'sustained_success_rate')!;
    expect(sustained.detail).toMatch(/degraded too \(success rate below 90% for 120 consecutive minutes\)/);
    expect(d.reasons.filter((r) => r.includes('degraded too'))).toHaveLength(2);
    expect(check(d).status).toBe('pass');
  });

  it('a breach the baseline does not share gets no such note', () => {
    const e = canary(120, 70, 0.4, { successRateSeries: measured(series(120, 70, 2)) });
    const d = decide({ ...e, baseline: baseline(120, 99.5, 0.4) }, flagship);
    expect(d.verdict).toBe('rollback');
    expect(d.reasons.join(' ')).not.toContain('degraded too');
    expect(check(d).status).toBe('warn');
  });

  it('without a baseline there is no such check; with one the JSON carries the comparison', () => {
    expect(decide(canary(120, 99.4, 0.4), flagship).checks.some((c) => c.name === 'canary_vs_baseline')).toBe(false);
    const d = decide({ ...canary(120, 99.4, 0.4), baseline: baseline(120, 99.5, 0.4) }, flagship);
    const json = verdictJson({ ...d, window: { start: '', end: '' }, selector: '', source: '', series: { success_rate: [], p95_ms: [] }, fired_alerts: [], queries: {} as GateResult['queries'], http_requests: 0, rules: null });
    expect(json.baseline).toMatchObject({ selector: BASE, confidence: 0.98, tolerance: 0.25, min_minutes: 20, success_rate: 99.5 });
  });

  it('a runbook without a baseline policy refuses a baseline', () => {
    const { baseline: _, ...bare } = flagship;
    expect(() => decide({ ...canary(120, 99.4, 0.4), baseline: baseline(120, 99.5, 0.4) }, bare)).toThrow(/no baseline policy/);
  });

  it('the runbook keeps Kayenta confidence and tolerance', () => {
    expect(flagship.baseline).toEqual(canaryBaseline);
    expect(canaryBaseline).toMatchObject({ confidence: 0.98, tolerance: 0.25 });
    expect(canaryGates.successRate.critical).toBe(90);
  });
});
