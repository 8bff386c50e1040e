// The backtest's I/O: every query the gate sends, fetched ONCE for the whole range.
// The window totals (deliveries, successes, p95, buckets, alerts) are the gate's own instant
// expressions evaluated by query_range at every backtest point; the per-minute series and the
// breaker counter's raw samples are fetched once over [from - window, to] and sliced per
// point. Nothing here decides.
import { canaryMatchersOf, gatedAlertGroups, type Runbook } from '../contract/runbook.ts';
import { GateConfigError } from '../gate/run.ts';
import { CB_LOOKBACK_SECONDS, canarySelector, gateQueries, type GateQueries } from '../gate/queries.ts';
import { scaledTimes, type Point } from '../gate/decide.ts';
import { PrometheusClient, PrometheusError, authFromEnv, type PrometheusAuth, type RangeSeries } from '../prometheus/client.ts';
import type { AlertDef } from '../rules/alert.ts';

/** Prometheus refuses a query_range answer of more than 11 000 points per series. */
export const MAX_POINTS_PER_QUERY = 11_000;

export interface RangeFetchOptions {
  /** The runbook whose queries (metrics, windows, alerts) the gate sends. */
  runbook: Runbook;
  prometheus: string;
  /** First and last evaluation time, unix seconds. */
  from: number;
  to: number;
  /** Seconds between evaluation points. */
  every: number;
  /** Length of the evaluated window (the checkpoint's), seconds. */
  windowSeconds: number;
  /** Matchers added to the runbook's canary matchers (naming job or track replaces that one). */
  selector?: string;
  alerts?: readonly AlertDef[];
  auth?: PrometheusAuth;
  timeoutMs?: number;
  deadlineMs?: number;
  concurrency?: number;
  retries?: number;
}

/** A range answer, or why there is none. */
export type Fetched<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface RangeData {
  selector: string;
  from: number;
  to: number;
  every: number;
  windowSeconds: number;
  /** Per evaluation time: the value of each `sum(...)` window query (absent: empty vector). */
  deliveries: Fetched<Map<number, number>>;
  successes: Fetched<Map<number, number>>;
  p95: Fetched<Map<number, number>>;
  /** Raw samples of every breaker-open counter series over [from - window - lookback, to]. */
  cbSamples: Fetched<[number, number][][]>;
  /** Per evaluation time: `[le, count]` of the window's histogram. */
  latencyBuckets: Fetched<Map<number, [number, number][]>>;
  /** Per evaluation time: our critical alert names firing in the window. */
  criticalAlerts: Fetched<Map<number, string[]>>;
  /** The per-minute series over [from - window, to]. */
  successRateSeries: Fetched<Point[]>;
  p95Series: Fetched<Point[]>;
  queries: GateQueries;
  httpRequests: number;
}

/**
 * One query_range split into pieces of at most MAX_POINTS_PER_QUERY steps, merged back by
 * series labels. Each piece starts on the grid of the first, so no step is missed or doubled.
 */
export async function chunkedRange(client: PrometheusClient, expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
  const span = (MAX_POINTS_PER_QUERY - 1) * step;
  const pieces: [number, number][] = [];
  for (let s = start; s <= end; s += span + step) pieces.push([s, Math.min(end, s + span)]);
  const answers = await Promise.all(pieces.map(([s, e]) => client.queryRange(expr, s, e, step)));
  const merged = new Map<string, RangeSeries>();
  for (const answer of answers) {
    for (const series of answer) {
      const key = JSON.stringify(Object.entries(series.metric).sort());
      const have = merged.get(key);
      if (have) have.points.push(...series.points);
      else merged.set(key, { metric: series.metric, points: [...series.points] });
    }
  }
  return [...merged.values()];
}

function why(err: unknown): string {
  if (err instanceof PrometheusError) return err.message;
  return `query failed: ${(err as Error)?.message ?? String(err)}`;
}

async function fetched<T>(p: Promise<T>): Promise<Fetched<T> & { error?: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, reason: why(error), error };
  }
}

const byTime = (series: RangeSeries[]): Map<number, number> => {
  const m = new Map<number, number>();
  if (series.length) for (const [t, v] of series[0].points) m.set(t, v);
  return m;
};

function parseBound(le: string | undefined): number {
  if (le === undefined) return Number.NaN;
  const t = le.trim();
  if (/^\+?inf$/i.test(t)) return Infinity;
  return t === '' ? Number.NaN : Number(t);
}

const bucketsByTime = (series: RangeSeries[]): Map<number, [number, number][]> => {
  const m = new Map<number, [number, number][]>();
  for (const s of series) {
    const le = parseBound(s.metric.le);
    if (Number.isNaN(le)) continue;
    for (const [t, v] of s.points) {
      let row = m.get(t);
      if (!row) m.set(t, (row = []));
      row.push([le, v]);
    }
  }
  return m;
};

const alertsByTime = (series: RangeSeries[]): Map<number, string[]> => {
  const m = new Map<number, string[]>();
  for (const s of series) {
    const name = s.metric.alertname;
    if (typeof name !== 'string') continue;
    for (const [t] of s.points) {
      let row = m.get(t);
      if (!row) m.set(t, (row = []));
      row.push(name);
    }
  }
  return m;
};

const firstPoints = (series: RangeSeries[]): Point[] => (series.length ? series[0].points : []);

const mapped = <A, B>(f: Fetched<A>, fn: (a: A) => B): Fetched<B> => (f.ok ? { ok: true, value: fn(f.value) } : { ok: false, reason: f.reason });

/** Fetches everything the backtest needs: a fixed number of requests whatever the number of points. */
export async function fetchRangeData(opts: RangeFetchOptions): Promise<RangeData> {
  const rb = opts.runbook;
  // as the gate does: --selector adds to the runbook's job and canary-track matchers
  const sel = canarySelector(opts.selector, canaryMatchersOf(rb)).selector;
  const { from, to, every, windowSeconds } = opts;
  if (!(to >= from)) throw new GateConfigError('--to must not be before --from');
  const times = scaledTimes(rb.windows, 1);
  const q = gateQueries(rb, sel, windowSeconds, opts.alerts ?? gatedAlertGroups(rb).flatMap((g) => g.alerts));
  const client = new PrometheusClient({
    url: opts.prometheus,
    auth: opts.auth ?? authFromEnv(),
    timeoutMs: opts.timeoutMs ?? 60_000,
    deadlineMs: opts.deadlineMs ?? 600_000,
    concurrency: opts.concurrency,
    retries: opts.retries,
  });
  try {
    const atPoints = (expr: string) => fetched(chunkedRange(client, expr, from, to, every));
    const seriesStart = from - windowSeconds;
    // the gate reads the breaker counter's raw samples (a series born in the window counts its
    // first value): one range selector reaching back over every point's window does the same
    const cbRaw = `${rb.metrics.circuitBreakerOpens.name}${sel}[${Math.round(to - from + windowSeconds + CB_LOOKBACK_SECONDS)}s]`;
    const [deliveries, successes, p95, cbOpens, buckets, alerts, sr, p95s] = await Promise.all([
      atPoints(q.deliveries),
      atPoints(q.successes),
      atPoints(q.p95),
      fetched(client.queryRaw(cbRaw, to)),
      atPoints(q.latencyBuckets),
      atPoints(q.criticalAlerts),
      fetched(chunkedRange(client, q.successRateSeries, seriesStart, to, times.seriesStepSeconds)),
      fetched(chunkedRange(client, q.p95Series, seriesStart, to, times.seriesStepSeconds)),
    ]);
    // a query the backend refuses is our configuration, not the history: say it once
    for (const r of [deliveries, successes, p95, cbOpens, buckets, alerts, sr, p95s]) {
      if (r && !r.ok && r.error instanceof PrometheusError && r.error.kind === 'bad_request') throw new GateConfigError(r.error.message);
    }
    return {
      selector: sel,
      from,
      to,
      every,
      windowSeconds,
      deliveries: mapped(deliveries, byTime),
      successes: mapped(successes, byTime),
      p95: mapped(p95, byTime),
      cbSamples: mapped(cbOpens, (s) => s.map((x) => x.points)),
      latencyBuckets: mapped(buckets, bucketsByTime),
      criticalAlerts: mapped(alerts, alertsByTime),
      successRateSeries: mapped(sr, firstPoints),
      p95Series: mapped(p95s, firstPoints),
      queries: q,
      httpRequests: client.requests,
    };
  } finally {
    client.close();
  }
}
