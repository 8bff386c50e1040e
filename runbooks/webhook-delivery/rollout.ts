// The canary runbook's SLO gates, rollout phases, checkpoints and time policy, as data.
// Alerts and dashboards import these numbers; the engines read them from the Runbook.
import type { BaselinePolicy, CanaryPhase, CheckpointTimes, GateThresholds, RollbackPolicy, RunbookWindows } from '../../src/contract/runbook.ts';

export const canaryGates = {
  /** Success rate in percent: >= target is green, < critical is a rollback. */
  successRate: { target: 95, critical: 90, unit: 'percent', sustainedMinutes: 5 },
  /** p95 delivery latency in milliseconds: < target is green, > critical is a rollback. */
  p95LatencyMs: { target: 2000, critical: 5000, unit: 'ms', sustainedMinutes: 10 },
  /** Circuit breaker opens per 24h: < target is green, > critical is a rollback. */
  circuitBreakerOpensPerDay: { target: 5, critical: 10, unit: 'opens/24h' },
  /** Lines of canary logs with PII: anything above target is a rollback. */
  piiLeaks: { target: 0, critical: 0, unit: 'lines' },
  /** Fewer deliveries than this in the window is not enough evidence to decide. */
  minDeliveries: 100,
  /**
   * The canary's logs must be dated across the checkpoint window: a stretch longer than
   * this with no line (a sixth of the window, at most 15 minutes) leaves the PII check
   * without evidence for it.
   */
  logCoverage: { maxGapMinutes: 15, maxGapShareOfWindow: 1 / 6 },
} as const satisfies GateThresholds;

/**
 * Canary vs baseline: Kayenta's confidence and tolerance. The effect sizes are ours: a
 * significant difference counts only when the canary's mean success rate is at least 1%
 * below the baseline's, or its mean p95 at least 20% above (Kayenta's default, 1, counts any
 * significant difference, and per-minute 5m-rate series overlap, so noise can look significant).
 * No selector: the comparison runs when `slogate gate --baseline` names the baseline.
 */
export const canaryBaseline = {
  confidence: 0.98,
  tolerance: 0.25,
  successRateAllowedDecrease: 0.99,
  p95AllowedIncrease: 1.2,
  minMinutes: 20,
} as const satisfies BaselinePolicy;

export type CheckpointName = '30m' | '2h' | '24h' | '48h';

export const canaryPhases: readonly CanaryPhase[] = [
  {
    phase: 5,
    durationHours: 24,
    checkpoints: ['30m', '2h', '24h'],
    finalCheckpoint: '24h',
    next: 25,
    instances: { from: 1, to: 5 },
    rateLimit: { qps: 10, burst: 20, maxInflight: 100 },
  },
  {
    phase: 25,
    durationHours: 48,
    checkpoints: ['2h', '24h', '48h'],
    finalCheckpoint: '48h',
    next: 100,
    instances: { from: 1, to: 25 },
    rateLimit: { qps: 50, burst: 100, maxInflight: 500 },
  },
  {
    phase: 100,
    durationHours: null,
    checkpoints: [],
    finalCheckpoint: null,
    next: null,
    instances: { from: 1, to: 100 },
    rateLimit: { qps: 200, burst: 400, maxInflight: 2000 },
  },
];

/**
 * Each checkpoint's time and how early and late it may be taken, in minutes after T+0:
 * the runbook's timelines (T+30m: T+25m to T+35m, T+2h: T+1h55m to T+2h10m, T+24h:
 * T+23h50m to T+24h30m; T+48h by the same margins as T+24h). A shorter window is not the
 * evidence the checkpoint asks for.
 */
export const canaryCheckpoints: Readonly<Record<CheckpointName, CheckpointTimes>> = {
  '30m': { minutes: 30, earliestMinutes: 25, latestMinutes: 35 },
  '2h': { minutes: 120, earliestMinutes: 115, latestMinutes: 130 },
  '24h': { minutes: 1440, earliestMinutes: 1430, latestMinutes: 1470 },
  '48h': { minutes: 2880, earliestMinutes: 2870, latestMinutes: 2910 },
};

/** The time policy alerts, dashboards, SLO rules and the gate share. */
export const canaryWindows: RunbookWindows = {
  rate: '5m',
  seriesStepSeconds: 60,
  latencyQuantile: 0.95,
  circuitBreakerDay: '24h',
  warningFor: '10m',
};

/**
 * Rollback step 3: in-flight deliveries get this long to drain before the canary's delivery
 * rate must read 0 (the runbook waits 5 minutes, and gives the step until minute 10).
 */
export const rollbackDrain: RollbackPolicy = { drainMinutes: 5, deadlineMinutes: 10, rateWindow: '1m' };

/** The instance naming scheme of the runbook (webhook-sender-001 …). */
export const INSTANCE_NAME_PATTERN = 'webhook-sender-%03d';

/** Where people talk about the rollout. */
export const canaryChannels = { ops: '#platform-ops', incidents: '#incidents', team: '#platform-team' } as const;
