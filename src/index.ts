// slogate's library API.
export * from './contract/metrics.ts';
export * from './contract/selectors.ts';
export * from './promql/query.ts';
export { analyzePromql } from './promql/parse.ts';
export * from './slo/burn-rate.ts';
export * from './slo/rules.ts';
export * from './slo/alerts.ts';
export * from './slo/sli.ts';
export * from './slo/windows.ts';
export * from './slo/labels.ts';
export { openSloDocuments, openSloNames } from './slo/openslo.ts';
export { checkSloDefinition, checkOpenSlo } from './slo/validate.ts';
export { resultLabels } from './promql/labels.ts';
export type * from './slo/types.ts';
export type { AlertDef, AlertGroupDef, Severity } from './rules/alert.ts';
export * from './contract/runbook.ts';
export { UserError } from './contract/errors.ts';
export { buildArtefacts, allAlertGroups, DefinitionError, type Artefact } from './generate/artefacts.ts';
export { writeArtefacts, compareArtefacts } from './generate/output.ts';
export { lintGenerated } from './generate/lint.ts';
export {
  compareRuleGroup,
  checkLoadedGroup,
  fetchLoadedRuleGroups,
  parseRulesResponse,
  expectedAlertGroup,
  expectedGroupsFromRuleFile,
  normalizeExpr,
  describeProblem,
  describeReport,
  type ExpectedGroup,
  type ExpectedRule,
  type LoadedGroup,
  type LoadedRule,
  type RuleGroupProblem,
  type RuleGroupReport,
  type CompareOptions,
} from './rules/loaded.ts';
