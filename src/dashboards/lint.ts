// Offline dashboard lint, in the spirit of Grafana's dashboard-linter and pint.
// Pure: a dashboard document in, one line per problem out, each naming the
// dashboard, the panel and the rule.
import { analyzePromql } from '../promql/parse.ts';

/** The datasource template variable every panel, target and annotation must use. */
export const DATASOURCE_VARIABLE = 'datasource';

export const LINT_RULES = [
  'panel-id-unique',
  'grid-overlap',
  'grid-width',
  'datasource-variable',
  'target-refid',
  'promql-parse',
  'promql-known-series',
  'rate-interval',
  'panel-unit',
  'panel-description',
  'runbook-panel-ids',
] as const;
export type LintRule = (typeof LINT_RULES)[number];

export interface LintOptions {
  /** Series a query may name: the contract plus generated recording rules. */
  readonly known: ReadonlySet<string>;
  /** Fixed windows allowed in rate/increase, with the reason (the runbook's dashboardPolicy). */
  readonly justifiedWindows: Readonly<Record<string, string>>;
  /** Panels that must exist, by dashboard uid (the runbook's dashboardPolicy). */
  readonly requiredPanels: Readonly<Record<string, Readonly<Record<number, string>>>>;
}

type Json = Record<string, unknown>;
interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const DATASOURCE_UIDS = new Set([`\${${DATASOURCE_VARIABLE}}`, `$${DATASOURCE_VARIABLE}`]);

/** Grafana macros and variables are not PromQL: swap them for valid placeholders before parsing. */
export function substituteMacros(expr: string): string {
  return expr
    .replace(/\$\{?__(?:rate_interval|interval|range)\}?(?![\w])/g, '5m')
    .replace(/\$\{?__(?:interval_ms|range_s|range_ms)\}?/g, '1')
    .replace(/\[\[\w+(?::\w+)?\]\]|\$\{\w+(?::[\w]+)?\}|\$\w+/g, 'x');
}

/** The range of every rate/irate/increase call, as written (macros kept). */
export function rateWindows(expr: string): { fn: string; window: string }[] {
  const out: { fn: string; window: string }[] = [];
  const call = /\b(rate|irate|increase)\s*\(/g;
  for (let m = call.exec(expr); m; m = call.exec(expr)) {
    let depth = 1;
    let quote: string | null = null;
    for (let i = m.index + m[0].length; i < expr.length && depth > 0; i++) {
      const c = expr[i];
      if (quote) {
        if (c === '\\') i++;
        else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'" || c === '`') quote = c;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '[' && depth === 1) {
        const end = expr.indexOf(']', i);
        const inner = expr.slice(i + 1, end < 0 ? undefined : end);
        if (!inner.includes(':')) {
          out.push({ fn: m[1], window: inner.trim() });
          break;
        }
      }
    }
  }
  return out;
}

/** A metric name directly followed by "(": lezer did not know it as a function (`rat(x[5m])`). */
function misspeltFunction(expr: string, metricNames: readonly string[]): string | undefined {
  const names = new Set(metricNames);
  const call = /\b([A-Za-z_]\w*)\s*\(/g;
  for (let m = call.exec(expr); m; m = call.exec(expr)) if (names.has(m[1])) return m[1];
  return undefined;
}

function gridPos(p: Json): GridPos | null {
  const g = p.gridPos;
  if (!isObj(g)) return null;
  const n = (k: string) => (typeof g[k] === 'number' ? (g[k] as number) : NaN);
  return { x: n('x'), y: n('y'), w: n('w'), h: n('h') };
}

const overlaps = (a: GridPos, b: GridPos) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

function isDatasourceVariable(ds: unknown): boolean {
  if (typeof ds === 'string') return DATASOURCE_UIDS.has(ds);
  return isObj(ds) && typeof ds.uid === 'string' && DATASOURCE_UIDS.has(ds.uid);
}

/** Top-level panels, plus the panels folded inside collapsed rows (each list laid out on its own). */
function panelGroups(doc: Json): Json[][] {
  const top = (Array.isArray(doc.panels) ? doc.panels : []).filter(isObj);
  const groups: Json[][] = [top];
  for (const p of top) if (p.type === 'row' && Array.isArray(p.panels) && p.panels.length) groups.push(p.panels.filter(isObj));
  return groups;
}

export function lintDashboard(doc: unknown, opts: LintOptions, label?: string): string[] {
  const out: string[] = [];
  if (!isObj(doc)) return [`dashboard ${label ?? '(unknown)'}: not a JSON object`];
  const uid = typeof doc.uid === 'string' ? doc.uid : '(no uid)';
  const dash = `dashboard ${uid}${label ? ` (${label})` : ''}`;
  const panelName = (p: Json) => `panel ${typeof p.id === 'number' ? p.id : '(no id)'} "${String(p.title ?? '')}"`;
  const report = (where: string, rule: LintRule, msg: string) => out.push(`${dash}: ${where}: [${rule}] ${msg}`);
  const windows = opts.justifiedWindows;

  const templating = isObj(doc.templating) && Array.isArray(doc.templating.list) ? doc.templating.list.filter(isObj) : [];
  const dsVar = templating.find((v) => v.name === DATASOURCE_VARIABLE);
  if (!dsVar || dsVar.type !== 'datasource' || dsVar.query !== 'prometheus') {
    report('templating', 'datasource-variable', `needs a Prometheus datasource variable named "${DATASOURCE_VARIABLE}"`);
  }

  const checkExpr = (where: string, expr: unknown, instant: boolean) => {
    if (typeof expr !== 'string' || !expr.trim()) {
      report(where, 'promql-parse', 'empty expression');
      return;
    }
    const text = substituteMacros(expr);
    const info = analyzePromql(text);
    // lezer recovers from a syntax error with a cascade of error nodes: the first one is the useful one
    const first = info.problems[0];
    if (first) {
      const fn = misspeltFunction(text, info.metricNames);
      report(where, 'promql-parse', `line ${first.line}, column ${first.column}: ${first.message}${fn ? ` (unknown function "${fn}")` : ''}`);
    }
    // names read from an error-recovered tree are guesses ("le" in "sum bye (le)"): only trust a clean parse
    const parsed = !info.problems.some((p) => /syntax error|unexpected end/.test(p.message));
    for (const name of parsed ? new Set(info.metricNames) : []) {
      if (!opts.known.has(name)) report(where, 'promql-known-series', `unknown series "${name}" (not in the metric contract nor a generated recording rule)`);
    }
    for (const { fn, window } of rateWindows(expr)) {
      if (/^\$\{?__rate_interval\}?$/.test(window)) continue;
      if (/^\$\{?__range\}?$/.test(window) && fn === 'increase' && instant) continue; // a total over the viewed range
      if (windows[window]) continue;
      report(where, 'rate-interval', `${fn}() over [${window}]: use $__rate_interval, $__range in an instant increase(), or justify the window in the runbook's dashboardPolicy.justifiedWindows`);
    }
  };

  const seen = new Map<number, string>();
  for (const group of panelGroups(doc)) {
    const placed: [Json, GridPos][] = [];
    for (const p of group) {
      const at = panelName(p);
      if (typeof p.id !== 'number') report(at, 'panel-id-unique', 'panel has no id (set it explicitly)');
      else if (seen.has(p.id)) report(at, 'panel-id-unique', `id ${p.id} is also used by ${seen.get(p.id)}`);
      else seen.set(p.id, at);

      const g = gridPos(p);
      if (!g || [g.x, g.y, g.w, g.h].some((n) => !Number.isInteger(n))) report(at, 'grid-width', 'gridPos needs integer x, y, w and h');
      else {
        if (g.w < 1 || g.h < 1 || g.x < 0 || g.y < 0) report(at, 'grid-width', `gridPos ${JSON.stringify(g)} has a negative position or an empty box`);
        if (g.w > 24 || g.x + g.w > 24) report(at, 'grid-width', `gridPos x ${g.x} + w ${g.w} exceeds the 24-column grid`);
        for (const [q, h] of placed) if (overlaps(g, h)) report(at, 'grid-overlap', `gridPos overlaps ${panelName(q)}`);
        placed.push([p, g]);
      }
      if (p.type === 'row') continue;

      if (!isDatasourceVariable(p.datasource)) report(at, 'datasource-variable', `panel datasource must be the $${DATASOURCE_VARIABLE} variable, got ${JSON.stringify(p.datasource ?? null)}`);
      const defaults = isObj(p.fieldConfig) && isObj(p.fieldConfig.defaults) ? p.fieldConfig.defaults : {};
      if (typeof defaults.unit !== 'string' || !defaults.unit.trim()) report(at, 'panel-unit', 'no unit (fieldConfig.defaults.unit)');
      if (typeof p.description !== 'string' || !p.description.trim()) report(at, 'panel-description', 'no description (say what to do when it turns red)');

      const targets = Array.isArray(p.targets) ? p.targets.filter(isObj) : [];
      const refIds = new Set<string>();
      for (const [i, t] of targets.entries()) {
        const ref = typeof t.refId === 'string' && t.refId ? t.refId : '';
        const where = `${at}: target ${ref || `#${i + 1}`}`;
        if (!ref) report(where, 'target-refid', 'target has no refId (set it explicitly)');
        else if (refIds.has(ref)) report(where, 'target-refid', `refId ${ref} is used twice`);
        refIds.add(ref);
        if (!isDatasourceVariable(t.datasource)) report(where, 'datasource-variable', `target datasource must be the $${DATASOURCE_VARIABLE} variable, got ${JSON.stringify(t.datasource ?? null)}`);
        checkExpr(where, t.expr, t.instant === true && t.range !== true);
      }
    }
  }

  const annotations = isObj(doc.annotations) && Array.isArray(doc.annotations.list) ? doc.annotations.list.filter(isObj) : [];
  for (const a of annotations) {
    if (a.builtIn === 1) continue;
    const where = `annotation "${String(a.name ?? '')}"`;
    if (!isDatasourceVariable(a.datasource)) report(where, 'datasource-variable', `annotation datasource must be the $${DATASOURCE_VARIABLE} variable`);
    checkExpr(where, a.expr, false);
  }

  const required = opts.requiredPanels[uid];
  for (const [id, what] of Object.entries(required ?? {})) {
    const p = panelGroups(doc).flat().find((x) => x.id === Number(id));
    if (!p) report(`panel ${id}`, 'runbook-panel-ids', `the runbook renders panel ${id} (${what}) but the dashboard has no such panel`);
    else if (p.type === 'row') report(`panel ${id}`, 'runbook-panel-ids', `panel ${id} (${what}) must be a visualization, not a row`);
  }
  return out;
}

/** Dashboards the runbook needs that are absent from a set of uids. */
export function missingRunbookDashboards(uids: ReadonlySet<string>, required: LintOptions['requiredPanels']): string[] {
  return Object.keys(required)
    .filter((u) => !uids.has(u))
    .map((u) => `dashboard ${u}: [runbook-panel-ids] the runbook links to this dashboard but it was not generated`);
}
