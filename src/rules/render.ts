// Alert and recording groups to Prometheus rule-file objects (stable key order).
import { parseDuration, formatDuration } from '../promql/duration.ts';
import type { AlertDef, AlertGroupDef } from './alert.ts';
import type { RecordingGroup } from '../slo/rules.ts';

export interface RenderOptions {
  /** Base URL of docs/runbooks; each alert links to `<base>/<AlertName>.md`. */
  readonly runbookBaseUrl: string;
  /** Labels every alert carries (the runbook's ownerLabels, e.g. team). */
  readonly ownerLabels: Readonly<Record<string, string>>;
  /** Multiply every `for` (tests run the real rules with short timings). */
  readonly forScale?: number;
}

export interface RuleFile {
  groups: Record<string, unknown>[];
}

function scaledFor(d: string, scale: number | undefined): string {
  if (!scale || scale === 1) return d;
  return formatDuration(Math.max(1, Math.round(parseDuration(d) * scale)));
}

export function renderAlert(a: AlertDef, opts: RenderOptions): Record<string, unknown> {
  const rule: Record<string, unknown> = { alert: a.name, expr: a.expr };
  if (a.for) rule.for = scaledFor(a.for, opts.forScale);
  rule.labels = { severity: a.severity, ...opts.ownerLabels, ...(a.labels ?? {}) };
  rule.annotations = {
    summary: a.summary,
    description: a.description,
    runbook_url: `${opts.runbookBaseUrl}/${a.name}.md`,
  };
  return rule;
}

export function renderAlertGroups(groups: readonly AlertGroupDef[], opts: RenderOptions): RuleFile {
  return {
    groups: groups.map((g) => ({
      name: g.name,
      ...(g.interval ? { interval: g.interval } : {}),
      rules: g.alerts.map((a) => renderAlert(a, opts)),
    })),
  };
}

export function renderRecordingGroups(groups: readonly RecordingGroup[]): RuleFile {
  return {
    groups: groups.map((g) => ({
      name: g.name,
      rules: g.rules.map((r) => ({ record: r.record, expr: r.expr, labels: { ...r.labels } })),
    })),
  };
}
