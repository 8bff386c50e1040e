// The gate's check names and statuses as data, and the shape of a check a runbook adds.
// The engine (src/gate/checks/) implements the built-in ones; a runbook names the ones it
// leaves out and brings its own without touching the engine.

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
  // only with a baseline to compare with (gate --baseline)
  'canary_vs_baseline',
] as const;

export type BuiltinCheckName = (typeof BUILTIN_CHECK_NAMES)[number];
/** A runbook's own check is `custom_<what>`: it can't collide with a built-in one. */
export type CustomCheckName = `custom_${string}`;
/** Every check's name: reports, charts and the verdict JSON use this type. */
export type CheckName = BuiltinCheckName | CustomCheckName;

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'critical' | 'no_data';

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
  metrics?: Partial<Record<'success_rate' | 'p95_ms' | 'cb_opens' | 'pii_leaks' | 'critical_alerts' | 'deliveries', number | null>>;
  /** Evidence deliberately not gathered (`--skip`), by its skip key. */
  skipped?: string;
}

/** The part of the engine's check context a runbook's own check can rely on. */
export interface RunbookCheckContext {
  /** The phase's final checkpoint. */
  readonly final: boolean;
  /** A missed target: `fail` at the final checkpoint, `warn` before it. */
  readonly missStatus: CheckStatus;
  readonly evidence: {
    /** The values of the check's own queries, by key. */
    readonly extra?: Readonly<Record<string, { ok: true; value: number } | { ok: false; reason: string }>>;
  };
}

/** A check a runbook adds: its queries run at the window's end, their values reach `evaluate`. */
export interface RunbookCheck {
  readonly name: CustomCheckName;
  /** One line: what the check proves. */
  readonly doc: string;
  /** Instant queries by key; `selector` is the canary's `{...}`, `window` the window as a PromQL duration. */
  readonly queries?: (q: { readonly selector: string; readonly window: string }) => Readonly<Record<string, string>>;
  evaluate(ctx: RunbookCheckContext): CheckOutcome;
}

/** Which checks a runbook's gate runs: the built-in ones minus `omit`, then `add`. */
export interface GateCheckPolicy {
  readonly omit?: readonly BuiltinCheckName[];
  readonly add?: readonly RunbookCheck[];
}
