// The runbook's four evidence panels of the `webhook-canary-observability` dashboard,
// drawn from Prometheus data when there is no Grafana to render them.
import { canaryGates } from '../../slo/canary.ts';
import { CANARY_DASHBOARD, canaryPanelIds } from '../../dashboards/panel-ids.ts';
import { barChart, lineChart, type Point } from './svg.ts';

export const DASHBOARD_UID = CANARY_DASHBOARD.uid;
/** Grafana's URL slug of the dashboard title ("Webhooks Canary" -> webhooks-canary). */
export const DASHBOARD_SLUG = CANARY_DASHBOARD.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export interface EvidencePanel {
  /** Panel id on the dashboard (the runbook's `panelId=`). */
  id: number;
  /** File name part: `grafana/T+24h_<slug>.png|svg`. */
  slug: 'success_rate' | 'p95_latency' | 'retry_histogram' | 'cb_sparkline';
  title: string;
}

export const evidencePanels: readonly EvidencePanel[] = [
  { id: canaryPanelIds.successRate, slug: 'success_rate', title: 'Success rate (5m)' },
  { id: canaryPanelIds.p95Latency, slug: 'p95_latency', title: 'p95 delivery latency (5m)' },
  { id: canaryPanelIds.retryHistogram, slug: 'retry_histogram', title: 'Retry histogram (attempts per delivery)' },
  { id: canaryPanelIds.circuitBreakerOpens, slug: 'cb_sparkline', title: 'Circuit breaker opens (cumulative)' },
];

/** What the charts are drawn from; all times are unix seconds. */
export interface ChartData {
  window: { start: number; end: number };
  /** Success rate in percent per step. */
  successRate: readonly Point[];
  /** p95 in milliseconds per step. */
  p95Ms: readonly Point[];
  /** Deliveries by attempt count over the window (1, 2, ... and the overflow bucket). */
  attempts: readonly { label: string; value: number }[];
  /** Cumulative circuit breaker opens since the window start. */
  cbOpensCumulative: readonly Point[];
}

const DAY_SECONDS = 86400;

export function drawPanel(slug: EvidencePanel['slug'], d: ChartData, size: { width?: number; height?: number } = {}): string {
  const sr = canaryGates.successRate;
  const lat = canaryGates.p95LatencyMs;
  const cb = canaryGates.circuitBreakerOpensPerDay;
  const title = evidencePanels.find((p) => p.slug === slug)!.title;
  switch (slug) {
    case 'success_rate':
      return lineChart({
        ...size,
        title,
        unit: 'percent',
        points: d.successRate,
        yMax: 100,
        thresholds: [
          { value: sr.target, label: `target ${sr.target}%`, kind: 'warn' },
          { value: sr.critical, label: `rollback ${sr.critical}%`, kind: 'critical' },
        ],
      });
    case 'p95_latency':
      return lineChart({
        ...size,
        title,
        unit: 'ms',
        points: d.p95Ms,
        yMin: 0,
        thresholds: [
          { value: lat.target, label: `target ${lat.target} ms`, kind: 'warn' },
          { value: lat.critical, label: `rollback ${lat.critical} ms`, kind: 'critical' },
        ],
      });
    case 'retry_histogram':
      return barChart({ ...size, title, unit: 'deliveries', bars: d.attempts });
    case 'cb_sparkline': {
      // the daily target pro-rated to the window, as the gate judges it
      const days = Math.max(d.window.end - d.window.start, 1) / DAY_SECONDS;
      const allowed = Math.round(cb.target * days * 1000) / 1000;
      return lineChart({
        ...size,
        title,
        unit: 'opens since T+0',
        points: d.cbOpensCumulative,
        yMin: 0,
        format: (v) => String(Math.round(v * 10) / 10),
        thresholds: [
          { value: allowed, label: `target < ${allowed}`, kind: 'warn' },
          { value: cb.critical, label: `rollback > ${cb.critical}`, kind: 'critical' },
        ],
      });
    }
  }
}
