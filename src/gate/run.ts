// The gate's shell: query Prometheus (concurrently, bounded), scan the logs, then hand
// plain numbers to decide(). Nothing here makes a decision.
import { canaryMatchersOf, gatedAlertGroups, type CheckpointName, type Runbook } from '../contract/runbook.ts';
import type { AlertDef, AlertGroupDef } from '../rules/alert.ts';
import { compareRuleGroup, evaluationGaps, expectedAlertGroup, fetchLoadedRuleGroups, type RuleGroupReport } from '../rules/loaded.ts';
import { PrometheusClient, PrometheusError, authFromEnv, redactUrl, type InstantSample, type PrometheusAuth, type RangeSeries } from '../prometheus/client.ts';
import { counterEvents, countEvents } from './counters.ts';
import { checkTimeScale, decide, DEFAULT_TIME_SCALE, measured, missing, scaledTimes, type Decision, type GateEvidence, type Measured, type PhaseNumber, type Point, type RuleCoverage, type RuleGroupEvidence } from './decide.ts';
import { canarySelector, gateQueries, type GateQueries } from './queries.ts';
import { checksOf, type GateCheck } from './checks/index.ts';
import type { FileTimes, ReadError, ScanResult, WindowCoverage } from '../pii/index.ts';
import type { LogSource } from '../pii/source.ts';
import { defaultMaxGap } from '../pii/coverage.ts';

export interface GateOptions {
  /** The runbook whose thresholds, checkpoints, alerts and metrics apply. */
  runbook: Runbook;
  prometheus: string;
  /** T+0, unix seconds. */
  start: number;
  /** End of the window, unix seconds (default: now). */
  at?: number;
  checkpoint: CheckpointName;
  phase?: PhaseNumber;
  selector?: string;
  /** The baseline's label matchers (`{track="stable"}`): adds the canary_vs_baseline check. */
  baseline?: string;
  /** Log files or globs for the PII scan. */
  logs?: readonly string[];
  /** Where the logs come from and the PII policy (`--logs`/`--loki`, `--allow`); wins over `logs`. */
  logSource?: LogSource;
  /** Keep this many redacted PII lines in `piiResult` (for the evidence folder); default none. */
  piiEvidenceLines?: number;
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
  /** Alert definitions whose critical names count (default: every alert of the runbook). */
  alerts?: readonly AlertDef[];
  /** The checks to run (default: the runbook's, see checksOf); their own queries are gathered too. */
  checks?: readonly GateCheck[];
  /** Where `/api/v1/rules` is served (default: the Prometheus URL): a ruler, vmalert, Mimir's ruler. */
  rulesUrl?: string;
  /**
   * Multiplies every time constant of the decision (default 1, the runbook's): for
   * rehearsals, demos and end-to-end tests, never for a production canary.
   */
  timeScale?: number;
}

export interface GateResult extends Decision {
  window: { start: string; end: string };
  selector: string;
  /** Set when --selector no longer pins the canary track. */
  selector_warning?: string;
  source: string;
  /** The alert rule groups as the backend runs them (null when they could not be read). */
  rules: RuleGroupReport[] | null;
  /** The per-minute series the sustained checks used, for charts (no re-query needed). */
  series: { success_rate: Point[]; p95_ms: Point[] };
  /** The baseline's per-minute series over the same window, when one was compared. */
  baseline_series?: { selector: string; success_rate: Point[]; p95_ms: Point[] };
  /** Names of our critical alerts that fired in the window. */
  fired_alerts: string[];
  /** The PII scan's counts, when one ran. */
  pii_scan?: {
    files: number;
    lines: number;
    bytes: number;
    by_category: Record<string, number>;
    errors: ReadError[];
    per_file: FileTimes[];
    first_leak_ts?: string;
    last_leak_ts?: string;
    coverage?: WindowCoverage;
  };
  queries: GateQueries;
  http_requests: number;
  /** The whole scan result (with evidence lines when asked for); not part of the verdict JSON. */
  piiResult?: ScanResult;
}

/** Thrown for a query Prometheus rejects (HTTP 4xx): the configuration is wrong, not the canary. */
export class GateConfigError extends Error {}

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export async function runGate(opts: GateOptions): Promise<GateResult> {
  const rb = opts.runbook;
  const phase = opts.phase ?? rb.phases[0].phase;
  const end = Math.floor(opts.at ?? Date.now() / 1000);
  const start = Math.floor(opts.start);
  const g = await gatherEvidence({ ...opts, start, end, series: true });
  const evidence: GateEvidence = {
    ...g.evidence,
    checkpoint: opts.checkpoint,
    phase,
    minDeliveries: opts.minDeliveries ?? rb.gates.minDeliveries,
    ...(opts.timeScale !== undefined && opts.timeScale !== DEFAULT_TIME_SCALE ? { timeScale: opts.timeScale } : {}),
  };
  const decision = decide(evidence, rb, opts.checks ? { checks: opts.checks } : {});
  return {
    ...decision,
    window: { start: iso(start), end: iso(end) },
    selector: g.selector,
    ...(g.selectorWarning ? { selector_warning: g.selectorWarning } : {}),
    source: redactUrl(opts.prometheus),
    rules: g.evidence.rules.ok ? g.evidence.rules.value.groups.map((x) => x.report) : null,
    series: g.series,
    ...(g.baselineSeries ? { baseline_series: g.baselineSeries } : {}),
    fired_alerts: evidence.criticalAlerts.ok ? [...new Set(evidence.criticalAlerts.value)].sort() : [],
    ...(g.piiScan ? { pii_scan: g.piiScan } : {}),
    ...(g.piiResult ? { piiResult: g.piiResult } : {}),
    queries: g.queries,
    http_requests: g.httpRequests,
  };
}

export type WindowEvidence = Omit<GateEvidence, 'checkpoint' | 'phase' | 'minDeliveries'>;

export interface GatheredEvidence {
  evidence: WindowEvidence;
  selector: string;
  selectorWarning?: string;
  series: GateResult['series'];
  baselineSeries?: GateResult['baseline_series'];
  piiScan?: GateResult['pii_scan'];
  piiResult?: ScanResult;
  queries: GateQueries;
  httpRequests: number;
}

export type GatherOptions = Omit<GateOptions, 'checkpoint' | 'phase' | 'minDeliveries' | 'at'> & {
  /** Unix seconds. */
  end: number;
  /** Also fetch the per-minute series (the gate needs them; a summary does not). */
  series: boolean;
  /** Also check the loaded alert rules (default true; a summary does not need them). */
  rules?: boolean;
};

/** Queries one window (concurrently, bounded by the client) and scans the logs. Decides nothing. */
export async function gatherEvidence(opts: GatherOptions): Promise<GatheredEvidence> {
  const rb = opts.runbook;
  const chosen = canarySelector(opts.selector, canaryMatchersOf(rb));
  const sel = chosen.selector;
  const { start, end } = opts;
  const windowSeconds = end - start;
  if (windowSeconds <= 0) throw new GateConfigError(`the window is empty: its end ${iso(end)} is not after its start ${iso(start)}`);
  const scale = opts.timeScale ?? DEFAULT_TIME_SCALE;
  const scaleErr = checkTimeScale(scale);
  if (scaleErr) throw new GateConfigError(scaleErr);
  const times = scaledTimes(rb.windows, scale);
  const alertDefs = opts.alerts ?? gatedAlertGroups(rb).flatMap((g) => g.alerts);
  const clientOpts = {
    auth: opts.auth ?? authFromEnv(),
    timeoutMs: opts.timeoutMs,
    deadlineMs: opts.deadlineMs,
    concurrency: opts.concurrency,
    retries: opts.retries,
    backoffMs: opts.backoffMs,
  };
  const client = new PrometheusClient({ url: opts.prometheus, ...clientOpts });
  const rulesClient = opts.rulesUrl && opts.rulesUrl !== opts.prometheus ? new PrometheusClient({ url: opts.rulesUrl, ...clientOpts }) : client;
  const criticalNames = new Set(alertDefs.filter((a) => a.severity === 'critical').map((a) => a.name));
  const skip = Promise.resolve(undefined);
  try {
    // the rule group first: its interval sets how old an evaluation may be
    const rules =
      opts.rules === false
        ? Promise.resolve({ ok: false as const, error: new Error('not checked') })
        : settle(Promise.all(gatedAlertGroups(rb).map((group) => ruleGroupEvidence(rb, rulesClient, client, group, { start, end }, scale, times.seriesStepSeconds))).then((groups) => ({ groups })));
    const q = gateQueries(rb, sel, windowSeconds, alertDefs, scale);
    const instant = (expr: string) => settle(client.query(expr, end));
    // the checks' own queries, by key
    const extraQueries = Object.entries(Object.assign({}, ...(opts.checks ?? checksOf(rb)).map((c) => c.queries?.({ selector: sel, window: `${Math.round(windowSeconds)}s` }) ?? {})) as Record<string, string>);
    const extraP = Promise.all(extraQueries.map(async ([k, expr]) => [k, scalar(await instant(expr), `no series for ${expr}`)] as const));
    // everything at once; the client bounds how many are in flight
    const baseSel = opts.baseline !== undefined ? canarySelector(opts.baseline, canaryMatchersOf(rb)).selector : undefined;
    const bq = baseSel ? gateQueries(rb, baseSel, windowSeconds, alertDefs, scale) : undefined;
    const baselineFetch = bq
      ? Promise.all([
          instant(bq.deliveries),
          instant(bq.successes),
          instant(bq.p95),
          settle(client.queryRange(bq.successRateSeries, start, end, times.seriesStepSeconds)),
          settle(client.queryRange(bq.p95Series, start, end, times.seriesStepSeconds)),
        ])
      : skip;
    const [deliveries, successes, p95, buckets, cb, alerts, srSeries, p95Series, amAlerts, pii, rulesR, base] = await Promise.all([
      instant(q.deliveries),
      instant(q.successes),
      instant(q.p95),
      instant(q.latencyBuckets),
      settle(client.queryRaw(q.cbOpens, end)),
      instant(q.criticalAlerts),
      opts.series ? settle(client.queryRange(q.successRateSeries, start, end, times.seriesStepSeconds)) : skip,
      opts.series ? settle(client.queryRange(q.p95Series, start, end, times.seriesStepSeconds)) : skip,
      opts.alertmanager ? settle(activeAlertmanagerAlerts(opts.alertmanager, criticalNames, opts)) : skip,
      piiEvidence(opts),
      rules,
      baselineFetch,
    ]);
    const extra = Object.fromEntries(await extraP);

    for (const r of [deliveries, successes, p95, buckets, cb, alerts, srSeries, p95Series, ...(base ?? [])]) {
      if (r && !r.ok && r.error instanceof PrometheusError && r.error.kind === 'bad_request') throw new GateConfigError(r.error.message);
    }

    const noSeries = `no series match ${sel} in the window`;
    const deliveriesM = scalar(deliveries, noSeries);
    const notFetched = missing<Point[]>('not fetched');
    const opens = breakerOpens(cb, { start, end }, times.daySeconds, deliveriesM);
    const evidence: WindowEvidence = {
      window: { start, end },
      deliveries: deliveriesM,
      successes: scalar(successes, `no success counter series match ${sel}`),
      p95Seconds: scalar(p95, `no latency histogram series match ${sel}`),
      latencyBuckets: bucketCounts(buckets),
      cbOpens: opens.total,
      cbOpensMax24h: windowSeconds > times.daySeconds ? opens.max24h : undefined,
      criticalAlerts: alertNames(alerts, amAlerts),
      piiLeaks: pii.leaks,
      piiProblems: pii.problems,
      successRateSeries: srSeries ? series(srSeries, noSeries) : notFetched,
      p95Series: p95Series ? series(p95Series, noSeries) : notFetched,
      rules: rulesR.ok ? measured(rulesR.value) : missing(why(rulesR.error)),
      ...(extraQueries.length ? { extra } : {}),
      ...(chosen.warning ? { notes: [`${chosen.warning} (selector ${sel}).`] } : {}),
    };
    if (base && baseSel) {
      const [bd, bs, bp, bsr, bp95] = base;
      const none = `no series match ${baseSel} in the window`;
      evidence.baseline = {
        selector: baseSel,
        deliveries: scalar(bd, none),
        successes: scalar(bs, none),
        p95Seconds: scalar(bp, none),
        successRateSeries: series(bsr, none),
        p95Series: series(bp95, none),
      };
    }
    return {
      evidence,
      selector: sel,
      ...(chosen.warning ? { selectorWarning: chosen.warning } : {}),
      series: {
        success_rate: srSeries ? firstSeries(srSeries) : [],
        p95_ms: p95Series ? firstSeries(p95Series).map(([t, v]) => [t, v * 1000] as Point) : [],
      },
      ...(base && baseSel ? { baselineSeries: { selector: baseSel, success_rate: firstSeries(base[3]), p95_ms: firstSeries(base[4]).map(([t, v]) => [t, v * 1000] as Point) } } : {}),
      piiScan: pii.scan,
      ...(pii.result ? { piiResult: pii.result } : {}),
      queries: q,
      httpRequests: client.requests + (rulesClient === client ? 0 : rulesClient.requests),
    };
  } finally {
    client.close();
    if (rulesClient !== client) rulesClient.close();
  }
}

/**
 * The alert group as loaded, compared with the generated one, and whether the backend's
 * own metrics show it evaluated throughout the window (Prometheus scraping itself, or a
 * scraped vmalert). Neither recorded: said, not held against the verdict.
 */
async function ruleGroupEvidence(rb: Runbook, rulesClient: PrometheusClient, client: PrometheusClient, group: AlertGroupDef, window: { start: number; end: number }, scale: number, stepSeconds: number): Promise<RuleGroupEvidence> {
  // one fetch per gate would do; groups are few, and each compare is against the same answer
  const loaded = await fetchLoadedRuleGroups(rulesClient);
  const report = compareRuleGroup(expectedAlertGroup(group, { ownerLabels: rb.ownerLabels, forScale: scale }), loaded, { now: Date.now() / 1000 });
  const interval = report.intervalSeconds ?? 60;
  // three missed evaluations, plus two steps for the scrape that records them
  const limit = 3 * interval + 2 * stepSeconds;
  const q = gateQueries(rb, '{}', window.end - window.start, [], scale, group.name, limit);
  const [prom, vm] = await Promise.all([
    settle(client.queryRange(q.ruleEvaluations, window.start, window.end, stepSeconds)),
    settle(client.queryRange(q.ruleIterations, window.start, window.end, stepSeconds)),
  ]);
  let coverage: RuleCoverage;
  const points = (r: Settled<RangeSeries[]>) => (r.ok && r.value.length ? r.value[0].points : null);
  const p = points(prom);
  const v = points(vm);
  if (p) coverage = { recorded: true, source: 'prometheus_rule_group_last_evaluation_timestamp_seconds', gaps: evaluationGaps(p, window, stepSeconds, limit, 'timestamp') };
  else if (v && v.some(([, x]) => x > 0)) coverage = { recorded: true, source: 'vmalert_iteration_total', gaps: evaluationGaps(v, window, stepSeconds, limit, 'count') };
  else if (!prom.ok) coverage = { recorded: false, why: `the query for rule evaluations failed: ${why(prom.error)}` };
  else coverage = { recorded: false, why: `${client.displayUrl} holds no prometheus_rule_group_last_evaluation_timestamp_seconds or vmalert_iteration_total for group ${group.name} in the window` };
  return { report, coverage };
}

/**
 * Breaker opens from the counters' raw samples: a series born inside the window counts
 * its first value. With deliveries present and no breaker series, no breaker opened.
 */
function breakerOpens(r: Settled<RangeSeries[]>, window: { start: number; end: number }, daySeconds: number, deliveries: Measured<number>): { total: Measured<number>; max24h: Measured<number> } {
  if (!r.ok) return { total: missing(why(r.error)), max24h: missing(why(r.error)) };
  if (r.value.length === 0 && !deliveries.ok) return { total: missing(deliveries.reason), max24h: missing(deliveries.reason) };
  const events = counterEvents(
    r.value.map((s) => s.points),
    window,
  );
  const { total, maxInSpan } = countEvents(events, window, daySeconds);
  return { total: measured(total), max24h: measured(maxInSpan) };
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
    const team = Object.entries(opts.runbook.ownerLabels);
    return (doc as { labels?: Record<string, string> }[])
      .filter((a) => a.labels && names.has(a.labels.alertname) && a.labels.severity === 'critical' && team.every(([k, v]) => a.labels![k] === v || a.labels![k] === undefined || a.labels![k] === ''))
      .map((a) => a.labels!.alertname);
  } finally {
    am.close();
  }
}

/**
 * The log scan over the window. A path that does not exist is a usage error (exit 2, as in
 * pii-scan); a file that exists but cannot be read to the end is a problem of the evidence
 * that keeps what was found in it and beside it.
 */
async function piiEvidence(opts: GatherOptions): Promise<{ leaks: Measured<number> | 'skipped'; problems: string[]; scan?: GateResult['pii_scan']; result?: ScanResult }> {
  if (opts.skip?.includes('pii')) return { leaks: 'skipped', problems: [] };
  const source = opts.logSource ?? (opts.logs?.length ? { paths: opts.logs } : undefined);
  if (!source) return { leaks: missing('no logs given (--logs PATH, --loki URL, or --skip pii)'), problems: [] };
  const window = { start: opts.start, end: opts.end };
  // loaded on demand: a gate without logs never needs the scanner
  const { scanLogSource, scanProblems, LogInputError } = await import('../pii/source.ts');
  try {
    const r = await scanLogSource(source, { window, maxFindings: 0, evidenceLines: opts.piiEvidenceLines, maxGapSeconds: defaultMaxGap(window, opts.runbook.gates.logCoverage, opts.timeScale ?? DEFAULT_TIME_SCALE) });
    return {
      leaks: measured(r.pii_leaks),
      problems: scanProblems(r),
      scan: {
        files: r.files,
        lines: r.lines,
        bytes: r.bytes,
        by_category: r.by_category,
        errors: r.errors,
        per_file: r.per_file,
        ...(r.first_leak_ts ? { first_leak_ts: r.first_leak_ts, last_leak_ts: r.last_leak_ts } : {}),
        ...(r.coverage ? { coverage: r.coverage } : {}),
      },
      result: r,
    };
  } catch (err) {
    if (err instanceof LogInputError) throw new GateConfigError(err.message);
    const msg = (err as Error)?.message ?? String(err);
    return { leaks: missing(`the log scan failed: ${msg.split('\n')[0]}`), problems: [] };
  }
}
