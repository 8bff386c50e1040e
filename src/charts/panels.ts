// The runbook's four evidence panels of the `webhook-canary-observability` dashboard,
// drawn from Prometheus data when there is no Grafana to render them.
import type { Runbook } from '../contract/runbook.ts';
import { parseDuration } from '../promql/duration.ts';
import { barChart, lineChart, type Point } from './svg.ts';

/** Grafana's URL slug of a dashboard title ("Webhooks Canary" -> webhooks-canary). */
export const dashboardSlug = (title: string): string => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export interface EvidencePanel {
  /** Panel id on the dashboard (the runbook's `panelId=`). */
  id: number;
  /** File name part: `grafana/T+24h_<slug>.png|svg`. */
  slug: 'success_rate' | 'p95_latency' | 'retry_histogram' | 'cb_sparkline';
  title: string;
}

/** The four evidence panels of the runbook's evidence dashboard. */
export function evidencePanels(rb: Runbook): readonly EvidencePanel[] {
  const ids = rb.dashboardPolicy.evidence?.panels ?? { successRate: 0, p95Latency: 0, retryHistogram: 0, circuitBreakerOpens: 0 };
  const w = rb.windows;
  const q = `p${Math.round(w.latencyQuantile * 100)}`;
  return [
    { id: ids.successRate, slug: 'success_rate', title: `Success rate (${w.rate})` },
    { id: ids.p95Latency, slug: 'p95_latency', title: `${q} delivery latency (${w.rate})` },
    { id: ids.retryHistogram, slug: 'retry_histogram', title: 'Retry histogram (attempts per delivery)' },
    { id: ids.circuitBreakerOpens, slug: 'cb_sparkline', title: 'Circuit breaker opens (cumulative)' },
  ];
}

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
  /** The baseline's series over the same window (`gate --baseline`), drawn beside the canary's. */
  baseline?: { selector: string; successRate: readonly Point[]; p95Ms: readonly Point[] };
}

export function drawPanel(rb: Runbook, slug: EvidencePanel['slug'], d: ChartData, size: { width?: number; height?: number } = {}): string {
  const sr = rb.gates.successRate;
  const lat = rb.gates.p95LatencyMs;
  const cb = rb.gates.circuitBreakerOpensPerDay;
  const DAY_SECONDS = parseDuration(rb.windows.circuitBreakerDay);
  const title = evidencePanels(rb).find((p) => p.slug === slug)!.title;
  switch (slug) {
    case 'success_rate':
      return lineChart({
        ...size,
        title,
        unit: 'percent',
        points: d.successRate,
        ...(d.baseline ? { label: 'canary', compare: { label: `baseline ${d.baseline.selector}`, points: d.baseline.successRate } } : {}),
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
        ...(d.baseline ? { label: 'canary', compare: { label: `baseline ${d.baseline.selector}`, points: d.baseline.p95Ms } } : {}),
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
