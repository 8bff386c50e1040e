// The service's own alert thresholds (seeds 002 and 003), beyond the runbook's SLO gates.
export const serviceAlertThresholds = {
  /** Pending delivery jobs per instance. */
  queueDepth: 500,
  /** Dead letter queue entries per instance. */
  dlqSize: 100,
} as const;
