// Panels built from one SLO definition and the burn-rate policy. The flagship's canary
// dashboard's SLO row and the SLO overview use them, so a new SLO in a runbook shows up on
// both with no dashboard code.
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { BarGaugeDisplayMode, BigValueColorMode, BigValueGraphMode, VizOrientation } from '@grafana/grafana-foundation-sdk/common';
import { ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import { selector, type Matchers } from '../contract/selectors.ts';
import { div, rational } from '../promql/decimal.ts';
import { parseDuration } from '../promql/duration.ts';
import { burnFactor, decimal } from '../slo/burn-rate.ts';
import { BUDGET_REMAINING_RECORD, OBJECTIVE_RECORD, burnRateRecord, sliErrorRecord, sloConditions } from '../slo/rules.ts';
import { shortestWindow, windowsSpecFor } from '../slo/windows.ts';
import type { BurnCondition, BurnPolicy, SloDef } from '../slo/types.ts';
import { GREEN, RED, datasourceRef, lastValue, legendList, promTarget, thresholdLines, thresholdSteps } from './kit.ts';

/** The SLI window drawn "over time": the shortest one the SLO's policy records. */
export function sliPlotWindow(slo: SloDef, policy: BurnPolicy): string {
  const spec = windowsSpecFor(slo, policy);
  if (!spec) throw new RangeError(`slo ${slo.name}: no burn-rate windows for period "${slo.timeWindow}"`);
  return shortestWindow(spec);
}

const refId = (i: number): string => String.fromCharCode(65 + i);

/** Each alerting window once, with the lowest burn factor any policy row applies to it. */
export function burnWindows(conditions: readonly BurnCondition[], period: string): { window: string; factor: number }[] {
  const out = new Map<string, number>();
  for (const c of conditions) {
    const f = Number(decimal(burnFactor(c, period)));
    for (const w of [c.longWindow, c.shortWindow]) out.set(w, Math.min(out.get(w) ?? Infinity, f));
  }
  return [...out].map(([window, factor]) => ({ window, factor })).sort((a, b) => parseDuration(a.window) - parseDuration(b.window));
}

/** Objective as a ratio (0.99 for 99), computed exactly like the recording rule's. */
export const objectiveRatio = (slo: SloDef): number => Number(decimal(div(rational(slo.objective), rational(100))));

export interface SloPanelOptions {
  readonly id: number;
  /** Matchers beyond `slo` (the track, as `=` or `=~`). */
  readonly matchers: Matchers;
  readonly legendTrack: boolean;
  readonly width: number;
  readonly height: number;
}

const sloSel = (slo: SloDef, m: Matchers): string => selector({ slo: slo.name }, m);
const trackLegend = (on: boolean, text: string): string => (on ? `${text} {{track}}` : text);

export function sliPanel(slo: SloDef, policy: BurnPolicy, o: SloPanelOptions): TimeseriesPanel {
  const obj = objectiveRatio(slo);
  const plotWindow = sliPlotWindow(slo, policy);
  return new TimeseriesPanel()
    .id(o.id)
    .title(`${slo.displayName}: SLI (${plotWindow}) vs objective ${slo.objective}%`)
    .description(
      `Good events over all events for ${slo.name}, over ${plotWindow} windows, with the ${slo.objective}% objective as a dashed line. ` +
        `Red (below the objective) spends error budget; a short dip is fine, a long one shows up in the burn-rate panel. ` +
        `If it stays red, check the burn rate and the canary gates before promoting.`,
    )
    .datasource(datasourceRef)
    .unit('percentunit')
    .max(1)
    .span(o.width)
    .height(o.height)
    .thresholds(thresholdSteps(RED, [obj, GREEN]))
    .thresholdsStyle(thresholdLines())
    .legend(legendList())
    .withTarget(promTarget('A', `1 - ${sliErrorRecord(plotWindow)}${sloSel(slo, o.matchers)}`, trackLegend(o.legendTrack, 'SLI')))
    .withTarget(promTarget('B', `${OBJECTIVE_RECORD}${selector({ slo: slo.name })}`, 'objective'));
}

export function budgetRemainingPanel(slo: SloDef, o: SloPanelOptions & { readonly stat?: boolean }): StatPanel | TimeseriesPanel {
  const expr = `${BUDGET_REMAINING_RECORD}${sloSel(slo, o.matchers)}`;
  const description =
    `Share of the ${slo.timeWindow} error budget of ${slo.name} (objective ${slo.objective}%) still left. ` +
    `Red (at or below 0) means the budget is spent: freeze risky changes, do not promote the canary, and work on reliability until it recovers.`;
  const title = `${slo.displayName}: error budget remaining (${slo.timeWindow})`;
  const thresholds = thresholdSteps(RED, [0, GREEN]);
  // the same panel as a big number or as a line: what both show, set once
  const common = <P extends StatPanel | TimeseriesPanel>(p: P): P =>
    (p as StatPanel).id(o.id).title(title).description(description).datasource(datasourceRef).unit('percentunit').span(o.width).height(o.height).thresholds(thresholds)
      .withTarget(promTarget('A', expr, trackLegend(o.legendTrack, 'remaining'))) as unknown as P;
  if (o.stat) return common(new StatPanel()).graphMode(BigValueGraphMode.Area).colorMode(BigValueColorMode.Value).reduceOptions(lastValue());
  return common(new TimeseriesPanel()).thresholdsStyle(thresholdLines()).legend(legendList());
}

export function burnRatePanel(slo: SloDef, policy: BurnPolicy, o: SloPanelOptions): BarGaugePanel {
  const windows = burnWindows(sloConditions(slo, policy), slo.timeWindow);
  const p = new BarGaugePanel()
    .id(o.id)
    .title(`${slo.displayName}: burn rate per alerting window`)
    .description(
      `Current error-budget burn rate of ${slo.name} for each window of the multiwindow alerting policy (1 = spending exactly the ${slo.timeWindow} budget). ` +
        `Each bar turns red at the burn factor that window alerts at (${windows.map((w) => `${w.window}: ${w.factor}`).join(', ')}). ` +
        `Red on both a long and its short window means the burn-rate alert fires: follow its runbook; red on one only is a warning sign.`,
    )
    .datasource(datasourceRef)
    .unit('suffix:x')
    .min(0)
    .span(o.width)
    .height(o.height)
    .displayMode(BarGaugeDisplayMode.Basic)
    .orientation(VizOrientation.Horizontal)
    .reduceOptions(lastValue())
    .thresholds(thresholdSteps(GREEN, [windows[0]?.factor ?? 1, RED]));
  windows.forEach((w, i) => {
    p.withTarget(promTarget(refId(i), `${burnRateRecord(w.window)}${sloSel(slo, o.matchers)}`, trackLegend(o.legendTrack, w.window), { instant: true }));
    p.overrideByQuery(refId(i), [
      { id: 'thresholds', value: { mode: ThresholdsMode.Absolute, steps: [{ value: null, color: GREEN }, { value: w.factor, color: RED }] } },
    ]);
  });
  return p;
}
