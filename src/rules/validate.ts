// Generate-time checks on alert definitions. Each problem names the definition.
import { analyzePromql } from '../promql/parse.ts';
import { parseDuration } from '../promql/duration.ts';
import type { AlertDef, AlertGroupDef } from './alert.ts';

export interface DefinitionProblem {
  /** What is wrong where, e.g. `alert WebhookX: expr: …`. One line. */
  readonly message: string;
}

const CAMEL = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$/;
const MAX_NAME = 40;
const TEMPLATE = /\{\{|\$value|\$labels/;

/** Checks a PromQL expression: syntax, type/arity, and every metric known. */
export function checkExpr(where: string, expr: string, knownMetrics: ReadonlySet<string>): string[] {
  const info = analyzePromql(expr);
  const out = info.problems.map((p) => `${where}: PromQL error at line ${p.line}, column ${p.column}: ${p.message}`);
  for (const m of new Set(info.metricNames)) {
    if (!knownMetrics.has(m)) out.push(`${where}: unknown metric "${m}" (not in the metric contract nor a generated recording rule)`);
  }
  return out;
}

export function checkAlert(a: AlertDef, knownMetrics: ReadonlySet<string>): string[] {
  const at = `alert ${a.name || '(unnamed)'}`;
  const out: string[] = [];
  if (!CAMEL.test(a.name)) out.push(`${at}: name must be CamelCase (letters and digits, starting with a capital)`);
  if (a.name.length > MAX_NAME) out.push(`${at}: name is ${a.name.length} characters, at most ${MAX_NAME} allowed`);
  if (a.severity !== 'critical' && a.severity !== 'warning') out.push(`${at}: severity must be critical or warning, got "${String(a.severity)}"`);
  if (!a.summary?.trim()) out.push(`${at}: missing annotation summary`);
  else {
    if (TEMPLATE.test(a.summary)) out.push(`${at}: summary must be static (no template), found "${a.summary}"`);
    if (!/^[A-Z]/.test(a.summary)) out.push(`${at}: summary must start with a capital letter`);
    if (!/\.$/.test(a.summary)) out.push(`${at}: summary must end with a period`);
    if (/[.!?]\s+[A-Z]/.test(a.summary.slice(0, -1))) out.push(`${at}: summary must be one sentence`);
  }
  if (!a.description?.trim()) out.push(`${at}: missing annotation description`);
  else if (!/\$value/.test(a.description)) out.push(`${at}: description must include the templated $value`);
  for (const [k, v] of Object.entries(a.labels ?? {})) {
    if (/\$value/.test(v)) out.push(`${at}: label ${k} uses $value (labels must be stable, or each value becomes a new alert)`);
  }
  if (a.for !== undefined) {
    try {
      parseDuration(a.for);
    } catch {
      out.push(`${at}: for: "${a.for}" is not a Prometheus duration`);
    }
  }
  const exprProblems = checkExpr(`${at}: expr`, a.expr, knownMetrics);
  out.push(...exprProblems);
  if (!exprProblems.length && !analyzePromql(a.expr).hasComparison) {
    out.push(`${at}: expr has no comparison (an alert expression must compare against a threshold)`);
  }
  return out;
}

export function checkAlertGroups(groups: readonly AlertGroupDef[], knownMetrics: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    for (const a of g.alerts) {
      if (seen.has(a.name)) out.push(`alert ${a.name}: duplicate alert name`);
      seen.add(a.name);
      out.push(...checkAlert(a, knownMetrics));
    }
  }
  return out;
}
