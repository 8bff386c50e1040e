// An SLO overview dashboard for any runbook: one row per SLO, built from the runbook's SLOs
// and burn-rate policy. A new SLO adds its row; no dashboard code changes.
import { DashboardBuilder, DashboardCursorSync, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardDef, Runbook } from '../contract/runbook.ts';
import { regexLabel } from '../contract/selectors.ts';
import { datasourceVariable, generatedDescription, trackVariable } from './kit.ts';
import { budgetRemainingPanel, burnRatePanel, sliPanel } from './slo-panels.ts';

/** SLO dashboard panel ids: a row and three panels per SLO, 100(k+1) + offset (k: the SLO's index). */
export function sloOverviewPanelIds(k: number): { row: number; sli: number; budgetRemaining: number; burnRate: number } {
  const base = 100 * (k + 1);
  return { row: base, sli: base + 1, budgetRemaining: base + 2, burnRate: base + 3 };
}

export interface SloOverviewOptions {
  readonly uid: string;
  readonly title: string;
  /** Where the dashboard is defined, named in its description and in lint problems. */
  readonly source: string;
  /** What the dashboard shows, one sentence. */
  readonly description: string;
  readonly tags: readonly string[];
}

export function sloOverviewDashboard(o: SloOverviewOptions, rb: Runbook): Dashboard {
  const d = new DashboardBuilder(o.title)
    .uid(o.uid)
    .description(generatedDescription(o.source, o.description))
    .tags([...o.tags])
    .readonly()
    .time({ from: 'now-7d', to: 'now' })
    .refresh('5m')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .withVariable(trackVariable(rb.service, true));
  const panel = { matchers: { [regexLabel('track')]: '$track' }, legendTrack: true, height: 8 };
  rb.slos.forEach((slo, k) => {
    const ids = sloOverviewPanelIds(k);
    d.withRow(new RowBuilder(`${slo.displayName} (${slo.objective}% over ${slo.timeWindow})`).id(ids.row));
    d.withPanel(sliPanel(slo, rb.burnPolicy, { ...panel, id: ids.sli, width: 12 }));
    d.withPanel(budgetRemainingPanel(slo, { ...panel, id: ids.budgetRemaining, width: 6 }));
    d.withPanel(burnRatePanel(slo, rb.burnPolicy, { ...panel, id: ids.burnRate, width: 6 }));
  });
  return d.build();
}

/** The SLO overview as a runbook's dashboard entry. */
export const sloOverview = (o: SloOverviewOptions): DashboardDef => ({ source: o.source, build: (rb) => sloOverviewDashboard(o, rb) });
