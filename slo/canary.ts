// The canary runbook's SLO gates and rollout phases, as data. Alerts, dashboards,
// the gate and the reports import these numbers; none of them types a second copy.

export interface GateThreshold {
  /** Value that must be met for a green gate. */
  readonly target: number;
  /** Value past which the runbook demands an immediate rollback. */
  readonly critical: number;
  readonly unit: string;
}

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
} as const;

export type CheckpointName = '30m' | '2h' | '24h' | '48h';

export interface RateLimit {
  readonly qps: number;
  readonly burst: number;
  readonly maxInflight: number;
}

export interface CanaryPhase {
  /** Traffic share in percent. */
  readonly phase: 5 | 25 | 100;
  readonly durationHours: number | null;
  readonly checkpoints: readonly CheckpointName[];
  /** The checkpoint whose green result promotes to `next`. */
  readonly finalCheckpoint: CheckpointName | null;
  readonly next: 25 | 100 | null;
  /** Instances that carry this phase's traffic (the runbook's webhook-sender-NNN). */
  readonly instances: { readonly from: number; readonly to: number };
  readonly rateLimit: RateLimit;
}

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

export const CHECKPOINT_MINUTES: Readonly<Record<CheckpointName, number>> = {
  '30m': 30,
  '2h': 120,
  '24h': 1440,
  '48h': 2880,
};

/**
 * How early each checkpoint may be taken, in minutes after T+0: the runbook's checkpoint
 * timelines (T+30m: from T+25m, T+2h: from T+1h55m, T+24h: from T+23h50m; T+48h by the
 * same 10 minutes). A shorter window is not the evidence the checkpoint asks for.
 */
export const CHECKPOINT_EARLIEST_MINUTES: Readonly<Record<CheckpointName, number>> = {
  '30m': 25,
  '2h': 115,
  '24h': 1430,
  '48h': 2870,
};

/** The instance naming scheme of the runbook (webhook-sender-001 …). */
export const INSTANCE_NAME_PATTERN = 'webhook-sender-%03d';

/** Where people talk about the rollout. */
export const canaryChannels = { ops: '#platform-ops', incidents: '#incidents', team: '#platform-team' } as const;
