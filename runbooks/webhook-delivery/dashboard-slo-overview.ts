// The SLO overview (uid webhook-slo-overview): one row per SLO definition, built
// from slo/index.ts and the burn-rate policy. A new SLO adds its row; no code here changes.
import { DashboardBuilder, DashboardCursorSync, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { regexLabel } from '../../src/contract/selectors.ts';
import type { Runbook } from '../../src/contract/runbook.ts';
import { GENERATED_TAGS, datasourceVariable, generatedDescription, trackVariable } from './dashboard-common.ts';
import { SLO_DASHBOARD, sloOverviewPanelIds } from './dashboard-panel-ids.ts';
import { budgetRemainingPanel, burnRatePanel, sliPanel } from './dashboard-slo-panels.ts';

export function sloOverviewDashboard(defs: Runbook): Dashboard {
  const d = new DashboardBuilder(SLO_DASHBOARD.title)
    .uid(SLO_DASHBOARD.uid)
    .description(generatedDescription('runbooks/webhook-delivery/dashboard-slo-overview.ts and slos.ts', 'Webhook SLOs: SLI against the objective, error budget left and burn rate per alerting window.'))
    .tags(GENERATED_TAGS)
    .readonly()
    .time({ from: 'now-7d', to: 'now' })
    .refresh('5m')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .withVariable(trackVariable(true));
  const o = { matchers: { [regexLabel('track')]: '$track' }, legendTrack: true, height: 8 };
  defs.slos.forEach((slo, k) => {
    const ids = sloOverviewPanelIds(k);
    d.withRow(new RowBuilder(`${slo.displayName} (${slo.objective}% over ${slo.timeWindow})`).id(ids.row));
    d.withPanel(sliPanel(slo, defs.burnPolicy, { ...o, id: ids.sli, width: 12 }));
    d.withPanel(budgetRemainingPanel(slo, { ...o, id: ids.budgetRemaining, width: 6 }));
    d.withPanel(burnRatePanel(slo, defs.burnPolicy, { ...o, id: ids.burnRate, width: 6 }));
  });
  return d.build();
}
