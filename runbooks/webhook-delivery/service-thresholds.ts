// The service's own alert thresholds (the delivery service's design and its monitoring guide), beyond the runbook's SLO gates.
export const serviceAlertThresholds = {
  /** Pending delivery jobs per instance. */
  queueDepth: 500,
  /** Dead letter queue entries per instance. */
  dlqSize: 100,
  /** A receiver endpoint whose breaker has not closed once in this many minutes is down. */
  endpointDownMinutes: 5,
  /** Retries per delivery over 15m that count as many, whatever the baseline. */
  retriesPerDeliveryFloor: 0.1,
  /** Retries per delivery this many times the previous day's count as rising. */
  retriesRiseFactor: 2,
  /**
   * Share of the token bucket's refill rate in use that counts as near the limit. Not the shipping guide's
   * 80% (that is a tenant's quota): a healthy sender runs at 80% of its bucket (8 of 10 QPS).
   */
  rateLimitUsage: 0.9,
  /** p95 this many times the instance's own p95 over the previous day is a degradation. */
  latencyDegradationFactor: 2,
  /** Below this p95 (seconds) a rise is noise, not a degradation. */
  latencyDegradationFloorSeconds: 0.5,
} as const;
