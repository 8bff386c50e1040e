// What the flagship's dashboards share beyond the library's kit: their tags and the
// fixed windows they may use, with why.
import { canaryWindows } from './rollout.ts';

/** Tags every generated dashboard carries. */
export const GENERATED_TAGS = ['generated', 'slogate', 'webhooks'];

/**
 * Fixed `rate`/`increase` windows a dashboard may use instead of `$__rate_interval`, and why.
 * The lint rejects any other fixed window.
 */
export const JUSTIFIED_WINDOWS: Readonly<Record<string, string>> = {
  [canaryWindows.circuitBreakerDay]: 'the circuit breaker gate counts opens per day (rollout.ts circuitBreakerOpensPerDay)',
};
