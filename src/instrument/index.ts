// The instrumentation a webhook delivery service imports: exactly the metrics of the
// contract (src/contract/metrics.ts), on a registry of its own, with typed helpers.
// A per-instance registry (not prom-client's global one) lets several services, or
// several simulated instances, live in one process without clashing names.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CIRCUIT_BREAKER_STATES, metrics, type MetricDef } from '../contract/metrics.ts';

export type DeliveryOutcome = 'success' | 'failure';
export type CircuitState = keyof typeof CIRCUIT_BREAKER_STATES;

export interface DeliveryRecord {
  outcome: DeliveryOutcome;
  /** From first attempt to final outcome. */
  durationSeconds: number;
  /** Attempts including the first (1 = no retry). */
  attempts: number;
}

export interface DeliveryMetricsOptions {
  /** Rollout track label (`canary`, `stable`, ...). Default: env `SLOGATE_TRACK`; unset means no label. */
  track?: string;
  /** Instance label. Unset by default: Prometheus sets `instance` from the scrape target. */
  instance?: string;
  /** Where `track` is read from when not given. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Endpoints whose circuit breakers exist from the start (their open counters export 0). */
  endpoints?: readonly string[];
}

/** The contract metrics this module registers: everything the service itself publishes. */
export const serviceMetricDefs: readonly MetricDef[] = (Object.values(metrics) as MetricDef[]).filter(
  (m) => m.source === 'service',
);

export const TRACK_ENV = 'SLOGATE_TRACK';

/** A count can't be negative or NaN; NaN would also make every `>` alert on it silently false. */
function count(what: string, n: number): number {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${what} must be a finite number >= 0, got ${n}`);
  return n;
}

export class DeliveryMetrics {
  readonly registry = new Registry();
  private readonly deliveryTotal: Counter;
  private readonly deliverySuccessTotal: Counter;
  private readonly deliveryDuration: Histogram;
  private readonly deliveryAttempts: Histogram;
  private readonly circuitBreakerOpens: Counter<string>;
  private readonly circuitBreakerState: Gauge<string>;
  private readonly queueDepth: Gauge;
  private readonly dlqSize: Gauge;
  private readonly inflightDeliveries: Gauge;
  private readonly rateLimitedTotal: Counter;
  private readonly rateLimitQps: Gauge;
  private readonly breakers = new Set<string>();

  constructor(options: DeliveryMetricsOptions = {}) {
    const env = options.env ?? process.env;
    const track = options.track ?? env[TRACK_ENV];
    const defaults: Record<string, string> = {};
    if (track) defaults.track = track;
    if (options.instance) defaults.instance = options.instance;
    this.registry.setDefaultLabels(defaults);

    const registers = [this.registry];
    const counter = (m: MetricDef) => new Counter({ name: m.name, help: m.help, labelNames: [...m.labels], registers });
    const gauge = (m: MetricDef) => new Gauge({ name: m.name, help: m.help, labelNames: [...m.labels], registers });
    const histogram = (m: MetricDef) =>
      new Histogram({ name: m.name, help: m.help, labelNames: [...m.labels], buckets: [...(m.buckets ?? [])], registers });

    this.deliveryTotal = counter(metrics.deliveryTotal);
    this.deliverySuccessTotal = counter(metrics.deliverySuccessTotal);
    this.deliveryDuration = histogram(metrics.deliveryDuration);
    this.deliveryAttempts = histogram(metrics.deliveryAttempts);
    this.circuitBreakerOpens = counter(metrics.circuitBreakerOpens);
    this.circuitBreakerState = gauge(metrics.circuitBreakerState);
    this.queueDepth = gauge(metrics.queueDepth);
    this.dlqSize = gauge(metrics.dlqSize);
    this.inflightDeliveries = gauge(metrics.inflightDeliveries);
    this.rateLimitedTotal = counter(metrics.rateLimitedTotal);
    this.rateLimitQps = gauge(metrics.rateLimitQps);
    for (const ep of options.endpoints ?? []) this.circuitBreaker(ep);
  }

  /**
   * An endpoint's circuit breaker exists (closed): its open counter is exported at 0 from
   * now on. Without the 0 the first open would appear as a new series at 1, and
   * `increase()` sees no increase in a single value, so that open would be lost.
   * Idempotent; `circuitOpened` and `setCircuitState` call it too.
   */
  circuitBreaker(endpoint: string): void {
    if (this.breakers.has(endpoint)) return;
    this.breakers.add(endpoint);
    this.circuitBreakerOpens.inc({ endpoint }, 0);
    this.circuitBreakerState.set({ endpoint }, CIRCUIT_BREAKER_STATES.closed);
  }

  /** A delivery reached its final outcome: delivered, or failed after its last retry. */
  recordDelivery({ outcome, durationSeconds, attempts }: DeliveryRecord): void {
    if (!(durationSeconds >= 0)) throw new RangeError(`durationSeconds must be >= 0, got ${durationSeconds}`);
    if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`attempts must be an integer >= 1, got ${attempts}`);
    this.deliveryTotal.inc();
    if (outcome === 'success') this.deliverySuccessTotal.inc();
    this.deliveryDuration.observe(durationSeconds);
    this.deliveryAttempts.observe(attempts);
  }

  /** An endpoint's circuit breaker tripped: counts the transition and sets the state gauge to open. */
  circuitOpened(endpoint: string): void {
    this.circuitBreaker(endpoint);
    this.circuitBreakerOpens.inc({ endpoint });
    this.circuitBreakerState.set({ endpoint }, CIRCUIT_BREAKER_STATES.open);
  }

  setCircuitState(endpoint: string, state: CircuitState): void {
    this.circuitBreaker(endpoint);
    this.circuitBreakerState.set({ endpoint }, CIRCUIT_BREAKER_STATES[state]);
  }

  setQueueDepth(n: number): void {
    this.queueDepth.set(count('queue depth', n));
  }

  setDlqSize(n: number): void {
    this.dlqSize.set(count('DLQ size', n));
  }

  setInflight(n: number): void {
    this.inflightDeliveries.set(count('in-flight deliveries', n));
  }

  /** Deliveries the token bucket held back (default one). */
  rateLimited(n = 1): void {
    this.rateLimitedTotal.inc(count('rate-limited deliveries', n));
  }

  /** The token bucket's configured refill rate (deliveries per second), so alerts can compare traffic with it. */
  setRateLimit(qps: number): void {
    this.rateLimitQps.set(count('rate limit', qps));
  }

  /** The Prometheus text exposition of this instance's metrics. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

export function createDeliveryMetrics(options: DeliveryMetricsOptions = {}): DeliveryMetrics {
  return new DeliveryMetrics(options);
}

export { metricsHandler, scrape, type ScrapeResponse } from './http.ts';
export { parseExposition, contractViolations, type ExpositionFamily, type ExpositionSample } from './exposition.ts';
export { PiiScanMetrics } from './pii-scan.ts';
