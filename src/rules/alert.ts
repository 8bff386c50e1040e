// The shape of an alert definition in a runbook's alert groups.

export type Severity = 'critical' | 'warning';

export interface AlertDef {
  /** Unique CamelCase name, at most 40 characters. */
  readonly name: string;
  readonly severity: Severity;
  /** PromQL with a comparison. */
  readonly expr: string;
  /** Prometheus duration, e.g. `5m`. Omitted means fire on the first evaluation. */
  readonly for?: string;
  /** One static sentence. */
  readonly summary: string;
  /** Templated; says what the humanized `$value` is. */
  readonly description: string;
  /** Extra labels (team and severity are added by the generator). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertGroupDef {
  readonly name: string;
  /** Evaluation interval, e.g. `30s`. */
  readonly interval?: string;
  readonly alerts: readonly AlertDef[];
  /** `false`: service-wide alerts the canary gate neither counts nor requires loaded (default: gated). */
  readonly gate?: boolean;
}
