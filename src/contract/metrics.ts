// The metric contract of the webhook delivery service. Rules, dashboards, the gate,
// the instrumentation module and docs/metrics.md are all built from this one table.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  /** Exposition name (for counters including the `_total` suffix). */
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  /** Labels beyond the scrape labels `job`, `instance` and `track`. */
  readonly labels: readonly string[];
  /** Histogram bucket upper bounds (without +Inf). */
  readonly buckets?: readonly number[];
  /** Who publishes it: the delivery service, slogate's scanner, or Prometheus itself. */
  readonly source: 'service' | 'scanner' | 'prometheus';
}

/**
 * The roles the engines query, each naming one of the service's metrics. The gate needs the
 * first four; the evidence draws its retry histogram from `deliveryAttempts` when given.
 * Further roles name metrics a runbook's own alerts and dashboards use.
 */
export interface MetricContract {
  /** Counter of deliveries (requests, jobs) that reached a final outcome. */
  readonly deliveryTotal: MetricDef;
  /** Counter of those that succeeded. */
  readonly deliverySuccessTotal: MetricDef;
  /** Histogram of the time to a final outcome, in seconds. */
  readonly deliveryDuration: MetricDef;
  /** Counter of circuit breaker trips (may stay absent until the first one). */
  readonly circuitBreakerOpens: MetricDef;
  /** Histogram of attempts per delivery. */
  readonly deliveryAttempts?: MetricDef;
  readonly [role: string]: MetricDef | undefined;
}

/** The queries' view of the contract: just the metrics a PromQL builder reads. */
export type QueryMetrics = Pick<MetricContract, 'deliveryTotal' | 'deliverySuccessTotal' | 'deliveryDuration' | 'circuitBreakerOpens'>;

// The flagship webhook delivery service's contract (runbooks/webhook-delivery) and what the
// instrumentation module (src/instrument) publishes.
export const SCRAPE_JOB = 'webhook-sender';
export const CANARY_TRACK = 'canary';
/** The track of the instances still running the current release: the canary's baseline. */
export const STABLE_TRACK = 'stable';
/** Labels every series of the service carries. */
export const SCRAPE_LABELS = ['job', 'instance', 'track'] as const;

export const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60] as const;
export const ATTEMPT_BUCKETS = [1, 2, 3, 4, 5, 6] as const;

export const metrics = {
  deliveryTotal: {
    name: 'webhook_delivery_total',
    type: 'counter',
    help: 'Deliveries that reached a final outcome (delivered, or failed after retries).',
    labels: [],
    source: 'service',
  },
  deliverySuccessTotal: {
    name: 'webhook_delivery_success_total',
    type: 'counter',
    help: 'Deliveries that succeeded.',
    labels: [],
    source: 'service',
  },
  deliveryDuration: {
    name: 'webhook_delivery_duration_seconds',
    type: 'histogram',
    help: 'Time from first attempt to final outcome, in seconds.',
    labels: [],
    buckets: DURATION_BUCKETS,
    source: 'service',
  },
  deliveryAttempts: {
    name: 'webhook_delivery_attempts',
    type: 'histogram',
    help: 'Attempts per delivery (the retry histogram).',
    labels: [],
    buckets: ATTEMPT_BUCKETS,
    source: 'service',
  },
  circuitBreakerOpens: {
    name: 'webhook_circuit_breaker_opens_total',
    type: 'counter',
    help: 'Transitions of a per-endpoint circuit breaker to open.',
    labels: ['endpoint'],
    source: 'service',
  },
  circuitBreakerState: {
    name: 'webhook_circuit_breaker_state',
    type: 'gauge',
    help: 'Circuit breaker state per endpoint: 0 closed, 1 half-open, 2 open.',
    labels: ['endpoint'],
    source: 'service',
  },
  queueDepth: {
    name: 'webhook_queue_depth',
    type: 'gauge',
    help: 'Pending delivery jobs.',
    labels: [],
    source: 'service',
  },
  dlqSize: {
    name: 'webhook_dlq_size',
    type: 'gauge',
    help: 'Entries in the dead letter queue.',
    labels: [],
    source: 'service',
  },
  inflightDeliveries: {
    name: 'webhook_inflight_deliveries',
    type: 'gauge',
    help: 'Deliveries in progress.',
    labels: [],
    source: 'service',
  },
  rateLimitedTotal: {
    name: 'webhook_rate_limited_total',
    type: 'counter',
    help: "Deliveries delayed by the sender's token bucket.",
    labels: [],
    source: 'service',
  },
  rateLimitQps: {
    name: 'webhook_rate_limit_qps',
    type: 'gauge',
    help: "Refill rate of the sender's token bucket: the deliveries per second it allows.",
    labels: [],
    source: 'service',
  },
  piiLeakLines: {
    name: 'pii_scan_leak_lines',
    type: 'gauge',
    help: "Lines with PII found by the last log scan (published by slogate's scanner).",
    labels: ['category'],
    source: 'scanner',
  },
  up: {
    name: 'up',
    type: 'gauge',
    help: 'Scrape health of job webhook-sender (1 up, 0 down).',
    labels: [],
    source: 'prometheus',
  },
} as const satisfies MetricContract;

export const CIRCUIT_BREAKER_STATES = { closed: 0, halfOpen: 1, open: 2 } as const;

/** PII categories, in the order reports list them. */
export const PII_CATEGORIES = ['email', 'username', 'ip', 'phone', 'card'] as const;
export type PiiCategory = (typeof PII_CATEGORIES)[number];

/** Every series name the contract allows in a query (histograms expand to their series). */
export function contractSeriesNames(contract: MetricContract): Set<string> {
  const out = new Set<string>(['ALERTS', 'ALERTS_FOR_STATE']);
  for (const m of Object.values(contract)) {
    if (!m) continue;
    if (m.type === 'histogram') {
      for (const s of ['_bucket', '_sum', '_count']) out.add(m.name + s);
    } else {
      out.add(m.name);
    }
  }
  return out;
}
