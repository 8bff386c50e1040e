// What `slogate generate` produces: a list of files, built in memory from the runbook
// and validated before anything is written. The sources are listed in sources.ts.
import { contractSeriesNames, type MetricDef } from '../contract/metrics.ts';
import type { Runbook } from '../contract/runbook.ts';
import { sloRecordingGroups } from '../slo/rules.ts';
import { sloAlertGroup } from '../slo/alerts.ts';
import type { AlertGroupDef } from '../rules/alert.ts';
import { checkSloDefinition } from '../slo/validate.ts';
import { ARTEFACT_SOURCES } from './sources.ts';
import { ALERT_CHECKS } from '../rules/validate.ts';
import { DASHBOARD_CHECKS } from '../dashboards/lint.ts';
import type { Artefact, ArtefactSource, BuildOptions } from './types.ts';

export type { Artefact, ArtefactSource, BuildOptions } from './types.ts';

/** Raised with every problem found; nothing is written. */
export class DefinitionError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'DefinitionError';
  }
}

/** Every series name a query may use: the contract plus our recording rules. */
export function knownSeries(rb: Runbook): Set<string> {
  const known = contractSeriesNames(rb.metrics);
  for (const slo of rb.slos) {
    for (const g of sloRecordingGroups(slo, rb.burnPolicy)) for (const r of g.rules) known.add(r.record);
  }
  return known;
}

/** Every alert group generated: the runbook's own and each SLO's. The runbook's SLOs must be valid. */
export function allAlertGroups(rb: Runbook, opts: BuildOptions = {}): AlertGroupDef[] {
  return [...rb.alertGroups, ...rb.slos.map((slo) => sloAlertGroup(slo, rb.burnPolicy, opts))];
}

export function buildArtefacts(rb: Runbook, opts: BuildOptions = {}, sources: readonly ArtefactSource[] = ARTEFACT_SOURCES): Artefact[] {
  const problems: string[] = [];
  // a runbook written for an older slogate has burnRatePolicy rows instead of windows specs
  if (!Array.isArray(rb.burnPolicy?.windows) || !rb.burnPolicy.severity) {
    throw new DefinitionError([
      `runbook ${rb.source ?? ''}: burnPolicy is missing or incomplete: give { windows: [AlertWindows spec per SLO period], severity: { page, ticket } } (docs/generate.md, "Burn policy")`.replace('runbook : ', 'runbook: '),
    ]);
  }
  for (const slo of rb.slos) problems.push(...checkSloDefinition(slo, rb.burnPolicy, Object.values(rb.metrics).filter((m): m is MetricDef => m !== undefined)));
  const checkIds = new Set<string>([...ALERT_CHECKS.map((c) => c.id), ...DASHBOARD_CHECKS.map((c) => c.id)]);
  for (const id of rb.lint?.disabled ?? []) if (!checkIds.has(id)) problems.push(`lint.disabled: "${id}" is not a check (see docs/generate.md for the list)`);
  if (problems.length) throw new DefinitionError(problems);

  const known = knownSeries(rb);
  const artefacts: Artefact[] = [];
  for (const source of sources) {
    const r = source(rb, known, opts);
    artefacts.push(...r.artefacts);
    problems.push(...r.problems);
  }
  if (problems.length) throw new DefinitionError(problems);
  return artefacts.sort((a, b) => a.path.localeCompare(b.path));
}
