// The rule and SLO files of `slogate generate`: alert groups, SLO recording rules and
// OpenSLO specs, each checked against the series the runbook may query.
import type { Runbook } from '../contract/runbook.ts';
import { renderAlertGroups, renderRecordingGroups } from '../rules/render.ts';
import { checkAlertGroups, checkExpr } from '../rules/validate.ts';
import { sloRecordingGroups } from '../slo/rules.ts';
import { sloAlertGroup } from '../slo/alerts.ts';
import { openSloDocuments } from '../slo/openslo.ts';
import { checkOpenSlo } from '../slo/validate.ts';
import { toYaml, yamlHeader } from './yaml.ts';
import type { Artefact, ArtefactSource } from './types.ts';

export const ruleAndSloSource: ArtefactSource = (rb: Runbook, known, opts) => {
  const problems: string[] = [];
  const from = rb.source ?? 'the runbook';
  // every SLO's page and ticket alerts go in its own group, in its own rule file
  const sloAlerts = rb.slos.map((slo) => sloAlertGroup(slo, rb.burnPolicy, opts));
  problems.push(...checkAlertGroups([...rb.alertGroups, ...sloAlerts], known, new Set(rb.lint?.disabled ?? [])));
  const artefacts: Artefact[] = [];
  const render = { runbookBaseUrl: rb.runbookBaseUrl, ownerLabels: rb.ownerLabels, forScale: opts.forScale };

  for (const g of rb.alertGroups) {
    const file = renderAlertGroups([g], render);
    artefacts.push({ path: `prometheus/${g.name}_alerts.yml`, content: yamlHeader(`${from} (alerts)`) + toYaml(file) });
  }

  const sloNames = new Set<string>();
  rb.slos.forEach((slo, i) => {
    if (sloNames.has(slo.name)) problems.push(`slo ${slo.name}: duplicate SLO name`);
    sloNames.add(slo.name);
    const groups = sloRecordingGroups(slo, rb.burnPolicy, opts);
    for (const g of groups) for (const r of g.rules) problems.push(...checkExpr(`slo ${slo.name}: record ${r.record}`, r.expr, known));
    const file = { groups: [...renderRecordingGroups(groups).groups, ...renderAlertGroups([sloAlerts[i]], render).groups] };
    artefacts.push({ path: `prometheus/slo_${slo.name}.yml`, content: yamlHeader(`${from} (${slo.name})`) + toYaml(file) });
    // one YAML stream: the SLO, then its AlertNotificationTargets, AlertConditions and AlertPolicies
    const docs = openSloDocuments(slo, rb.burnPolicy);
    docs.forEach((d, j) => problems.push(...checkOpenSlo(d, `slo ${slo.name}: OpenSLO document ${j + 1} (${String(d.kind)})`)));
    artefacts.push({ path: `slo/${slo.name}.yaml`, content: yamlHeader(`${from} (${slo.name})`) + docs.map((d) => toYaml(d)).join('---\n') });
  });
  return { artefacts, problems };
};
