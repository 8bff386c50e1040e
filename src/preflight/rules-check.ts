// The webhook_canary group as Prometheus holds it (/api/v1/rules) against the generated one:
// same rule names, the same expressions (compared as parsed PromQL: Prometheus answers its
// own formatting, e.g. `[24h]` as `[1d]`), the same `for` and labels; every rule healthy,
// and the group evaluated recently.
import { parser } from '@prometheus-io/lezer-promql';
import { parseDuration } from '../promql/duration.ts';
import { fail, pass, type Outcome } from './checks.ts';

/** One rule group of Prometheus's /api/v1/rules answer. */
export interface LoadedRuleGroup {
  name: string;
  file?: string;
  /** Seconds. */
  interval?: number;
  lastEvaluation?: string;
  rules?: LoadedRule[];
}

export interface LoadedRule {
  type: 'alerting' | 'recording';
  name: string;
  query: string;
  /** Seconds (alerting rules). */
  duration?: number;
  labels?: Record<string, string>;
  health?: string;
  lastError?: string;
}

/** One group of a generated rule file. */
export interface GeneratedGroup {
  name: string;
  interval?: string;
  rules: { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string> }[];
}

function literal(name: string, text: string): string {
  if (name === 'StringLiteral') {
    if (text.startsWith('`')) return JSON.stringify(text.slice(1, -1));
    if (text.startsWith("'")) return JSON.stringify(text.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"').replace(/\\\\"/g, '\\"'));
    try {
      return JSON.stringify(JSON.parse(text));
    } catch {
      return text;
    }
  }
  if (name.startsWith('NumberDurationLiteral') || name === 'NumberLiteral' || name === 'Duration') {
    const n = Number(text);
    if (!Number.isNaN(n) && /^[-+0-9.eExXa-fA-FinfINFnaN_]+$/.test(text)) return String(n);
    try {
      return `${parseDuration(text)}s`;
    } catch {
      return text;
    }
  }
  return text;
}

/** A canonical form of a PromQL expression: its syntax tree with literals normalised and whitespace gone. */
export function canonicalPromql(expr: string): string {
  const out: string[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.node.firstChild) out.push(`${n.name}(`);
      else out.push(`${n.name}:${literal(n.name, expr.slice(n.from, n.to))}`);
    },
    leave: (n) => {
      if (n.node.firstChild) out.push(')');
    },
  });
  return out.join(' ');
}

/** No group counts as stale sooner than this. */
export const STALE_FLOOR_SECONDS = 30;

const NEVER = Date.parse('0001-01-01T00:00:00Z');

/** Every way the loaded group differs from the generated one, one line each. */
export function ruleGroupDifferences(gen: GeneratedGroup, loaded: LoadedRuleGroup | undefined): string[] {
  if (!loaded) return [`group ${gen.name} is not loaded: add generated/prometheus/${gen.name}_alerts.yml to rule_files and reload Prometheus`];
  const out: string[] = [];
  const have = new Map((loaded.rules ?? []).map((r) => [r.name, r]));
  const want = new Map(gen.rules.map((r) => [r.alert ?? r.record ?? '', r]));
  for (const [name] of want) if (!have.has(name)) out.push(`${name}: missing from the loaded group`);
  for (const [name] of have) if (!want.has(name)) out.push(`${name}: loaded but not generated`);
  for (const [name, g] of want) {
    const l = have.get(name);
    if (!l) continue;
    if (canonicalPromql(g.expr) !== canonicalPromql(l.query)) out.push(`${name}: expression differs from the generated one (loaded: ${l.query.replace(/\s+/g, ' ')})`);
    const genFor = g.for ? parseDuration(g.for) : 0;
    if ((l.duration ?? 0) !== genFor) out.push(`${name}: for is ${l.duration ?? 0}s, generated ${genFor}s`);
    const gl = JSON.stringify(Object.entries(g.labels ?? {}).sort());
    const ll = JSON.stringify(Object.entries(l.labels ?? {}).sort());
    if (gl !== ll) out.push(`${name}: labels ${ll} differ from the generated ${gl}`);
  }
  if ((loaded.rules ?? []).length !== gen.rules.length && !out.length) out.push(`${loaded.rules?.length ?? 0} rules loaded, ${gen.rules.length} generated (duplicate names?)`);
  return out;
}

/** Rules with an evaluation error or not yet healthy. */
export function ruleHealthProblems(loaded: LoadedRuleGroup): string[] {
  return (loaded.rules ?? []).filter((r) => r.health !== 'ok' || r.lastError).map((r) => `${r.name}: health ${r.health ?? 'unknown'}${r.lastError ? `: ${r.lastError}` : ''}`);
}

/** Null when the group was evaluated within `intervals` of its interval; the problem otherwise. */
export function stalenessProblem(loaded: LoadedRuleGroup, now: Date, intervals: number): string | null {
  const last = loaded.lastEvaluation ? Date.parse(loaded.lastEvaluation) : Number.NaN;
  if (Number.isNaN(last) || last <= NEVER) return `group ${loaded.name} has never been evaluated`;
  const intervalS = loaded.interval && loaded.interval > 0 ? loaded.interval : 60;
  const age = (now.getTime() - last) / 1000;
  // a floor: under load a 1 s group can lag a few seconds without being stuck
  if (age > Math.max(intervals * intervalS, STALE_FLOOR_SECONDS)) return `group ${loaded.name} was last evaluated ${Math.round(age)} s ago (interval ${intervalS} s): the rule manager is stuck`;
  return null;
}

/** Every generated group loaded exactly, healthy and fresh. */
export function alertRulesCheck(gens: readonly GeneratedGroup[], groups: readonly LoadedRuleGroup[], now: Date, staleIntervals: number): Outcome {
  const problems: string[] = [];
  const fresh: string[] = [];
  for (const gen of gens) {
    const loaded = groups.find((g) => g.name === gen.name);
    const diff = ruleGroupDifferences(gen, loaded);
    problems.push(...diff);
    if (!loaded) continue;
    problems.push(...ruleHealthProblems(loaded));
    const stale = stalenessProblem(loaded, now, staleIntervals);
    if (stale) problems.push(stale);
    else fresh.push(`${gen.name} ${Math.round((now.getTime() - Date.parse(loaded.lastEvaluation!)) / 1000)} s ago`);
  }
  if (problems.length) return fail(`the loaded alert rules are not the generated ones, or not healthy (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  const count = gens.map((g) => `${g.rules.length} of ${g.name}`).join(', ');
  return pass(`${count} loaded exactly as generated, all healthy, evaluated ${fresh.join(', ')}`);
}
