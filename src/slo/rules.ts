// SLO recording rules (Sloth's naming): SLI error ratios per window, error budget, burn rates,
// the period's ratio, and the multiwindow alerting thresholds as constant series.
import { selector, type Matchers } from '../contract/selectors.ts';
import { decimal, errorBudget, burnFactor } from './burn-rate.ts';
import { div, rational } from '../promql/decimal.ts';
import { parseDuration } from '../promql/duration.ts';
import { errorRateExpr, isRaw, sliErrorExpr, totalRateExpr } from './sli.ts';
import { sloFilter, sloLabels, windowLabelNames, windowLabels, type SloLabelOptions } from './labels.ts';
import { burnConditions, recordedWindows, shortestWindow, windowsSpecFor } from './windows.ts';
import type { BurnCondition, BurnPolicy, BurnWindow, SloDef } from './types.ts';

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
/** Bad and total events per second over the shortest window: the period's ratio sums these. */
export const errorEventsRecord = (window: string): string => `slo:sli_error_events:rate${window}`;
export const totalEventsRecord = (window: string): string => `slo:sli_total_events:rate${window}`;
export const OBJECTIVE_RECORD = 'slo:objective:ratio';
export const ERROR_BUDGET_RECORD = 'slo:error_budget:ratio';
export const TIME_PERIOD_RECORD = 'slo:time_period:days';
export const CURRENT_BURN_RATE_RECORD = 'slo:current_burn_rate:ratio';
export const BUDGET_REMAINING_RECORD = 'slo:period_error_budget_remaining:ratio';
export const PERIOD_BURN_RATE_RECORD = 'slo:period_burn_rate:ratio';
export const BURN_THRESHOLD_RECORD = 'slo:burn_rate_threshold:ratio';
export const SLOTH_INFO_RECORD = 'sloth_slo_info';

export const sliGroupName = (slo: SloDef): string => `slo:${slo.name}:sli`;
export const metaGroupName = (slo: SloDef): string => `slo:${slo.name}:meta`;
export const alertGroupName = (slo: SloDef): string => `slo:${slo.name}:alerts`;

/** A recorded SLI error-ratio series for one SLO, e.g. for an alert on the canary track. */
export function sliErrorSeries(slo: SloDef, window: string, extra: Matchers = {}): string {
  return `${sliErrorRecord(window)}${selector({ slo: slo.name }, extra)}`;
}

/** The SLO's burn conditions from its own windows or the policy's spec for its period (validated before). */
export function sloConditions(slo: SloDef, policy: BurnPolicy): BurnCondition[] {
  const spec = windowsSpecFor(slo, policy);
  if (!spec) throw new RangeError(`slo ${slo.name}: no burn-rate windows for period "${slo.timeWindow}"`);
  return burnConditions(spec, policy);
}

/** Windows at least this long are summed from the recorded short-window event rates. */
export const SUMMED_FROM = '1d';

/**
 * The error ratio over a long window (a day or more, and the period). Event SLIs: the sum of the
 * recorded bad-event rates over the window divided by the sum of the recorded total-event rates,
 * i.e. bad events / all events, weighted by traffic (an average of per-window ratios would let a
 * quiet night count as much as a busy day), exact up to the short window at each end. It reads a
 * few recorded series instead of every raw sample of every instance over days.
 */
export function summedErrorExpr(slo: SloDef, shortWindow: string, window: string): string {
  if (isRaw(slo.sli)) return sliErrorExpr(slo, window);
  const f = sloFilter(slo);
  return `sum_over_time(${errorEventsRecord(shortWindow)}${f}[${window}])\n/\nsum_over_time(${totalEventsRecord(shortWindow)}${f}[${window}])`;
}

/** The period's error ratio (see summedErrorExpr). */
export const periodErrorExpr = (slo: SloDef, shortWindow: string): string => summedErrorExpr(slo, shortWindow, slo.timeWindow);

/** A window's SLI expression: from the service's series, or summed from the records for long windows. */
function windowExpr(slo: SloDef, short: string, window: string, raw = false): string {
  return !raw && parseDuration(window) >= parseDuration(SUMMED_FROM) ? summedErrorExpr(slo, short, window) : sliErrorExpr(slo, window, short);
}

export function sloRecordingGroups(slo: SloDef, policy: BurnPolicy, o: SloLabelOptions = {}): RecordingGroup[] {
  const spec = windowsSpecFor(slo, policy);
  if (!spec) throw new RangeError(`slo ${slo.name}: no burn-rate windows for period "${slo.timeWindow}"`);
  const conditions = burnConditions(spec, policy);
  const base = sloLabels(slo, o);
  const budget = decimal(errorBudget(slo));
  const objective = decimal(div(rational(slo.objective), rational(100)));
  const short = shortestWindow(spec);
  const windows = recordedWindows(spec, slo.timeWindow).filter((w) => w !== slo.timeWindow);
  const lab = (w: string) => ({ ...base, ...windowLabels(w, o) });

  const events: RecordingRule[] = isRaw(slo.sli)
    ? []
    : [
        { record: errorEventsRecord(short), expr: errorRateExpr(slo, short)!, labels: lab(short) },
        { record: totalEventsRecord(short), expr: totalRateExpr(slo, short)!, labels: lab(short) },
      ];
  const sli: RecordingRule[] = [
    ...events,
    ...windows.map((w) => ({ record: sliErrorRecord(w), expr: windowExpr(slo, short, w, o.rawLongWindows), labels: lab(w) })),
    { record: sliErrorRecord(slo.timeWindow), expr: windowExpr(slo, short, slo.timeWindow, o.rawLongWindows), labels: lab(slo.timeWindow) },
  ];

  const f = sloFilter(slo);
  const alertWindows = [...new Set(conditions.flatMap((c) => [c.shortWindow, c.longWindow]))].sort((a, b) => parseDuration(a) - parseDuration(b));
  const days = decimal(div(rational(parseDuration(slo.timeWindow)), rational(86400)));
  const meta: RecordingRule[] = [
    { record: OBJECTIVE_RECORD, expr: `vector(${objective})`, labels: base },
    { record: ERROR_BUDGET_RECORD, expr: `vector(${budget})`, labels: base },
    { record: TIME_PERIOD_RECORD, expr: `vector(${days})`, labels: base },
    { record: CURRENT_BURN_RATE_RECORD, expr: `${sliErrorSeries(slo, short)} / ${budget}`, labels: lab(short) },
    ...alertWindows.map((w) => ({ record: burnRateRecord(w), expr: `${sliErrorSeries(slo, w)} / ${budget}`, labels: lab(w) })),
    { record: PERIOD_BURN_RATE_RECORD, expr: `${sliErrorSeries(slo, slo.timeWindow)} / ${budget}`, labels: lab(slo.timeWindow) },
    { record: BUDGET_REMAINING_RECORD, expr: `1 - ${PERIOD_BURN_RATE_RECORD}${f}`, labels: lab(slo.timeWindow) },
    ...conditions.map((c) => ({
      record: BURN_THRESHOLD_RECORD,
      expr: `vector(${decimal(burnFactor(c, slo.timeWindow))})`,
      labels: { ...base, severity: c.severity, tier: c.tier, long_window: c.longWindow, short_window: c.shortWindow },
    })),
    ...(o.slothCompatible ? [{ record: SLOTH_INFO_RECORD, expr: 'vector(1)', labels: { ...base, sloth_objective: String(slo.objective) } }] : []),
  ];
  return [
    { name: sliGroupName(slo), rules: sli },
    { name: metaGroupName(slo), rules: meta },
  ];
}

/** One condition: error ratio above factor x budget over both its long and its short window. */
function conditionExpr(slo: SloDef, w: BurnWindow, extra: Matchers, o: SloLabelOptions): string {
  const f = decimal(burnFactor(w, slo.timeWindow));
  const b = decimal(errorBudget(slo));
  const ignoring = `ignoring (${windowLabelNames(o).join(', ')})`;
  return (
    `(${sliErrorSeries(slo, w.longWindow, extra)} > (${f} * ${b}))\n` +
    // the two windows differ only in their window labels
    `and ${ignoring}\n` +
    `(${sliErrorSeries(slo, w.shortWindow, extra)} > (${f} * ${b}))`
  );
}

/**
 * Multiwindow, multi-burn-rate alert expression: any of the conditions, each long AND short.
 * `$value` is the long window's error ratio of the first condition that holds.
 */
export function burnRateAlertExpr(slo: SloDef, conditions: BurnWindow | readonly BurnWindow[], extra: Matchers = {}, o: SloLabelOptions = {}): string {
  const list = Array.isArray(conditions) ? conditions : [conditions as BurnWindow];
  if (list.length === 1) return conditionExpr(slo, list[0], extra, o);
  return list.map((c) => `(\n${conditionExpr(slo, c, extra, o)}\n)`).join(`\nor ignoring (${windowLabelNames(o).join(', ')})\n`);
}
