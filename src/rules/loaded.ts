// Are the rules the backend runs the rules we generated? A pure comparison of one loaded
// rule group (from `/api/v1/rules`) with the generated one, and a thin fetch around it.
// The gate uses it before it believes "no critical alert fired"; a preflight can reuse it.
import { parser } from '@prometheus-io/lezer-promql';
import { PrometheusError, type PrometheusClient } from '../prometheus/client.ts';
import { parseDuration } from '../promql/duration.ts';
import { renderAlert } from './render.ts';
import type { AlertGroupDef } from './alert.ts';

/** A rule as it should run: what the generator wrote. */
export interface ExpectedRule {
  readonly type: 'alerting' | 'recording';
  /** Alert name or recorded series name. */
  readonly name: string;
  readonly expr: string;
  /** `for` in seconds (0: fires on the first evaluation). */
  readonly forSeconds: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ExpectedGroup {
  readonly name: string;
  /** Evaluation interval in seconds, when the group sets one. */
  readonly intervalSeconds?: number;
  readonly rules: readonly ExpectedRule[];
}

/** A rule as the backend reports it. */
export interface LoadedRule {
  readonly type: 'alerting' | 'recording' | string;
  readonly name: string;
  /** The backend's print of the expression (Prometheus re-prints it from its parse tree). */
  readonly query: string;
  readonly forSeconds: number;
  readonly labels: Readonly<Record<string, string>>;
  /** `ok`, `err`, `unknown` (Prometheus); vmalert may leave it out. */
  readonly health?: string;
  readonly lastError?: string;
  /** Unix seconds, or null when never evaluated. */
  readonly lastEvaluation: number | null;
}

export interface LoadedGroup {
  readonly name: string;
  readonly file?: string;
  readonly intervalSeconds: number | null;
  /** Unix seconds of the last evaluation of the group, or null when never evaluated. */
  readonly lastEvaluation: number | null;
  readonly rules: readonly LoadedRule[];
}

export type RuleField = 'type' | 'expr' | 'for' | 'labels';

/** One way a loaded group differs from the generated one or is not running. */
export type RuleGroupProblem =
  | { readonly kind: 'group_missing'; readonly group: string; readonly loadedGroups: readonly string[] }
  | { readonly kind: 'rule_missing'; readonly rule: string }
  | { readonly kind: 'rule_extra'; readonly rule: string }
  | { readonly kind: 'rule_changed'; readonly rule: string; readonly field: RuleField; readonly expected: string; readonly loaded: string }
  | { readonly kind: 'rule_error'; readonly rule: string; readonly error: string }
  | { readonly kind: 'never_evaluated'; readonly group: string }
  | { readonly kind: 'stale'; readonly group: string; readonly lastEvaluation: number; readonly ageSeconds: number; readonly limitSeconds: number };

export interface RuleGroupReport {
  readonly group: string;
  /** True when the group is loaded, matches, has no errors and evaluated recently. */
  readonly ok: boolean;
  readonly file?: string;
  readonly intervalSeconds: number | null;
  readonly lastEvaluation: number | null;
  readonly problems: readonly RuleGroupProblem[];
}

export interface CompareOptions {
  /** Unix seconds: the time "recently" is measured from. */
  readonly now: number;
  /**
   * A group is stale when its last evaluation is older than this many intervals (default 3):
   * one missed evaluation is load, three is a stopped ruler.
   */
  readonly staleIntervals?: number;
  /** Interval assumed when neither side says (default 60 s, Prometheus's default). */
  readonly defaultIntervalSeconds?: number;
  /** Extra seconds allowed for clock skew between us and the backend (default 30). */
  readonly skewSeconds?: number;
}

/** The generated form of an alert group, as the comparison needs it (annotations do not matter). */
export function expectedAlertGroup(def: AlertGroupDef, opts: { ownerLabels: Readonly<Record<string, string>>; forScale?: number }): ExpectedGroup {
  return {
    name: def.name,
    ...(def.interval ? { intervalSeconds: parseDuration(def.interval) } : {}),
    rules: def.alerts.map((a) => {
      const r = renderAlert(a, { runbookBaseUrl: '', ownerLabels: opts.ownerLabels, forScale: opts.forScale }) as { alert: string; expr: string; for?: string; labels: Record<string, string> };
      return { type: 'alerting' as const, name: r.alert, expr: r.expr, forSeconds: r.for ? parseDuration(r.for) : 0, labels: r.labels };
    }),
  };
}

/**
 * The expected groups of a rule file document (`generated/prometheus/*.yml` parsed), for
 * callers that compare against the files rather than the definitions.
 */
export function expectedGroupsFromRuleFile(doc: unknown): ExpectedGroup[] {
  const groups = (doc as { groups?: unknown })?.groups;
  if (!Array.isArray(groups)) throw new RangeError('a rule file needs a groups list');
  return groups.map((g: { name?: unknown; interval?: unknown; rules?: unknown }) => {
    if (typeof g?.name !== 'string' || !Array.isArray(g.rules)) throw new RangeError('each rule group needs a name and a rules list');
    return {
      name: g.name,
      ...(typeof g.interval === 'string' ? { intervalSeconds: parseDuration(g.interval) } : {}),
      rules: g.rules.map((r: { alert?: string; record?: string; expr?: unknown; for?: unknown; labels?: Record<string, unknown> }) => ({
        type: r.alert !== undefined ? ('alerting' as const) : ('recording' as const),
        name: String(r.alert ?? r.record),
        expr: String(r.expr),
        forSeconds: typeof r.for === 'string' ? parseDuration(r.for) : 0,
        labels: Object.fromEntries(Object.entries(r.labels ?? {}).map(([k, v]) => [k, String(v)])),
      })),
    };
  });
}

/**
 * An expression in a form that two prints of the same parse tree share: whitespace gone,
 * durations in seconds (Prometheus prints `24h` as `1d`), numbers as numbers (`1e1` = `10`),
 * strings by their value whatever the quotes. Not a full canonical form: a rewritten but
 * equivalent expression still counts as changed, which fails closed.
 */
export function normalizeExpr(expr: string): string {
  const tree = parser.parse(expr);
  const spans: { from: number; to: number; text: string }[] = [];
  tree.iterate({
    enter: (n) => {
      const name = n.name;
      const text = expr.slice(n.from, n.to);
      if (name === 'StringLiteral') {
        spans.push({ from: n.from, to: n.to, text: JSON.stringify(unquote(text)) });
        return false;
      }
      if (/^(NumberDurationLiteral|NumberLiteral|Duration)/.test(name)) {
        spans.push({ from: n.from, to: n.to, text: literal(text) });
        return false;
      }
      return undefined;
    },
  });
  spans.sort((a, b) => a.from - b.from);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.from < at) continue;
    out += expr.slice(at, s.from).replace(/\s+/g, '') + s.text;
    at = s.to;
  }
  return out + expr.slice(at).replace(/\s+/g, '');
}

function literal(text: string): string {
  const t = text.trim();
  if (/[a-z]$/i.test(t) && !/^[+-]?(inf|nan)$/i.test(t) && !/^0x/i.test(t)) {
    try {
      return `${parseDuration(t)}s`;
    } catch {
      // not a duration: fall through to a number
    }
  }
  const n = Number(t);
  return Number.isNaN(n) ? t : String(n);
}

function unquote(text: string): string {
  const q = text[0];
  const inner = text.slice(1, -1);
  if (q === '`') return inner;
  try {
    // PromQL escapes are Go's, a superset of JSON's for what rule files hold
    return JSON.parse(`"${(q === "'" ? inner.replace(/\\'/g, "'") : inner).replace(/(?<!\\)"/g, '\\"')}"`);
  } catch {
    return inner;
  }
}

const sameLabels = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) => showLabels(a) === showLabels(b);
const showLabels = (l: Readonly<Record<string, string>>) =>
  `{${Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(',')}}`;
const showFor = (s: number) => (s ? `${s}s` : 'none');

/** Compares the loaded groups with one expected group. Pure. */
export function compareRuleGroup(expected: ExpectedGroup, loaded: readonly LoadedGroup[], opts: CompareOptions): RuleGroupReport {
  const copies = loaded.filter((g) => g.name === expected.name);
  if (copies.length === 0) {
    return {
      group: expected.name,
      ok: false,
      intervalSeconds: null,
      lastEvaluation: null,
      problems: [{ kind: 'group_missing', group: expected.name, loadedGroups: [...new Set(loaded.map((g) => g.name))].sort() }],
    };
  }
  // the same group name in two files: one faithful, running copy is enough
  const reports = copies.map((g) => compareOne(expected, g, opts));
  return reports.find((r) => r.ok) ?? reports.sort((a, b) => a.problems.length - b.problems.length)[0];
}

function compareOne(expected: ExpectedGroup, g: LoadedGroup, opts: CompareOptions): RuleGroupReport {
  const problems: RuleGroupProblem[] = [];
  const byName = new Map<string, LoadedRule[]>();
  for (const r of g.rules) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  const wanted = new Map<string, number>();
  for (const e of expected.rules) wanted.set(e.name, (wanted.get(e.name) ?? 0) + 1);

  for (const e of expected.rules) {
    const candidates = byName.get(e.name) ?? [];
    if (candidates.length === 0) {
      problems.push({ kind: 'rule_missing', rule: e.name });
      continue;
    }
    // rules may share a name (recording rules per label set): take the closest one
    const diffs = candidates.map((r) => ({ r, d: differences(e, r) }));
    diffs.sort((a, b) => a.d.length - b.d.length);
    const best = diffs[0];
    candidates.splice(candidates.indexOf(best.r), 1);
    problems.push(...best.d);
    if (best.r.lastError) problems.push({ kind: 'rule_error', rule: e.name, error: best.r.lastError });
    else if (best.r.health === 'err') problems.push({ kind: 'rule_error', rule: e.name, error: 'health is err' });
  }
  for (const [name, rest] of byName) for (let i = 0; i < rest.length; i++) problems.push({ kind: 'rule_extra', rule: name });

  const interval = g.intervalSeconds ?? expected.intervalSeconds ?? opts.defaultIntervalSeconds ?? 60;
  const limit = interval * (opts.staleIntervals ?? 3) + (opts.skewSeconds ?? 30);
  const last = g.lastEvaluation ?? latest(g.rules.map((r) => r.lastEvaluation));
  if (last === null) problems.push({ kind: 'never_evaluated', group: g.name });
  else if (opts.now - last > limit) problems.push({ kind: 'stale', group: g.name, lastEvaluation: last, ageSeconds: Math.round(opts.now - last), limitSeconds: limit });

  return { group: expected.name, ok: problems.length === 0, ...(g.file ? { file: g.file } : {}), intervalSeconds: g.intervalSeconds, lastEvaluation: last, problems };
}

function differences(e: ExpectedRule, r: LoadedRule): RuleGroupProblem[] {
  const out: RuleGroupProblem[] = [];
  if (r.type !== e.type) out.push({ kind: 'rule_changed', rule: e.name, field: 'type', expected: e.type, loaded: r.type });
  if (normalizeExpr(e.expr) !== normalizeExpr(r.query)) out.push({ kind: 'rule_changed', rule: e.name, field: 'expr', expected: oneLine(e.expr), loaded: oneLine(r.query) });
  if (e.type === 'alerting' && Math.abs(e.forSeconds - r.forSeconds) > 1e-6) out.push({ kind: 'rule_changed', rule: e.name, field: 'for', expected: showFor(e.forSeconds), loaded: showFor(r.forSeconds) });
  if (!sameLabels(e.labels, r.labels)) out.push({ kind: 'rule_changed', rule: e.name, field: 'labels', expected: showLabels(e.labels), loaded: showLabels(r.labels) });
  return out;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function latest(ts: readonly (number | null)[]): number | null {
  const v = ts.filter((t): t is number => t !== null);
  return v.length ? Math.max(...v) : null;
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

/** One sentence for a problem, naming the group, the rule and the difference. */
export function describeProblem(group: string, p: RuleGroupProblem): string {
  switch (p.kind) {
    case 'group_missing':
      return `rule group ${group} is not loaded${p.loadedGroups.length ? ` (loaded: ${p.loadedGroups.join(', ')})` : ' (the backend runs no rule groups)'}`;
    case 'rule_missing':
      return `rule group ${group} lacks ${p.rule}`;
    case 'rule_extra':
      return `rule group ${group} holds ${p.rule}, which generated/ does not`;
    case 'rule_changed':
      return `rule group ${group}: ${p.rule} differs in ${p.field} (generated ${p.expected}, loaded ${p.loaded})`;
    case 'rule_error':
      return `rule group ${group}: ${p.rule} fails to evaluate: ${p.error}`;
    case 'never_evaluated':
      return `rule group ${group} is loaded but has never been evaluated`;
    case 'stale':
      return `rule group ${group} last evaluated at ${iso(p.lastEvaluation)}, ${p.ageSeconds} s ago (more than ${p.limitSeconds} s: is the ruler running?)`;
  }
}

/** Every problem of a report as sentences (empty when the group is healthy). */
export function describeReport(r: RuleGroupReport): string[] {
  return r.problems.map((p) => describeProblem(r.group, p));
}

/**
 * Where a rule group's recorded evaluations leave the window uncovered. `points` is a range
 * query over the window at `stepSeconds`: in `timestamp` mode each value is the group's
 * last evaluation time (Prometheus's `prometheus_rule_group_last_evaluation_timestamp_seconds`),
 * covered while it is at most `limitSeconds` old; in `count` mode each value counts the
 * evaluations of the last `limitSeconds` (vmalert's `vmalert_iteration_total`), covered while
 * above 0. A step without a point is uncovered. Pure.
 */
export function evaluationGaps(
  points: readonly (readonly [number, number])[],
  window: { start: number; end: number },
  stepSeconds: number,
  limitSeconds: number,
  mode: 'timestamp' | 'count',
): { from: number; to: number }[] {
  const at = new Map<number, number>();
  for (const [t, v] of points) at.set(Math.round(t), v);
  const gaps: { from: number; to: number }[] = [];
  let open: { from: number; to: number } | null = null;
  for (let t = window.start; t <= window.end + 1e-6; t += stepSeconds) {
    const v = at.get(Math.round(t));
    const covered = v !== undefined && !Number.isNaN(v) && (mode === 'timestamp' ? t - v <= limitSeconds : v > 0);
    if (covered) {
      if (open) gaps.push(open);
      open = null;
    } else if (open) open.to = Math.min(window.end, t);
    else open = { from: Math.max(window.start, mode === 'timestamp' && v !== undefined && !Number.isNaN(v) ? v : t - stepSeconds), to: Math.min(window.end, t) };
  }
  if (open) gaps.push(open);
  return gaps.map((g) => ({ from: Math.max(window.start, g.from), to: g.to }));
}

// ---- the thin shell: /api/v1/rules (Prometheus, Thanos Query, Mimir's ruler, vmalert) ----

/** Fetches and parses the loaded rule groups. Throws PrometheusError on a malformed answer. */
export async function fetchLoadedRuleGroups(client: PrometheusClient): Promise<LoadedGroup[]> {
  const doc = await client.getJson('api/v1/rules');
  return parseRulesResponse(doc, `${client.displayUrl}/api/v1/rules`);
}

/** The `/api/v1/rules` document as LoadedGroups (Prometheus's and vmalert's shapes). */
export function parseRulesResponse(doc: unknown, where = 'api/v1/rules'): LoadedGroup[] {
  const d = doc as { status?: string; data?: { groups?: unknown } };
  if (d?.status !== 'success' || !d.data || !Array.isArray(d.data.groups)) {
    throw new PrometheusError('malformed', `${where} did not answer a list of rule groups`);
  }
  return d.data.groups.map((g: Record<string, unknown>) => ({
    name: String(g.name),
    ...(typeof g.file === 'string' ? { file: g.file } : {}),
    intervalSeconds: typeof g.interval === 'number' && g.interval > 0 ? g.interval : null,
    lastEvaluation: timeOf(g.lastEvaluation),
    rules: (Array.isArray(g.rules) ? g.rules : []).map((r: Record<string, unknown>) => ({
      type: String(r.type ?? ''),
      name: String(r.name ?? ''),
      query: String(r.query ?? ''),
      forSeconds: typeof r.duration === 'number' ? r.duration : 0,
      labels: Object.fromEntries(Object.entries((r.labels as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)])),
      ...(typeof r.health === 'string' ? { health: r.health } : {}),
      ...(typeof r.lastError === 'string' && r.lastError ? { lastError: r.lastError } : {}),
      lastEvaluation: timeOf(r.lastEvaluation),
    })),
  }));
}

/** RFC 3339 to unix seconds; Go's zero time (never evaluated) and junk to null. */
function timeOf(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  if (Number.isNaN(ms) || ms <= 0) return null;
  return ms / 1000;
}

/** Fetches the loaded groups and compares one expected group with them. */
export async function checkLoadedGroup(client: PrometheusClient, expected: ExpectedGroup, opts: Partial<CompareOptions> = {}): Promise<RuleGroupReport> {
  const loaded = await fetchLoadedRuleGroups(client);
  return compareRuleGroup(expected, loaded, { now: Date.now() / 1000, ...opts });
}
