// Plugs the dashboards into `slogate generate` (artefact source) and `slogate lint`
// (folder linter). Generate lints the JSON it built, so a bad dashboard writes nothing.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { dashboards } from '../../dashboards/index.ts';
import { contractSeriesNames } from '../contract/metrics.ts';
import { registerArtefactSource, type Artefact, type ArtefactSource, type Definitions } from '../generate/artefacts.ts';
import { registerFolderLinter } from '../generate/lint.ts';
import { dashboardJson, dashboardPath } from './json.ts';
import { lintDashboard, missingRunbookDashboards } from './lint.ts';
import { provisioningArtefacts } from './provisioning.ts';

export interface BuiltDashboard {
  readonly uid: string;
  readonly source: string;
  readonly artefact: Artefact;
}

/** Builds every dashboard's JSON from the definitions (no lint). */
export function buildDashboards(defs: Definitions): BuiltDashboard[] {
  return dashboards.map((d) => {
    const doc = d.build(defs);
    // classic JSON: Grafana's loader expects annotations.list even when empty
    if (!doc.annotations?.list) doc.annotations = { list: [] };
    const uid = doc.uid ?? '';
    return { uid, source: d.source, artefact: { path: dashboardPath(uid), content: dashboardJson(doc) } };
  });
}

export const dashboardSource: ArtefactSource = (defs, known) => {
  const problems: string[] = [];
  const built = buildDashboards(defs);
  const uids = new Set<string>();
  for (const b of built) {
    if (!b.uid) problems.push(`${b.source}: dashboard has no uid`);
    if (uids.has(b.uid)) problems.push(`${b.source}: dashboard uid ${b.uid} is used twice`);
    uids.add(b.uid);
    problems.push(...lintDashboard(JSON.parse(b.artefact.content), { known }, b.source));
  }
  problems.push(...missingRunbookDashboards(uids));
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
export async function knownSeriesIn(dir: string): Promise<Set<string>> {
  const known = contractSeriesNames();
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
export async function lintDashboardFolder(dir: string): Promise<string[]> {
  const dashDir = join(dir, 'grafana', 'dashboards');
  const files = await jsonFiles(dashDir);
  if (!files.length) return [];
  const known = await knownSeriesIn(dir);
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
    problems.push(...lintDashboard(doc, { known }, path));
  }
  problems.push(...missingRunbookDashboards(uids));
  return problems;
}

registerArtefactSource(dashboardSource);
registerFolderLinter(lintDashboardFolder);
