// The shape of an SLO definition in a runbook (Sloth-like, ratio SLIs).
import type { Matchers } from '../contract/selectors.ts';

/** One counter (or histogram bucket/count series) of the contract, with extra matchers. */
export interface SeriesRef {
  readonly metric: string;
  readonly matchers?: Matchers;
}

export interface SloDef {
  /** kebab-case id, used as the `slo` label and in file names. */
  readonly name: string;
  readonly displayName: string;
  readonly service: string;
  readonly description: string;
  /** Target in percent, e.g. 99 or 99.9. */
  readonly objective: number;
  /** Rolling compliance period, e.g. `30d`. */
  readonly timeWindow: string;
  /** Ratio SLI: good events over total events. */
  readonly sli: { readonly good: SeriesRef; readonly total: SeriesRef };
  /** Matchers every SLI query carries (e.g. the service's job). */
  readonly matchers: Matchers;
  /** Labels the SLI is kept apart by (e.g. `track`, so canary and stable burn separately). */
  readonly groupBy: readonly string[];
}

/** One row of the multiwindow, multi-burn-rate policy (SRE workbook table 5-8). */
export interface BurnRateWindow {
  readonly severity: 'critical' | 'warning';
  /** Share of the period's error budget that, spent within `long`, should alert. Percent. */
  readonly budgetPercent: number;
  readonly long: string;
  readonly short: string;
}
