// The numbers the gate's checks are built from. One place reads them from the runbook's
// definitions, so the checks themselves take thresholds as data.
import { canaryGates } from '../../slo/canary.ts';

interface Threshold {
  /** Value that must be met for a green gate. */
  readonly target: number;
  /** Value past which the runbook demands an immediate rollback. */
  readonly critical: number;
  readonly unit: string;
}

export interface GateThresholds {
  /** Success rate in percent: >= target is green, < critical is a rollback (sustained: see src/contract/sustained.ts). */
  readonly successRate: Threshold & { readonly sustainedMinutes: number };
  /** p95 delivery latency in ms: < target is green, > critical is a rollback. */
  readonly p95LatencyMs: Threshold & { readonly sustainedMinutes: number };
  /** Circuit breaker opens per 24h: < target is green, > critical is a rollback. */
  readonly circuitBreakerOpensPerDay: Threshold;
  /** Log lines with PII: anything above target is a rollback. */
  readonly piiLeaks: Threshold;
  /** Fewer deliveries than this in the window is not enough evidence to decide. */
  readonly minDeliveries: number;
}

/** The flagship runbook's thresholds. */
export const defaultThresholds: GateThresholds = canaryGates;
