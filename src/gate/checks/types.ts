// What a gate check is: a small named unit that turns the window's evidence into one
// status. The verdict is computed from the statuses alone (src/gate/verdict.ts).
import type { CheckpointName, GateThresholds, Runbook } from '../../contract/runbook.ts';
import type { CheckStatus, GateEvidence, GateMetrics, scaledTimes } from '../evidence.ts';

/** The checks slogate ships, in the order the verdict lists them. */
export const BUILTIN_CHECK_NAMES = [
  'window',
  'deliveries',
  'success_rate',
  'p95_latency',
  'sustained_success_rate',
  'sustained_p95_latency',
  'circuit_breaker_opens',
  'pii_leaks',
  'critical_alerts',
  'rules_health',
  'canary_vs_baseline',
] as const;

export type BuiltinCheckName = (typeof BUILTIN_CHECK_NAMES)[number];
/**
 * Every check's name. A runbook's own check is named `custom_<what>` (a queue-depth check:
 * `custom_queue_depth`), so it can't collide with a built-in one and still has a type.
 */
export type CheckName = BuiltinCheckName | `custom_${string}`;

/** One row of the verdict. */
export interface Check {
  name: CheckName;
  value: number | null;
  status: CheckStatus;
  target: string;
  detail: string;
}

/** What a check says: its row, and optionally a longer reason, notes and metrics. */
export interface CheckOutcome {
  value: number | null;
  status: CheckStatus;
  target: string;
  detail: string;
  /** The sentence for the verdict's reasons when the check did not pass (default: detail). */
  reason?: string;
  /** Said in the reasons whatever the status: evidence the check could not fully prove. */
  notes?: string[];
  /** Values for the verdict's metrics block. */
  metrics?: Partial<GateMetrics>;
  /** Evidence deliberately not gathered (`--skip`), by its skip key. */
  skipped?: string;
}

/** Everything a check may read: the evidence and what the checkpoint rules make of it. */
export interface CheckContext {
  readonly evidence: GateEvidence;
  readonly checkpoint: CheckpointName;
  /** The phase's final checkpoint: promote or rollback, never continue. */
  readonly final: boolean;
  /** The runbook whose rules apply (checkpoint times, windows). */
  readonly runbook: Runbook;
  /** The numbers the checks are built from: the runbook's gates, or a caller's. */
  readonly thresholds: GateThresholds;
  /** A missed target: `fail` at the final checkpoint (a rollback), `warn` before it. */
  readonly missStatus: CheckStatus;
  /** Window length in (scaled) minutes. */
  readonly windowMinutes: number;
  readonly times: ReturnType<typeof scaledTimes>;
  readonly scaled: boolean;
  /** Real minutes to (scaled) minutes. */
  toScaled(realMinutes: number): number;
  /** Deliveries in the window (null when unknown) and whether they are enough to judge rates. */
  readonly traffic: { readonly deliveries: number | null; readonly low: boolean; readonly note: string };
  readonly words: {
    /** `min` or `scaled min`. */
    readonly min: string;
    /** `minutes` or `scaled minutes`. */
    readonly minutes: string;
    /** "6 minutes", or "6 scaled minutes (6 s at time scale 0.0166667)". */
    said(m: number, digits?: number): string;
    /** "6 consecutive minutes". */
    consecutive(m: number): string;
  };
}

/** Instant queries a check adds to the gate's, evaluated at the window's end. */
export interface CheckQueryContext {
  /** The canary's selector, `{...}`. */
  readonly selector: string;
  /** The window as a PromQL duration (`1800s`). */
  readonly window: string;
}

export interface GateCheck {
  readonly name: CheckName;
  /** One line: what the check proves. */
  readonly doc: string;
  /**
   * Extra evidence, by key: the gate runs each query and hands the first value to the
   * check as `evidence.extra[key]`. Built-in checks read the built-in evidence instead.
   */
  readonly queries?: (q: CheckQueryContext) => Readonly<Record<string, string>>;
  evaluate(ctx: CheckContext): CheckOutcome;
}
