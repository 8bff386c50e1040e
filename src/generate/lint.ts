// `slogate lint`: the generate-time checks, run on files already in generated/.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { contractSeriesNames } from '../contract/metrics.ts';
import type { Runbook } from '../contract/runbook.ts';
import { lintDashboardFolder } from '../dashboards/source.ts';
import type { FolderLinter } from './types.ts';
import { checkAlert, checkExpr } from '../rules/validate.ts';
import { checkOpenSlo } from '../slo/validate.ts';
import type { AlertDef, Severity } from '../rules/alert.ts';

/** Lint steps over the output folder beyond rules and SLOs, as an explicit list. */
export const FOLDER_LINTERS: readonly FolderLinter[] = [lintDashboardFolder];

async function filesIn(dir: string, ext: RegExp): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => ext.test(f)).sort().map((f) => join(dir, f));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

interface RuleDoc {
  groups?: { name?: string; rules?: Record<string, unknown>[] }[];
}

async function readYaml(file: string, problems: string[]): Promise<unknown> {
  try {
    return parse(await readFile(file, 'utf8'));
  } catch (e) {
    problems.push(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

export interface LintOptions {
  /** Run `promtool check rules` when promtool is on PATH (default true). */
  readonly promtool?: boolean;
}

export async function lintGenerated(dir: string, rb: Runbook, opts: LintOptions = {}): Promise<string[]> {
  // fail closed: a typo in the folder name must not read as "no problems"
  const s = await stat(dir).catch(() => null);
  if (!s) return [`${dir}: no such directory (run \`slogate generate\` first)`];
  if (!s.isDirectory()) return [`${dir}: not a directory`];
  const problems: string[] = [];
  const ruleFiles = await filesIn(join(dir, 'prometheus'), /\.ya?ml$/);
  if (!ruleFiles.length) problems.push(`${join(dir, 'prometheus')}: no rule files (run \`slogate generate\` first)`);
  const docs: [string, RuleDoc][] = [];
  for (const f of ruleFiles) {
    const doc = (await readYaml(f, problems)) as RuleDoc | undefined;
    if (doc) docs.push([f, doc]);
  }
  const known = contractSeriesNames(rb.metrics);
  for (const [, doc] of docs) for (const g of doc.groups ?? []) for (const r of g.rules ?? []) if (typeof r.record === 'string') known.add(r.record);

  const seen = new Set<string>();
  for (const [f, doc] of docs) {
    if (!Array.isArray(doc.groups)) {
      problems.push(`${f}: no groups`);
      continue;
    }
    for (const g of doc.groups) {
      for (const r of g.rules ?? []) {
        if (typeof r.alert === 'string') {
          const labels = { ...((r.labels as Record<string, string>) ?? {}) };
          const ann = (r.annotations as Record<string, string>) ?? {};
          const severity = labels.severity as Severity;
          delete labels.severity;
          for (const k of Object.keys(rb.ownerLabels)) delete labels[k];
          const def: AlertDef = {
            name: r.alert,
            severity,
            expr: String(r.expr ?? ''),
            for: r.for === undefined ? undefined : String(r.for),
            summary: ann.summary,
            description: ann.description,
            labels,
          };
          problems.push(...checkAlert(def, known, new Set(rb.lint?.disabled ?? [])).map((p) => `${f}: ${p}`));
          if (!ann.runbook_url) problems.push(`${f}: alert ${r.alert}: missing annotation runbook_url`);
          if (seen.has(r.alert)) problems.push(`${f}: alert ${r.alert}: duplicate alert name`);
          seen.add(r.alert);
        } else if (typeof r.record === 'string') {
          problems.push(...checkExpr(`${f}: record ${r.record}`, String(r.expr ?? ''), known));
        } else {
          problems.push(`${f}: group ${g.name}: a rule without alert or record`);
        }
      }
    }
  }
  for (const f of await filesIn(join(dir, 'slo'), /\.ya?ml$/)) {
    // one YAML stream per SLO: the SLO and its alerting objects
    const docs = parseAllDocuments(await readFile(f, 'utf8'));
    for (const [i, d] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      if (d.errors.length) problems.push(`${f}: invalid YAML: ${d.errors[0].message.split('\n')[0]}`);
      else problems.push(...checkOpenSlo(d.toJSON(), docs.length > 1 ? `${f} (document ${i + 1})` : f));
    }
  }
  for (const l of FOLDER_LINTERS) problems.push(...(await l(dir, rb)));
  if (opts.promtool !== false && ruleFiles.length && !problems.length) problems.push(...(await promtoolCheck(ruleFiles)));
  return problems;
}

async function promtoolCheck(files: string[]): Promise<string[]> {
  try {
    await promisify(execFile)('promtool', ['check', 'rules', ...files]);
    return [];
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') return []; // promtool not installed: lezer checks stand alone
    const text = `${err.stderr ?? ''}\n${err.stdout ?? ''}`;
    return text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /error|FAILED/i.test(l))
      .map((l) => `promtool: ${l}`);
  }
}
