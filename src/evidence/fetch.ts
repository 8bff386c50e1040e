// Reads what the evidence needs from Prometheus: hourly totals (one range query per
// metric), the chart series, the retry histogram and the ALERTS history. All queries
// go out together; the client bounds concurrency, retries and the overall deadline.
import type { Runbook } from '../contract/runbook.ts';
import type { Selector } from '../contract/selectors.ts';
import type { PrometheusClient, RangeSeries } from '../prometheus/client.ts';
import type { ChartData } from '../charts/panels.ts';
import { firedAlerts, type FiredAlert } from './alerts.ts';
import { hourlySnapshots, hourlySteps, type HourlySnapshot, type Point } from './hourly.ts';
import { ATTEMPT_BOUNDS, attemptsQuery, chartQueries, firingAlertsQuery, hourlyQueries, ownAlerts } from './queries.ts';

export interface EvidenceData {
  hourly: HourlySnapshot[] | null;
  chart: ChartData | null;
  fired: FiredAlert[] | null;
  /** One line per part that could not be read. */
  errors: string[];
}

/** Step of the chart series: the runbook's 60 s, coarser only for very long windows. */
export function chartStep(window: { start: number; end: number }): number {
  const span = window.end - window.start;
  return Math.max(60, Math.ceil(span / 10_000 / 60) * 60);
}

const single = (r: RangeSeries[]): Point[] | null => (r.length ? (r[0].points as Point[]) : null);

function cumulative(points: readonly Point[]): Point[] {
  let sum = 0;
  return points.map(([t, v]) => {
    if (Number.isFinite(v)) sum += v;
    return [t, Math.round(sum * 1000) / 1000] as Point;
  });
}

function leOf(metric: Record<string, string>): number {
  return metric.le === '+Inf' ? Infinity : Number(metric.le);
}

/** Deliveries per attempt count from cumulative `le` buckets: "1", "2", … and "> last". */
export function attemptBars(samples: readonly { metric: Record<string, string>; value: number }[]): { label: string; value: number }[] {
  if (samples.length === 0) return [];
  const byLe = new Map(samples.map((s) => [leOf(s.metric), s.value]));
  const bounds = [...ATTEMPT_BOUNDS, Infinity];
  const bars: { label: string; value: number }[] = [];
  let prev = 0;
  for (const b of bounds) {
    const cum = Math.max(byLe.get(b) ?? prev, prev);
    bars.push({ label: b === Infinity ? `> ${ATTEMPT_BOUNDS[ATTEMPT_BOUNDS.length - 1]}` : String(b), value: Math.round((cum - prev) * 100) / 100 });
    prev = cum;
  }
  return bars;
}

export async function fetchEvidenceData(
  rb: Runbook,
  client: PrometheusClient,
  m: Selector,
  window: { start: number; end: number },
  /** The gate's per-minute series, when it already fetched them. */
  known?: { success_rate: readonly Point[]; p95_ms: readonly Point[]; baseline?: { selector: string; success_rate: readonly Point[]; p95_ms: readonly Point[] } },
): Promise<EvidenceData> {
  const errors: string[] = [];
  const guard = async <T>(what: string, p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message}`);
      return null;
    }
  };
  const hq = hourlyQueries(rb, m);
  // a runbook without an attempts histogram draws an empty retry chart
  const attemptsExpr = attemptsQuery(rb, m, window.end - window.start);
  const steps = hourlySteps(window);
  const step = chartStep(window);
  const cq = chartQueries(rb, m, step);
  const range = (q: string) => client.queryRange(q, window.start, window.end, step);
  const hourlyRange = (q: string) => client.queryRange(q, steps!.start, steps!.end, steps!.step);

  const [del, ok, cb, buckets, sr, p95, cbSteps, attempts, alerts] = await Promise.all([
    steps ? guard('hourly deliveries', hourlyRange(hq.deliveries)) : null,
    steps ? guard('hourly successes', hourlyRange(hq.successes)) : null,
    steps ? guard('hourly circuit breaker opens', hourlyRange(hq.cbOpens)) : null,
    steps ? guard('hourly latency buckets', hourlyRange(hq.durationBuckets)) : null,
    known && step === 60 ? [{ metric: {}, points: [...known.success_rate] }] : guard('success rate series', range(cq.successRatePercent)),
    known && step === 60 ? [{ metric: {}, points: [...known.p95_ms] }] : guard('p95 series', range(cq.p95Ms)),
    guard('circuit breaker series', range(cq.cbOpensPerStep)),
    attemptsExpr === null ? [] : guard('retry histogram', client.query(attemptsExpr, window.end)),
    guard('ALERTS history', range(firingAlertsQuery(rb, step))),
  ]);

  let hourly: HourlySnapshot[] | null = null;
  if (!steps) hourly = [];
  else if (del && ok && cb && buckets) {
    hourly = hourlySnapshots({
      window,
      deliveries: single(del),
      successes: single(ok),
      cbOpens: single(cb),
      durationBuckets: buckets.map((s) => ({ le: leOf(s.metric), points: s.points as Point[] })),
    });
  }
  const chart: ChartData | null =
    sr && p95 && cbSteps && attempts
      ? {
          window,
          successRate: single(sr) ?? [],
          p95Ms: single(p95) ?? [],
          attempts: attemptBars(attempts),
          cbOpensCumulative: cumulative(single(cbSteps) ?? []),
          ...(known?.baseline ? { baseline: { selector: known.baseline.selector, successRate: known.baseline.success_rate, p95Ms: known.baseline.p95_ms } } : {}),
        }
      : null;
  const fired = alerts ? firedAlerts(alerts, step, ownAlerts(rb)) : null;
  return { hourly, chart, fired, errors };
}
