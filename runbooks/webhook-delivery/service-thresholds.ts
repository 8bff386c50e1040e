// The service's own alert thresholds (the delivery service's design and its monitoring guide), beyond the runbook's SLO gates.
export const serviceAlertThresholds = {
  /** Pending delivery jobs per instance. */
  queueDepth: 500,
  /** Dead letter queue entries per instance. */
  dlqSize: 100,
} as const;
