// The gate's shell: query Prometheus (concurrently, bounded), scan the logs, then hand
// plain numbers to decide(). Nothing here makes a decision.
import { canaryAlertGroup } from '../../alerts/webhook-canary.ts';
import type { CheckpointName } from '../../slo/canary.ts';
import { DEFAULT_CANARY_SELECTOR } from '../contract/selectors.ts';
import { canaryGates, canaryPhases } from '../../slo/canary.ts';
import type { AlertDef } from '../rules/alert.ts';
import { TEAM_LABEL } from '../rules/alert.ts';
import { PrometheusClient, PrometheusError, authFromEnv, redactUrl, type InstantSample, type PrometheusAuth, type RangeSeries } from '../prometheus/client.ts';
import { checkTimeScale, decide, DEFAULT_TIME_SCALE, measured, missing, scaledTimes, type Decision, type GateEvidence, type Measured, type PhaseNumber, type Point } from './decide.ts';
import { gateQueries, type GateQueries } from './queries.ts';
import type { PiiPolicy } from '../pii/policy.ts';

/** What the gate's PII scan read and found, without any raw value. */
export interface PiiScanSummary {
  files: number;
  lines: number;
  bytes: number;
  by_category: Record<string, number>;
  /** Lines per (category, field), with a redacted sample; `pre-existing` pairs do not count as leaks. */
  groups?: { category: string; field: string; lines: number; rule: string; sample: string; status: 'new' | 'pre-existing' }[];
  baseline?: { files: number; lines: number; bytes: number; pairs: number };
  pre_existing?: number;
}

export interface GateOptions {
  prometheus: string;
  /** T+0, unix seconds. */
  start: number;
  /** End of the window, unix seconds (default: now). */
  at?: number;
  checkpoint: CheckpointName;
  phase?: PhaseNumber;
  selector?: string;
  /** Log files or globs for the PII scan. */
  logs?: readonly string[];
  /** The stable track's logs of the same window: PII pairs found there too are pre-existing. */
  baselineLogs?: readonly string[];
  /** The service's PII policy (the CLI passes the runbook's); without one no field is exempt. */
  piiPolicy?: PiiPolicy;
  /** Evidence deliberately not gathered: only 'pii' for now. */
  skip?: readonly string[];
  minDeliveries?: number;
  alertmanager?: string;
  /** Per-request timeout (default 10 000 ms). */
  timeoutMs?: number;
  /** Whole-gate deadline (default 60 000 ms). */
  deadlineMs?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  retries?: number;
  backoffMs?: number;
  /** Credentials; default from PROMETHEUS_TOKEN / PROMETHEUS_USER / PROMETHEUS_PASSWORD / PROMETHEUS_CA. */
  auth?: PrometheusAuth;
  /** Alert definitions whose critical names count (default: the webhook_canary group). */
  alerts?: readonly AlertDef[];
  /**
   * Multiplies every time constant of the decision (default 1, the runbook's): for
   * rehearsals, demos and end-to-end tests, never for a production canary.
   */
  timeScale?: number;
}

export interface GateResult extends Decision {
  window: { start: string; end: string };
  selector: string;
  source: string;
  /** The per-minute series the sustained checks used, for charts (no re-query needed). */
  series: { success_rate: Point[]; p95_ms: Point[] };
  /** Names of our critical alerts that fired in the window. */
  fired_alerts: string[];
  /** The PII scan's counts, when one ran. */
  pii_scan?: PiiScanSummary;
  queries: GateQueries;
  http_requests: number;
}

/** Thrown for a query Prometheus rejects (HTTP 4xx): the configuration is wrong, not the canary. */
export class GateConfigError extends Error {}

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export async function runGate(opts: GateOptions): Promise<GateResult> {
  const phase = opts.phase ?? canaryPhases[0].phase;
  const end = Math.floor(opts.at ?? Date.now() / 1000);
  const start = Math.floor(opts.start);
  const g = await gatherEvidence({ ...opts, start, end, series: true });
  const evidence: GateEvidence = {
    ...g.evidence,
    checkpoint: opts.checkpoint,
    phase,
    minDeliveries: opts.minDeliveries ?? canaryGates.minDeliveries,
    ...(opts.timeScale !== undefined && opts.timeScale !== DEFAULT_TIME_SCALE ? { timeScale: opts.timeScale } : {}),
  };
  const decision = decide(evidence);
  return {
    ...decision,
    window: { start: iso(start), end: iso(end) },
    selector: g.selector,
    source: redactUrl(opts.prometheus),
    series: g.series,
    fired_alerts: evidence.criticalAlerts.ok ? [...new Set(evidence.criticalAlerts.value)].sort() : [],
    ...(g.piiScan ? { pii_scan: g.piiScan } : {}),
    queries: g.queries,
    http_requests: g.httpRequests,
  };
}

export type WindowEvidence = Omit<GateEvidence, 'checkpoint' | 'phase' | 'minDeliveries'>;

export interface GatheredEvidence {
  evidence: WindowEvidence;
  selector: string;
  series: GateResult['series'];
  piiScan?: GateResult['pii_scan'];
  queries: GateQueries;
  httpRequests: number;
}

export type GatherOptions = Omit<GateOptions, 'checkpoint' | 'phase' | 'minDeliveries' | 'at'> & {
  /** Unix seconds. */
  end: number;
  /** Also fetch the per-minute series (the gate needs them; a summary does not). */
  series: boolean;
};

/** Queries one window (concurrently, bounded by the client) and scans the logs. Decides nothing. */
export async function gatherEvidence(opts: GatherOptions): Promise<GatheredEvidence> {
  const sel = (opts.selector ?? DEFAULT_CANARY_SELECTOR).trim();
  const { start, end } = opts;
  const windowSeconds = end - start;
  if (windowSeconds <= 0) throw new GateConfigError(`the window is empty: its end ${iso(end)} is not after its start ${iso(start)}`);
  const scale = opts.timeScale ?? DEFAULT_TIME_SCALE;
  const scaleErr = checkTimeScale(scale);
  if (scaleErr) throw new GateConfigError(scaleErr);
  const times = scaledTimes(scale);
  const alertDefs = opts.alerts ?? canaryAlertGroup.alerts;
  const q = gateQueries(sel, windowSeconds, alertDefs, scale);
  const client = new PrometheusClient({
    url: opts.prometheus,
    auth: opts.auth ?? authFromEnv(),
    timeoutMs: opts.timeoutMs,
    deadlineMs: opts.deadlineMs,
    concurrency: opts.concurrency,
    retries: opts.retries,
    backoffMs: opts.backoffMs,
  });
  const criticalNames = new Set(alertDefs.filter((a) => a.severity === 'critical').map((a) => a.name));
  const skip = Promise.resolve(undefined);
  try {
    const instant = (expr: string) => settle(client.query(expr, end));
    const longWindow = windowSeconds > times.daySeconds;
    // everything at once; the client bounds how many are in flight
    const [deliveries, successes, p95, buckets, cb, cb24, alerts, srSeries, p95Series, amAlerts, pii] = await Promise.all([
      instant(q.deliveries),
      instant(q.successes),
      instant(q.p95),
      instant(q.latencyBuckets),
      instant(q.cbOpens),
      longWindow ? settle(client.queryRange(q.cbOpens24h, start + times.daySeconds, end, times.cb24hStepSeconds)) : skip,
      instant(q.criticalAlerts),
      opts.series ? settle(client.queryRange(q.successRateSeries, start, end, times.seriesStepSeconds)) : skip,
      opts.series ? settle(client.queryRange(q.p95Series, start, end, times.seriesStepSeconds)) : skip,
      opts.alertmanager ? settle(activeAlertmanagerAlerts(opts.alertmanager, criticalNames, opts)) : skip,
      piiEvidence(opts),
    ]);

    for (const r of [deliveries, successes, p95, buckets, cb, cb24, alerts, srSeries, p95Series]) {
      if (r && !r.ok && r.error instanceof PrometheusError && r.error.kind === 'bad_request') throw new GateConfigError(r.error.message);
    }

    const noSeries = `no series match ${sel} in the window`;
    const deliveriesM = scalar(deliveries, noSeries);
    const notFetched = missing<Point[]>('not fetched');
    const evidence: WindowEvidence = {
      window: { start, end },
      deliveries: deliveriesM,
      successes: scalar(successes, `no success counter series match ${sel}`),
      p95Seconds: scalar(p95, `no latency histogram series match ${sel}`),
      latencyBuckets: bucketCounts(buckets),
      // an endpoint's breaker counter appears on its first open: with deliveries present, absent means none
      cbOpens: deliveriesM.ok ? scalar(cb, '', 0) : missing(deliveriesM.reason),
      cbOpensMax24h: longWindow && cb24 ? maxOfRange(cb24, deliveriesM.ok ? 0 : null) : undefined,
      criticalAlerts: alertNames(alerts, amAlerts),
      piiLeaks: pii.leaks,
      successRateSeries: srSeries ? series(srSeries, noSeries) : notFetched,
      p95Series: p95Series ? series(p95Series, noSeries) : notFetched,
    };
    return {
      evidence,
      selector: sel,
      series: {
        success_rate: srSeries ? firstSeries(srSeries) : [],
        p95_ms: p95Series ? firstSeries(p95Series).map(([t, v]) => [t, v * 1000] as Point) : [],
      },
      piiScan: pii.scan,
      queries: q,
      httpRequests: client.requests,
    };
  } finally {
    client.close();
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

function why(err: unknown): string {
  if (err instanceof PrometheusError) return err.message;
  return `query failed: ${(err as Error)?.message ?? String(err)}`;
}

/** One number from a `sum(...)` query; an empty vector means no series (or `ifEmpty`). */
function scalar(r: Settled<InstantSample[]>, noSeries: string, ifEmpty?: number): Measured<number> {
  if (!r.ok) return missing(why(r.error));
  if (r.value.length === 0) return ifEmpty === undefined ? missing(noSeries) : measured(ifEmpty);
  return measured(r.value[0].value);
}

/** `sum by (le)` rows as [bound, count]; `le` may be written `2`, `2.0` or `+Inf`. */
function bucketCounts(r: Settled<InstantSample[]>): Measured<[number, number][]> {
  if (!r.ok) return missing(why(r.error));
  return measured(r.value.map((s) => [parseBound(s.metric.le), s.value] as [number, number]).filter(([le]) => !Number.isNaN(le)));
}

function parseBound(le: string | undefined): number {
  if (le === undefined) return Number.NaN;
  const t = le.trim();
  if (/^\+?inf$/i.test(t)) return Infinity;
  return t === '' ? Number.NaN : Number(t);
}

function maxOfRange(r: Settled<RangeSeries[]>, ifEmpty: number | null): Measured<number> {
  if (!r.ok) return missing(why(r.error));
  const values = r.value.flatMap((s) => s.points.map(([, v]) => v)).filter((v) => !Number.isNaN(v));
  if (values.length === 0) return ifEmpty === null ? missing('no circuit breaker data') : measured(ifEmpty);
  return measured(Math.max(...values));
}

function series(r: Settled<RangeSeries[]>, noSeries: string): Measured<Point[]> {
  if (!r.ok) return missing(why(r.error));
  if (r.value.length === 0) return missing(noSeries);
  return measured(r.value[0].points);
}

function firstSeries(r: Settled<RangeSeries[]>): Point[] {
  return r.ok && r.value.length ? r.value[0].points : [];
}

function alertNames(r: Settled<InstantSample[]>, am: Settled<string[]> | undefined): Measured<string[]> {
  if (!r.ok) return missing(why(r.error));
  if (am && !am.ok) return missing(`Alertmanager: ${why(am.error)}`);
  const names = r.value.map((s) => s.metric.alertname).filter((n): n is string => typeof n === 'string');
  return measured([...names, ...(am?.ok ? am.value : [])]);
}

/** Our critical alerts Alertmanager holds right now (it knows nothing of the past). */
async function activeAlertmanagerAlerts(url: string, names: ReadonlySet<string>, opts: GatherOptions): Promise<string[]> {
  // no Prometheus credentials here: they belong to another host
  const am = new PrometheusClient({ url, timeoutMs: opts.timeoutMs, deadlineMs: opts.deadlineMs, retries: opts.retries, backoffMs: opts.backoffMs });
  try {
    const doc = await am.getJson('api/v2/alerts?active=true');
    if (!Array.isArray(doc)) throw new PrometheusError('malformed', `${am.displayUrl}/api/v2/alerts did not answer a list of alerts`);
    const team = Object.entries(TEAM_LABEL);
    return (doc as { labels?: Record<string, string> }[])
      .filter((a) => a.labels && names.has(a.labels.alertname) && a.labels.severity === 'critical' && team.every(([k, v]) => a.labels![k] === v || a.labels![k] === undefined || a.labels![k] === ''))
      .map((a) => a.labels!.alertname);
  } finally {
    am.close();
  }
}

async function piiEvidence(opts: GatherOptions): Promise<{ leaks: Measured<number> | 'skipped'; scan?: GateResult['pii_scan'] }> {
  if (opts.skip?.includes('pii')) return { leaks: 'skipped' };
  if (!opts.logs || opts.logs.length === 0) return { leaks: missing('no logs given (--logs PATH, or --skip pii)') };
  try {
    // loaded on demand: a gate without --logs never needs the scanner
    const { scanLogs } = await import('../pii/index.ts');
    const r = await scanLogs([...opts.logs], { maxFindings: 0, policy: opts.piiPolicy, baseline: opts.baselineLogs?.length ? [...opts.baselineLogs] : undefined });
    if (r.files === 0) return { leaks: missing(`no log files match ${opts.logs.join(' ')}`) };
    const scan: PiiScanSummary = { files: r.files, lines: r.lines, bytes: r.bytes, by_category: r.by_category };
    // every pair stays in the result, pre-existing ones too: they are leaks to fix, not new ones
    if (r.groups.length) scan.groups = r.groups.map(({ category, field, lines, rule, sample, status }) => ({ category, field, lines, rule, sample, status }));
    if (r.baseline) {
      scan.baseline = r.baseline;
      scan.pre_existing = r.pre_existing ?? 0;
    }
    return { leaks: measured(r.pii_leaks), scan };
  } catch (err) {
    const msg = (err as Error)?.message ?? String(err);
    return { leaks: missing(`the log scan failed: ${msg.split('\n')[0]}`) };
  }
}
