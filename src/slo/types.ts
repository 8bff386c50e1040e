// The shape of an SLO definition in a runbook (Sloth-like) and of the burn-rate policy it is alerted by.
import type { Matchers } from '../contract/selectors.ts';
import type { Severity } from '../rules/alert.ts';

/** One counter (or histogram bucket/count series) of the contract, with extra matchers (any of = != =~ !~). */
export interface SeriesRef {
  readonly metric: string;
  readonly matchers?: Matchers;
}

/** Good events over total events (`code="200"` over all requests). */
export interface GoodTotalSli {
  readonly good: SeriesRef;
  readonly total: SeriesRef;
}

/** Bad events over total events (an error counter over all requests). */
export interface BadTotalSli {
  readonly bad: SeriesRef;
  readonly total: SeriesRef;
}

/** Share of a classic histogram's observations at or below a bucket bound: `_bucket{le}` over `_count`. */
export interface LatencySli {
  readonly latency: {
    /** Histogram base name, without `_bucket`/`_count`. */
    readonly histogram: string;
    /** Bucket upper bound in the histogram's unit (seconds); must be one of its buckets. */
    readonly le: number;
    readonly matchers?: Matchers;
  };
}

/**
 * A ready-made error-ratio query (0..1) with `{{window}}` where the range goes, e.g.
 * `sum by (track) (rate(x_errors_total[{{window}}])) / sum by (track) (rate(x_total[{{window}}]))`.
 * It must keep every `groupBy` label and no other.
 */
export interface RawSli {
  readonly raw: { readonly errorRatioQuery: string };
}

export type SliDef = GoodTotalSli | BadTotalSli | LatencySli | RawSli;

/** Per-tier alert options of one SLO. */
export interface SloAlertOptions {
  /** CamelCase alert name; default `<SloNameInCamelCase>Burn<Page|Ticket>`. */
  readonly name?: string;
  readonly disable?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface SloDef {
  /** kebab-case id, used as the `slo` label and in file names. */
  readonly name: string;
  readonly displayName: string;
  readonly service: string;
  readonly description: string;
  /** Target in percent, e.g. 99 or 99.9. */
  readonly objective: number;
  /** Rolling compliance period, e.g. `30d`; needs a windows spec in the policy unless `alertWindows` is given. */
  readonly timeWindow: string;
  readonly sli: SliDef;
  /** Matchers every SLI query carries (e.g. the service's job). */
  readonly matchers: Matchers;
  /** Labels the SLI is kept apart by (e.g. `track`, so canary and stable burn separately). */
  readonly groupBy: readonly string[];
  /** This SLO's own windows, for a period the policy has no spec for. */
  readonly alertWindows?: AlertWindowsSpec;
  readonly alerts?: { readonly page?: SloAlertOptions; readonly ticket?: SloAlertOptions };
}

/** One multiwindow burn-rate condition: `errorBudgetPercent` of the period's budget spent within `longWindow`. */
export interface BurnWindow {
  readonly errorBudgetPercent: number;
  readonly longWindow: string;
  readonly shortWindow: string;
}

/** Sloth's AlertWindows shape: the SRE workbook's two page and two ticket conditions for one period. */
export interface AlertWindowsSpec {
  readonly sloPeriod: string;
  readonly page: { readonly quick: BurnWindow; readonly slow: BurnWindow };
  readonly ticket: { readonly quick: BurnWindow; readonly slow: BurnWindow };
}

export type AlertTier = 'page' | 'ticket';

/** The runbook's burn policy: windows per period, and what each tier means. */
export interface BurnPolicy {
  readonly windows: readonly AlertWindowsSpec[];
  /** page = critical, ticket = warning (the runbook's severities). */
  readonly severity: Readonly<Record<AlertTier, Severity>>;
  /** Optional `for` per tier (none by default: the short window already debounces). */
  readonly for?: Partial<Readonly<Record<AlertTier, string>>>;
}

/** One resolved condition of an SLO's policy, with its tier and speed. */
export interface BurnCondition extends BurnWindow {
  readonly tier: AlertTier;
  readonly speed: 'quick' | 'slow';
  readonly severity: Severity;
}
