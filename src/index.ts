// slogate's library API.
export * from './contract/metrics.ts';
export * from './contract/selectors.ts';
export * from './promql/query.ts';
export { analyzePromql } from './promql/parse.ts';
export * from './slo/burn-rate.ts';
export * from './slo/rules.ts';
export type { SloDef, BurnRateWindow, SeriesRef } from './slo/types.ts';
export type { AlertDef, AlertGroupDef, Severity } from './rules/alert.ts';
export * from './contract/runbook.ts';
export { UserError } from './contract/errors.ts';
export { buildArtefacts, DefinitionError, type Artefact } from './generate/artefacts.ts';
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
