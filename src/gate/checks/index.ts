// The gate's checks, as a list. A runbook may pass its own list: leave one out, or add a
// `custom_*` check with its own queries; the verdict is computed from whatever ran.
import { criticalAlertsCheck } from './alerts.ts';
import { circuitBreakerCheck } from './circuit-breakers.ts';
import { deliveriesCheck } from './deliveries.ts';
import { p95LatencyCheck } from './p95-latency.ts';
import { piiCheck } from './pii.ts';
import { rulesHealthCheck } from './rules-health.ts';
import { successRateCheck } from './success-rate.ts';
import { sustainedP95LatencyCheck, sustainedSuccessRateCheck } from './sustained.ts';
import { windowCheck } from './window.ts';
import type { Runbook } from '../../contract/runbook.ts';
import type { GateCheck } from './types.ts';
import { canaryVsBaselineCheck } from './canary-vs-baseline.ts';

/** The built-in checks, in the order the verdict lists them. */
export const defaultChecks: readonly GateCheck[] = [
  windowCheck,
  deliveriesCheck,
  successRateCheck,
  p95LatencyCheck,
  sustainedSuccessRateCheck,
  sustainedP95LatencyCheck,
  circuitBreakerCheck,
  piiCheck,
  criticalAlertsCheck,
  rulesHealthCheck,
];

export { baselineComparison } from './canary-vs-baseline.ts';
export {
  canaryVsBaselineCheck,
  criticalAlertsCheck,
  circuitBreakerCheck,
  deliveriesCheck,
  p95LatencyCheck,
  piiCheck,
  rulesHealthCheck,
  successRateCheck,
  sustainedP95LatencyCheck,
  sustainedSuccessRateCheck,
  windowCheck,
};
/**
 * The checks a runbook's gate runs: the built-in ones its `gateChecks.omit` does not name,
 * then its own. A runbook's check reads the part of the context the contract promises.
 */
export function checksOf(rb: Runbook): GateCheck[] {
  const omit = new Set<string>(rb.gateChecks?.omit ?? []);
  return [...defaultChecks.filter((c) => !omit.has(c.name)), ...(rb.gateChecks?.add ?? [])];
}

export { sustainedCheck } from './sustained.ts';
export { rulesProblems } from './rules-health.ts';
export { BUILTIN_CHECK_NAMES, type BuiltinCheckName, type Check, type CheckContext, type CheckName, type CheckOutcome, type CheckQueryContext, type GateCheck } from './types.ts';
