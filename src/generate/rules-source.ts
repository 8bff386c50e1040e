// The rule and SLO files of `slogate generate`: alert groups, SLO recording rules and
// OpenSLO specs, each checked against the series the runbook may query.
import type { Runbook } from '../contract/runbook.ts';
import { renderAlertGroups, renderRecordingGroups } from '../rules/render.ts';
import { checkAlertGroups, checkExpr } from '../rules/validate.ts';
import { sloRecordingGroups } from '../slo/rules.ts';
import { openSloSpec } from '../slo/openslo.ts';
import { checkOpenSlo } from '../slo/validate.ts';
import { toYaml, yamlHeader } from './yaml.ts';
import type { Artefact, ArtefactSource } from './types.ts';

export const ruleAndSloSource: ArtefactSource = (rb: Runbook, known, opts) => {
  const problems: string[] = [];
  const from = rb.source ?? 'the runbook';
  problems.push(...checkAlertGroups(rb.alertGroups, known, new Set(rb.lint?.disabled ?? [])));
  const artefacts: Artefact[] = [];

  for (const g of rb.alertGroups) {
    const file = renderAlertGroups([g], { runbookBaseUrl: rb.runbookBaseUrl, ownerLabels: rb.ownerLabels, forScale: opts.forScale });
    artefacts.push({ path: `prometheus/${g.name}_alerts.yml`, content: yamlHeader(`${from} (alerts)`) + toYaml(file) });
  }

  const sloNames = new Set<string>();
  for (const slo of rb.slos) {
    if (sloNames.has(slo.name)) problems.push(`slo ${slo.name}: duplicate SLO name`);
    sloNames.add(slo.name);
    const groups = sloRecordingGroups(slo, rb.burnRatePolicy, rb.windows.sliWindows);
    for (const g of groups) for (const r of g.rules) problems.push(...checkExpr(`slo ${slo.name}: record ${r.record}`, r.expr, known));
    artefacts.push({
      path: `prometheus/slo_${slo.name}.yml`,
      content: yamlHeader(`${from} (${slo.name})`) + toYaml(renderRecordingGroups(groups)),
    });
    const spec = openSloSpec(slo);
    problems.push(...checkOpenSlo(spec, `slo ${slo.name}`));
    artefacts.push({ path: `slo/${slo.name}.yaml`, content: yamlHeader(`${from} (${slo.name})`) + toYaml(spec) });
  }
  return { artefacts, problems };
};
