// SLO recording rules (Sloth's naming): SLI error ratios per window, error budget,
// burn rates and the multiwindow alerting thresholds as constant series.
import { selector, type Matchers } from '../contract/selectors.ts';
import { decimal, errorBudget, burnFactor } from './burn-rate.ts';
import { div, rational } from '../promql/decimal.ts';
import type { BurnRateWindow, SloDef } from './types.ts';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface RecordingGroup {
  readonly name: string;
  readonly rules: readonly RecordingRule[];
}

export const sliErrorRecord = (window: string): string => `slo:sli_error:ratio_rate${window}`;
export const burnRateRecord = (window: string): string => `slo:burn_rate:ratio_rate${window}`;
export const OBJECTIVE_RECORD = 'slo:objective:ratio';
export const ERROR_BUDGET_RECORD = 'slo:error_budget:ratio';
export const BUDGET_REMAINING_RECORD = 'slo:period_error_budget_remaining:ratio';
export const PERIOD_BURN_RATE_RECORD = 'slo:period_burn_rate:ratio';
export const BURN_THRESHOLD_RECORD = 'slo:burn_rate_threshold:ratio';

/** A recorded SLI error-ratio series for one SLO, e.g. for an alert on the canary track. */
export function sliErrorSeries(slo: SloDef, window: string, extra: Matchers = {}): string {
  return `${sliErrorRecord(window)}${selector({ slo: slo.name }, extra)}`;
}

function sumRate(slo: SloDef, ref: SloDef['sli']['good'], window: string): string {
  const by = slo.groupBy.length ? ` by (${slo.groupBy.join(', ')}) ` : '';
  return `sum${by}(rate(${ref.metric}${selector(slo.matchers, ref.matchers ?? {})}[${window}]))`;
}

/** The raw SLI error-ratio expression over a window (what the recording rule records). */
export function sliErrorExpr(slo: SloDef, window: string): string {
  return `1 - (${sumRate(slo, slo.sli.good, window)} / ${sumRate(slo, slo.sli.total, window)})`;
}

/** Recording windows needed for an SLO: the runbook's SLI windows plus any policy window. */
export function recordedWindows(policy: readonly BurnRateWindow[], sliWindows: readonly string[]): string[] {
  const set = new Set<string>(sliWindows);
  for (const w of policy) {
    set.add(w.long);
    set.add(w.short);
  }
  return [...set];
}

export function sloRecordingGroups(slo: SloDef, policy: readonly BurnRateWindow[], sliWindows: readonly string[]): RecordingGroup[] {
  const base = { slo: slo.name, service: slo.service };
  const budget = decimal(errorBudget(slo));
  const objective = decimal(div(rational(slo.objective), rational(100)));
  const windows = recordedWindows(policy, sliWindows).filter((w) => w !== slo.timeWindow);
  const sli: RecordingRule[] = [...windows, slo.timeWindow].map((w) => ({
    record: sliErrorRecord(w),
    expr: sliErrorExpr(slo, w),
    labels: { ...base, window: w },
  }));
  const alertWindows = [...new Set(policy.flatMap((p) => [p.long, p.short]))];
  const meta: RecordingRule[] = [
    { record: OBJECTIVE_RECORD, expr: `vector(${objective})`, labels: base },
    { record: ERROR_BUDGET_RECORD, expr: `vector(${budget})`, labels: base },
    ...alertWindows.map((w) => ({
      record: burnRateRecord(w),
      expr: `${sliErrorSeries(slo, w)} / ${budget}`,
      labels: { ...base, window: w },
    })),
    {
      record: PERIOD_BURN_RATE_RECORD,
      expr: `${sliErrorSeries(slo, slo.timeWindow)} / ${budget}`,
      labels: { ...base, window: slo.timeWindow },
    },
    {
      record: BUDGET_REMAINING_RECORD,
      expr: `1 - ${PERIOD_BURN_RATE_RECORD}${selector({ slo: slo.name })}`,
      labels: { ...base, window: slo.timeWindow },
    },
    ...policy.map((p) => ({
      record: BURN_THRESHOLD_RECORD,
      expr: `vector(${decimal(burnFactor(p, slo.timeWindow))})`,
      labels: { ...base, severity: p.severity, long_window: p.long, short_window: p.short },
    })),
  ];
  return [
    { name: `slo:${slo.name}:sli`, rules: sli },
    { name: `slo:${slo.name}:meta`, rules: meta },
  ];
}

/** Alert expression: error ratio above factor x budget over both the long and the short window. */
export function burnRateAlertExpr(slo: SloDef, w: BurnRateWindow, extra: Matchers = {}): string {
  const f = decimal(burnFactor(w, slo.timeWindow));
  const b = decimal(errorBudget(slo));
  return (
    `(${sliErrorSeries(slo, w.long, extra)} > (${f} * ${b}))\n` +
    // the two windows differ only in the `window` label
    `and ignoring (window)\n` +
    `(${sliErrorSeries(slo, w.short, extra)} > (${f} * ${b}))`
  );
}

