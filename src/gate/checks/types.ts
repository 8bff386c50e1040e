// What a gate check is: a small named unit that turns the window's evidence into one
// status. The verdict is computed from the statuses alone (src/gate/verdict.ts).
import type { CheckName, CheckOutcome, RunbookCheckContext } from '../../contract/checks.ts';
import type { CheckpointName, GateThresholds, Runbook } from '../../contract/runbook.ts';
import type { CheckStatus, GateEvidence, scaledTimes } from '../evidence.ts';

export { BUILTIN_CHECK_NAMES, type BuiltinCheckName, type CheckName, type CheckOutcome } from '../../contract/checks.ts';

/** One row of the verdict. */
export interface Check {
  name: CheckName;
  value: number | null;
  status: CheckStatus;
  target: string;
  detail: string;
}

/** Everything a check may read: the evidence and what the checkpoint rules make of it. */
export interface CheckContext extends RunbookCheckContext {
  readonly evidence: GateEvidence;
  readonly checkpoint: CheckpointName;
  /** The phase's final checkpoint: promote or rollback, never continue. */
  readonly final: boolean;
  /** The runbook whose rules apply (checkpoint times, windows). */
  readonly runbook: Runbook;
  /** The numbers the checks are built from: the runbook's gates, or a caller's. */
  readonly thresholds: GateThresholds;
  /** A missed target: `fail` at the final checkpoint (a rollback), `warn` before it. */
  readonly missStatus: CheckStatus;
  /** Window length in (scaled) minutes. */
  readonly windowMinutes: number;
  readonly times: ReturnType<typeof scaledTimes>;
  readonly scaled: boolean;
  /** Real minutes to (scaled) minutes. */
  toScaled(realMinutes: number): number;
  /** Deliveries in the window (null when unknown) and whether they are enough to judge rates. */
  readonly traffic: { readonly deliveries: number | null; readonly low: boolean; readonly note: string };
  readonly words: {
    /** `min` or `scaled min`. */
    readonly min: string;
    /** `minutes` or `scaled minutes`. */
    readonly minutes: string;
    /** "6 minutes", or "6 scaled minutes (6 s at time scale 0.0166667)". */
    said(m: number, digits?: number): string;
    /** "6 consecutive minutes". */
    consecutive(m: number): string;
  };
}

/** Instant queries a check adds to the gate's, evaluated at the window's end. */
export interface CheckQueryContext {
  /** The canary's selector, `{...}`. */
  readonly selector: string;
  /** The window as a PromQL duration (`1800s`). */
  readonly window: string;
}

export interface GateCheck {
  readonly name: CheckName;
  /** One line: what the check proves. */
  readonly doc: string;
  /**
   * Extra evidence, by key: the gate runs each query and hands the first value to the
   * check as `evidence.extra[key]`. Built-in checks read the built-in evidence instead.
   */
  readonly queries?: (q: CheckQueryContext) => Readonly<Record<string, string>>;
  evaluate(ctx: CheckContext): CheckOutcome;
}
