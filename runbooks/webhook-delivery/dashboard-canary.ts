// The canary dashboard the runbook links to (uid webhook-canary-observability).
// Panel ids come from dashboard-panel-ids.ts; thresholds from rollout.ts and service-thresholds.ts.
import { AnnotationQueryBuilder, DashboardBuilder, DashboardCursorSync, MappingType, RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as HeatmapPanel, YAxisConfigBuilder } from '@grafana/grafana-foundation-sdk/heatmap';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { BarGaugeDisplayMode, BigValueColorMode, BigValueGraphMode, VizOrientation } from '@grafana/grafana-foundation-sdk/common';
import { CIRCUIT_BREAKER_STATES, metrics } from '../../src/contract/metrics.ts';
import { selector } from '../../src/contract/selectors.ts';
import { circuitBreakerOpens, deliveries, firingAlerts, latencyQuantile, successRatio, sumOf } from '../../src/promql/query.ts';
import type { Runbook } from '../../src/contract/runbook.ts';
import { canaryGates, canaryPhases, canaryWindows } from './rollout.ts';
import { serviceAlertThresholds } from './service-thresholds.ts';
import { canaryAlertGroup, dlqGrowingAlert, queueBacklogAlert } from './alerts.ts';
import { GENERATED_TAGS, JUSTIFIED_WINDOWS } from './dashboard-common.ts';
import {
  GREEN,
  RED,
  YELLOW,
  dashboardMatchers,
  datasourceRef,
  datasourceVariable,
  generatedDescription,
  instanceVariable,
  lastValue,
  legendList,
  promTarget,
  thresholdLines,
  thresholdSteps,
  trackVariable,
} from '../../src/dashboards/kit.ts';
import { CANARY_TRACK, SCRAPE_JOB } from '../../src/contract/metrics.ts';

const service = { job: SCRAPE_JOB, canaryTrack: CANARY_TRACK };
const m = dashboardMatchers(service);
import { CANARY_DASHBOARD, canaryPanelIds as id, canarySloPanelIds } from './dashboard-panel-ids.ts';
import { budgetRemainingPanel, burnRatePanel } from '../../src/dashboards/slo-panels.ts';

/** The alert group the dashboard lists and annotates. */
/** The alert group the dashboard lists, by name (the definitions own it). */
export const CANARY_ALERT_GROUP = canaryAlertGroup.name;

const RATE = '$__rate_interval';
/** The circuit-breaker gate counts opens per 24h (justified in JUSTIFIED_WINDOWS). */
const CB_WINDOW = canaryWindows.circuitBreakerDay;

const sr = canaryGates.successRate;
const p95 = canaryGates.p95LatencyMs;
const cb = canaryGates.circuitBreakerOpensPerDay;
const ratio = (percent: number) => percent / 100;
const seconds = (ms: number) => ms / 1000;

/** Firing alerts of the canary group, selected by alert name (ALERTS carries no group label). */
export function firingAlertsSelector(defs: Runbook): string {
  const group = defs.alertGroups.find((g) => g.name === CANARY_ALERT_GROUP);
  return firingAlerts((group?.alerts ?? []).map((a) => a.name).sort());
}

export function canaryDashboard(defs: Runbook): Dashboard {
  if (!JUSTIFIED_WINDOWS[CB_WINDOW]) throw new Error(`window ${CB_WINDOW} must be listed in JUSTIFIED_WINDOWS`);
  const alerts = firingAlertsSelector(defs);
  const phaseCaps = canaryPhases.map((p) => `${p.phase}%: ${p.rateLimit.maxInflight}`).join(', ');
  const phaseQps = canaryPhases.map((p) => `${p.phase}%: ${p.rateLimit.qps} QPS`).join(', ');

  const d = new DashboardBuilder(CANARY_DASHBOARD.title)
    .uid(CANARY_DASHBOARD.uid)
    .description(generatedDescription('runbooks/webhook-delivery/dashboard-canary.ts', 'Webhook delivery canary: the runbook gates, traffic, resilience and SLOs.'))
    .tags(GENERATED_TAGS)
    .readonly()
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable())
    .withVariable(trackVariable(service))
    .withVariable(instanceVariable(service))
    .annotation(
      new AnnotationQueryBuilder()
        .name(`Firing ${CANARY_ALERT_GROUP} alerts`)
        .datasource(datasourceRef)
        .enable(true)
        .iconColor(RED)
        .expr(alerts)
        .step('60s')
        .titleFormat('{{alertname}}')
        .textFormat('{{alertname}} ({{severity}}) is firing')
        .tagKeys('severity')
        .useValueForTime(false),
    );

  // Gates: the four runbook gates, the retry histogram and the alerts that decide a rollback.
  d.withRow(new RowBuilder('Gates').id(id.gatesRow));
  d.withPanel(
    new TimeseriesPanel()
      .id(id.successRate)
      .title('Success rate')
      .description(
        `Delivered over all deliveries on track $track. Green at or above ${sr.target}% (the gate), yellow between ${sr.critical}% and ${sr.target}%, red below ${sr.critical}%. ` +
          `Yellow: apply the runbook's guardrails and watch closely. Red for more than ${sr.sustainedMinutes} minutes: roll the canary back now.`,
      )
      .datasource(datasourceRef)
      .unit('percentunit')
      .max(1)
      .span(12)
      .height(8)
      .thresholds(thresholdSteps(RED, [ratio(sr.critical), YELLOW], [ratio(sr.target), GREEN]))
      .thresholdsStyle(thresholdLines())
      .legend(legendList())
      .withTarget(promTarget('A', successRatio(metrics, m, RATE), 'success rate')),
  );
  d.withPanel(
    new TimeseriesPanel()
      .id(id.p95Latency)
      .title('p95 delivery latency')
      .description(
        `95th percentile of the time from first attempt to final outcome. Green below ${seconds(p95.target)} s (the gate), yellow from ${seconds(p95.target)} s, red from ${seconds(p95.critical)} s. ` +
          `Yellow blocks promotion: check the receiver and the retry histogram. Red for more than ${p95.sustainedMinutes} minutes: roll the canary back now.`,
      )
      .datasource(datasourceRef)
      .unit('s')
      .min(0)
      .span(12)
      .height(8)
      .thresholds(thresholdSteps(GREEN, [seconds(p95.target), YELLOW], [seconds(p95.critical), RED]))
      .thresholdsStyle(thresholdLines())
      .legend(legendList())
      .withTarget(promTarget('A', latencyQuantile(metrics, canaryWindows.latencyQuantile, m, RATE), 'p95')),
  );
  d.withPanel(
    new StatPanel()
      .id(id.circuitBreakerOpens)
      .title(`Circuit breaker opens (${CB_WINDOW})`)
      .description(
        `Per-endpoint circuit breakers that opened in the last ${CB_WINDOW}, summed, with a sparkline. Green below ${cb.target} (the gate), yellow from ${cb.target}, red from ${cb.critical}. ` +
          `Yellow blocks promotion: find the failing endpoints in "Circuit breaker state". Red: the runbook's rollback trigger is more than ${cb.critical} per ${CB_WINDOW}; roll back.`,
      )
      .datasource(datasourceRef)
      .unit('short')
      .decimals(0)
      .span(6)
      .height(8)
      .thresholds(thresholdSteps(GREEN, [cb.target, YELLOW], [cb.critical, RED]))
      .graphMode(BigValueGraphMode.Area)
      .colorMode(BigValueColorMode.Background)
      .reduceOptions(lastValue())
      .withTarget(promTarget('A', circuitBreakerOpens(metrics, m, CB_WINDOW), 'opens')),
  );
  d.withPanel(
    new StatPanel()
      .id(id.piiLeakLines)
      .title('PII leak lines')
      .description(
        `Log lines with personal data found by the last slogate log scan, per category. Green at ${canaryGates.piiLeaks.target}; red at any leak. ` +
          `Red: roll the canary back immediately, keep the scan report as evidence, and treat it as an incident.`,
      )
      .datasource(datasourceRef)
      .unit('short')
      .decimals(0)
      .span(6)
      .height(8)
      // lines are whole numbers: "above target" starts at target + 1
      .thresholds(thresholdSteps(GREEN, [canaryGates.piiLeaks.target + 1, RED]))
      .graphMode(BigValueGraphMode.Area)
      .colorMode(BigValueColorMode.Background)
      .reduceOptions(lastValue())
      .withTarget(promTarget('A', `max by (category) (${metrics.piiLeakLines.name})`, '{{category}}')),
  );
  d.withPanel(
    new BarGaugePanel()
      .id(id.retryHistogram)
      .title('Retry histogram (attempts per delivery)')
      .description(
        `How many attempts deliveries needed over the dashboard's time range (bucket "le N" counts deliveries that needed at most N attempts, de-cumulated). ` +
          `No red: a healthy canary has nearly everything in the first bucket. If the mass moves to the right, the receiver is failing or slow; ` +
          `check the success rate, the p95 latency and the circuit breakers before the gates turn red.`,
      )
      .datasource(datasourceRef)
      .unit('short')
      .decimals(0)
      .span(12)
      .height(8)
      .displayMode(BarGaugeDisplayMode.Gradient)
      .orientation(VizOrientation.Vertical)
      .reduceOptions(lastValue())
      .thresholds(thresholdSteps('blue'))
      .withTarget(
        promTarget('A', sumOf('increase', `${metrics.deliveryAttempts.name}_bucket`, m, '$__range', ['le']), '{{le}}', { instant: true, format: 'heatmap' }),
      ),
  );
  d.withPanel(
    new TablePanel()
      .id(id.firingAlerts)
      .title(`Firing ${CANARY_ALERT_GROUP} alerts`)
      .description(
        `Alerts of the ${CANARY_ALERT_GROUP} group firing now (Prometheus ALERTS). Empty is green. ` +
          `A critical row means roll back following the alert's runbook_url; a warning row means apply the guardrails and investigate. Promotion needs no critical alert in the window.`,
      )
      .datasource(datasourceRef)
      .unit('none')
      .span(24)
      .height(6)
      .noValue('No firing alerts')
      .withTransformation({ id: 'organize', options: { excludeByName: { Time: true, Value: true, __name__: true, alertstate: true } } })
      .withTarget(promTarget('A', alerts, '{{alertname}}', { instant: true, format: 'table' })),
  );

  // Traffic.
  d.withRow(new RowBuilder('Traffic').id(id.trafficRow));
  d.withPanel(
    new TimeseriesPanel()
      .id(id.deliveryRate)
      .title('Delivery rate')
      .description(
        `Deliveries reaching a final outcome per second. No red: a drop to zero while the canary is enabled means the sender stopped delivering (check "up" and the queue); ` +
          `fewer than ${canaryGates.minDeliveries} deliveries in a checkpoint window is not enough evidence to promote. Rate limits per phase: ${phaseQps}.`,
      )
      .datasource(datasourceRef)
      .unit('reqps')
      .min(0)
      .span(12)
      .height(8)
      .legend(legendList())
      .withTarget(promTarget('A', deliveries(metrics, m, RATE), 'deliveries/s')),
  );
  d.withPanel(
    new TimeseriesPanel()
      .id(id.errorRateByOutcome)
      .title('Deliveries by outcome')
      .description(
        `Delivered and failed (after all retries) deliveries per second. The failed series is drawn red: any sustained failed rate pulls the success-rate gate down; ` +
          `look at the receiver's errors and the circuit breakers for the endpoints involved.`,
      )
      .datasource(datasourceRef)
      .unit('reqps')
      .min(0)
      .span(12)
      .height(8)
      .legend(legendList())
      .overrideByName('failed', [{ id: 'color', value: { mode: 'fixed', fixedColor: RED } }])
      .overrideByName('delivered', [{ id: 'color', value: { mode: 'fixed', fixedColor: GREEN } }])
      .withTarget(promTarget('A', sumOf('rate', metrics.deliverySuccessTotal.name, m, RATE), 'delivered'))
      .withTarget(promTarget('B', `${deliveries(metrics, m, RATE)} - ${sumOf('rate', metrics.deliverySuccessTotal.name, m, RATE)}`, 'failed')),
  );
  d.withPanel(
    new TimeseriesPanel()
      .id(id.latencyPercentiles)
      .title('Delivery latency p50 / p99')
      .description(
        `Median and 99th percentile delivery latency, next to the p95 gate panel. No red: a p99 far above p95 means a slow tail (a few slow receivers or retries); ` +
          `a rising p50 means everything slowed down. The gate is on p95 (${seconds(p95.target)} s).`,
      )
      .datasource(datasourceRef)
      .unit('s')
      .min(0)
      .span(12)
      .height(8)
      .legend(legendList())
      .withTarget(promTarget('A', latencyQuantile(metrics, 0.5, m, RATE), 'p50'))
      .withTarget(promTarget('B', latencyQuantile(metrics, 0.99, m, RATE), 'p99')),
  );
  d.withPanel(
    new HeatmapPanel()
      .id(id.latencyHeatmap)
      .title('Delivery latency distribution')
      .description(
        `Deliveries per latency bucket over time (darker is more). No red: a band forming above ${seconds(p95.target)} s is what pushes the p95 gate to yellow; ` +
          `compare with the retry histogram to tell slow receivers from retries.`,
      )
      .datasource(datasourceRef)
      .unit('short')
      .span(12)
      .height(8)
      .calculate(false)
      .yAxis(new YAxisConfigBuilder().unit('s'))
      .withTarget(
        promTarget('A', sumOf('increase', `${metrics.deliveryDuration.name}_bucket`, m, RATE, ['le']), '{{le}}', { format: 'heatmap' }),
      ),
  );

  // Resilience.
  d.withRow(new RowBuilder('Resilience').id(id.resilienceRow));
  // one shape for the per-instance gauges: a line per instance, red above the alert's threshold when it has one
  const instanceGauge = (panelId: number, title: string, metric: string, description: string, redAbove?: number) => {
    const panel = new TimeseriesPanel()
      .id(panelId)
      .title(title)
      .description(description)
      .datasource(datasourceRef)
      .unit('short')
      .min(0)
      .span(8)
      .height(8)
      .legend(legendList())
      .withTarget(promTarget('A', `${metric}${selector(m)}`, '{{instance}}'));
    return redAbove === undefined ? panel : panel.thresholds(thresholdSteps(GREEN, [redAbove, RED])).thresholdsStyle(thresholdLines());
  };
  d.withPanel(
    instanceGauge(
      id.queueDepth,
      'Queue depth',
      metrics.queueDepth.name,
      `Pending delivery jobs per instance. Red above ${serviceAlertThresholds.queueDepth} (the ${queueBacklogAlert.name} alert): the sender can't keep up; ` +
        `check the rate limiter and in-flight deliveries, and the receiver's latency.`,
      serviceAlertThresholds.queueDepth,
    ),
  );
  d.withPanel(
    instanceGauge(
      id.dlqSize,
      'Dead letter queue size',
      metrics.dlqSize.name,
      `Entries in the dead letter queue per instance. Red above ${serviceAlertThresholds.dlqSize} (the ${dlqGrowingAlert.name} alert when it also grows): ` +
        `deliveries are failing for good; find the endpoints, fix or pause them, and replay the DLQ after the fix.`,
      serviceAlertThresholds.dlqSize,
    ),
  );
  d.withPanel(
    instanceGauge(
      id.inflightDeliveries,
      'In-flight deliveries',
      metrics.inflightDeliveries.name,
      `Deliveries in progress per instance. No red: a line flat at the phase's WEBHOOK_MAX_INFLIGHT cap (${phaseCaps}) means back-pressure; ` +
        `the queue will grow next. Check the receiver's latency before raising the cap.`,
    ),
  );
  d.withPanel(
    new TimeseriesPanel()
      .id(id.rateLimited)
      .title('Rate-limited deliveries')
      .description(
        `Deliveries delayed by the sender's token bucket, per second. No red: some smoothing is expected; a steady high rate means the phase's QPS (${phaseQps}) is too low for the traffic ` +
          `and latency will rise. Adjust WEBHOOK_RATE_LIMIT_QPS only as the runbook's phase table says.`,
      )
      .datasource(datasourceRef)
      .unit('reqps')
      .min(0)
      .span(12)
      .height(8)
      .legend(legendList())
      .withTarget(promTarget('A', sumOf('rate', metrics.rateLimitedTotal.name, m, RATE), 'rate-limited/s')),
  );
  d.withPanel(
    new BarGaugePanel()
      .id(id.circuitBreakerState)
      .title('Circuit breaker state per endpoint')
      .description(
        `Current circuit breaker state per receiving endpoint: green closed, yellow half-open, red open. ` +
          `Red: that endpoint is failing and its deliveries are held back; check the endpoint's receiver, and expect the circuit breaker opens gate to count it.`,
      )
      .datasource(datasourceRef)
      .unit('none')
      .min(CIRCUIT_BREAKER_STATES.closed)
      .max(CIRCUIT_BREAKER_STATES.open)
      .span(12)
      .height(8)
      .displayMode(BarGaugeDisplayMode.Basic)
      .orientation(VizOrientation.Horizontal)
      .reduceOptions(lastValue())
      .thresholds(thresholdSteps(GREEN, [CIRCUIT_BREAKER_STATES.halfOpen, YELLOW], [CIRCUIT_BREAKER_STATES.open, RED]))
      .mappings([
        {
          type: MappingType.ValueToText,
          options: {
            [String(CIRCUIT_BREAKER_STATES.closed)]: { text: 'closed', color: GREEN, index: 0 },
            [String(CIRCUIT_BREAKER_STATES.halfOpen)]: { text: 'half-open', color: YELLOW, index: 1 },
            [String(CIRCUIT_BREAKER_STATES.open)]: { text: 'open', color: RED, index: 2 },
          },
        },
      ])
      .withTarget(promTarget('A', `max by (endpoint) (${metrics.circuitBreakerState.name}${selector(m)})`, '{{endpoint}}', { instant: true })),
  );

  // SLOs: budget and burn rate of every SLO, on the selected track.
  d.withRow(new RowBuilder('SLO').id(id.sloRow));
  defs.slos.forEach((slo, k) => {
    const ids = canarySloPanelIds(k);
    const o = { matchers: { track: '$track' }, legendTrack: false, width: 12, height: 7 };
    d.withPanel(budgetRemainingPanel(slo, { ...o, id: ids.budgetRemaining, stat: true }));
    d.withPanel(burnRatePanel(slo, defs.burnPolicy, { ...o, id: ids.burnRate }));
  });
  return d.build();
}
