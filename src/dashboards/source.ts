// The dashboards' part of `slogate generate` (an artefact source) and `slogate lint`
// (a folder linter); both are listed in src/generate. Generate lints the JSON it built, so a bad dashboard writes nothing.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { contractSeriesNames } from '../contract/metrics.ts';
import type { Runbook } from '../contract/runbook.ts';
import type { Artefact, ArtefactSource } from '../generate/types.ts';
import { dashboardJson, dashboardPath } from './json.ts';
import { lintDashboard, missingRunbookDashboards } from './lint.ts';
import { provisioningArtefacts } from './provisioning.ts';

export interface BuiltDashboard {
  readonly uid: string;
  readonly source: string;
  readonly artefact: Artefact;
}

/** Builds every dashboard's JSON from the runbook (no lint). */
export function buildDashboards(rb: Runbook): BuiltDashboard[] {
  return rb.dashboards.map((d) => {
    const doc = d.build(rb);
    // classic JSON: Grafana's loader expects annotations.list even when empty
    if (!doc.annotations?.list) doc.annotations = { list: [] };
    const uid = doc.uid ?? '';
    return { uid, source: d.source, artefact: { path: dashboardPath(uid), content: dashboardJson(doc) } };
  });
}

export const dashboardSource: ArtefactSource = (rb, known) => {
  const problems: string[] = [];
  const built = buildDashboards(rb);
  const lintOpts = { known, justifiedWindows: rb.dashboardPolicy.justifiedWindows, requiredPanels: rb.dashboardPolicy.requiredPanels };
  const uids = new Set<string>();
  for (const b of built) {
    if (!b.uid) problems.push(`${b.source}: dashboard has no uid`);
    if (uids.has(b.uid)) problems.push(`${b.source}: dashboard uid ${b.uid} is used twice`);
    uids.add(b.uid);
    problems.push(...lintDashboard(JSON.parse(b.artefact.content), lintOpts, b.source));
  }
  problems.push(...missingRunbookDashboards(uids, rb.dashboardPolicy.requiredPanels));
  return { artefacts: [...built.map((b) => b.artefact), ...provisioningArtefacts()], problems };
};

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Contract series plus every `record:` in `<dir>/prometheus/*.yml`. */
export async function knownSeriesIn(dir: string, rb: Runbook): Promise<Set<string>> {
  const known = contractSeriesNames(rb.metrics);
  const ruleDir = join(dir, 'prometheus');
  let files: string[] = [];
  try {
    files = (await readdir(ruleDir)).filter((f) => /\.ya?ml$/.test(f));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  for (const f of files) {
    try {
      const doc = parse(await readFile(join(ruleDir, f), 'utf8')) as { groups?: { rules?: { record?: unknown }[] }[] } | null;
      for (const g of doc?.groups ?? []) for (const r of g.rules ?? []) if (typeof r.record === 'string') known.add(r.record);
    } catch {
      // the rule lint reports invalid YAML; here it only means fewer known series
    }
  }
  return known;
}

/** `slogate lint` over `<dir>/grafana/dashboards/*.json`. No dashboards folder: nothing to check. */
export async function lintDashboardFolder(dir: string, rb: Runbook): Promise<string[]> {
  const dashDir = join(dir, 'grafana', 'dashboards');
  const files = await jsonFiles(dashDir);
  if (!files.length) return [];
  const known = await knownSeriesIn(dir, rb);
  const lintOpts = { known, justifiedWindows: rb.dashboardPolicy.justifiedWindows, requiredPanels: rb.dashboardPolicy.requiredPanels };
  const problems: string[] = [];
  const uids = new Set<string>();
  for (const f of files) {
    const path = join(dashDir, f);
    let doc: unknown;
    try {
      doc = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      problems.push(`${path}: invalid JSON: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const uid = (doc as { uid?: unknown })?.uid;
    if (typeof uid === 'string') uids.add(uid);
    problems.push(...lintDashboard(doc, lintOpts, path));
  }
  problems.push(...missingRunbookDashboards(uids, rb.dashboardPolicy.requiredPanels));
  return problems;
}
