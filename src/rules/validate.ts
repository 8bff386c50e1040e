// Generate-time checks on alert definitions, one named unit each (ALERT_CHECKS). Each problem
// names the alert and the check.
import { analyzePromql } from '../promql/parse.ts';
import { parseDuration } from '../promql/duration.ts';
import type { AlertDef, AlertGroupDef } from './alert.ts';

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

/** One named alert check, pint-style: an id (what problems and the runbook's lint.disabled name), a severity, a doc line. */
export interface AlertCheck {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  readonly doc: string;
  /** What is wrong, one line each, without the alert's name (the runner adds it). */
  readonly run: (a: AlertDef, known: ReadonlySet<string>) => string[];
}

const summaryChecks = (id: string, doc: string, bad: (summary: string) => string | null): AlertCheck => ({
  id,
  severity: 'error',
  doc,
  run: (a) => {
    const s = a.summary?.trim() ? a.summary : null;
    const why = s === null ? null : bad(s);
    return why ? [why] : [];
  },
});

export const ALERT_CHECKS: readonly AlertCheck[] = [
  { id: 'alert-name-camelcase', severity: 'error', doc: 'the alert name is CamelCase: letters and digits, starting with a capital', run: (a) => (CAMEL.test(a.name) ? [] : ['name must be CamelCase (letters and digits, starting with a capital)']) },
  { id: 'alert-name-length', severity: 'error', doc: `the alert name has at most ${MAX_NAME} characters`, run: (a) => (a.name.length > MAX_NAME ? [`name is ${a.name.length} characters, at most ${MAX_NAME} allowed`] : []) },
  { id: 'alert-severity', severity: 'error', doc: 'severity is critical or warning', run: (a) => (a.severity === 'critical' || a.severity === 'warning' ? [] : [`severity must be critical or warning, got "${String(a.severity)}"`]) },
  { id: 'alert-summary-present', severity: 'error', doc: 'there is a summary annotation', run: (a) => (a.summary?.trim() ? [] : ['missing annotation summary']) },
  summaryChecks('alert-summary-static', 'the summary is static text (no template: it names the alert, the description says the value)', (s) => (TEMPLATE.test(s) ? `summary must be static (no template), found "${s}"` : null)),
  summaryChecks('alert-summary-capital', 'the summary starts with a capital letter', (s) => (/^[A-Z]/.test(s) ? null : 'summary must start with a capital letter')),
  summaryChecks('alert-summary-period', 'the summary ends with a period', (s) => (/\.$/.test(s) ? null : 'summary must end with a period')),
  summaryChecks('alert-summary-one-sentence', 'the summary is one sentence', (s) => (/[.!?]\s+[A-Z]/.test(s.slice(0, -1)) ? 'summary must be one sentence' : null)),
  {
    id: 'alert-description-value',
    severity: 'error',
    doc: 'there is a description, and it says the templated $value',
    run: (a) => (!a.description?.trim() ? ['missing annotation description'] : /\$value/.test(a.description) ? [] : ['description must include the templated $value']),
  },
  {
    id: 'alert-label-stable',
    severity: 'error',
    doc: 'no label uses $value (each new value would be a new alert)',
    run: (a) => Object.entries(a.labels ?? {}).flatMap(([k, v]) => (/\$value/.test(v) ? [`label ${k} uses $value (labels must be stable, or each value becomes a new alert)`] : [])),
  },
  {
    id: 'alert-for-duration',
    severity: 'error',
    doc: '`for` is a Prometheus duration',
    run: (a) => {
      if (a.for === undefined) return [];
      try {
        parseDuration(a.for);
        return [];
      } catch {
        return [`for: "${a.for}" is not a Prometheus duration`];
      }
    },
  },
  { id: 'alert-expr-promql', severity: 'error', doc: 'the expression parses, and every series in it is known', run: (a, known) => checkExpr('expr', a.expr, known) },
  {
    id: 'alert-expr-comparison',
    severity: 'error',
    doc: 'the expression compares against a threshold',
    run: (a) => {
      const info = analyzePromql(a.expr);
      return info.problems.length || info.hasComparison ? [] : ['expr has no comparison (an alert expression must compare against a threshold)'];
    },
  },
];

/** Every enabled check on one alert; each problem reads `alert <name>: [<check>] <what>`. */
export function checkAlert(a: AlertDef, knownMetrics: ReadonlySet<string>, disabled: ReadonlySet<string> = new Set()): string[] {
  const at = `alert ${a.name || '(unnamed)'}`;
  return ALERT_CHECKS.filter((c) => !disabled.has(c.id)).flatMap((c) => c.run(a, knownMetrics).map((p) => `${at}: [${c.id}] ${p}`));
}

export function checkAlertGroups(groups: readonly AlertGroupDef[], knownMetrics: ReadonlySet<string>, disabled: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const g of groups) {
    for (const a of g.alerts) {
      if (seen.has(a.name)) out.push(`alert ${a.name}: duplicate alert name`);
      seen.add(a.name);
      out.push(...checkAlert(a, knownMetrics, disabled));
    }
  }
  return out;
}
