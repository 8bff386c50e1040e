// Public API of the gate: `slogate gate`, `slogate metrics` and the evidence bundle call this.
export {
  GATE_EXIT,
  DEFAULT_TIME_SCALE,
  MIN_SCALED_RATE_WINDOW_SECONDS,
  checkTimeScale,
  scaledTimes,
  checkpointRule,
  decide,
  longestRunMinutes,
  measured,
  missing,
  verdictOf,
  type Check,
  type CheckName,
  type GateCheck,
  type DecideOptions,
  type RulesEvidence,
  type RuleGroupEvidence,
  type RuleCoverage,
  longestRun,
  type CheckStatus,
  type Decision,
  type GateEvidence,
  type GateMetrics,
  type Measured,
  type PhaseNumber,
  type Point,
  type Verdict,
} from './decide.ts';
export { gateQueries, criticalAlertsQuery, checkSelector, canarySelector, matcherLabels, CB_LOOKBACK_SECONDS, type GateQueries, type CanarySelector } from './queries.ts';
export { defaultChecks, checksOf, sustainedCheck, BUILTIN_CHECK_NAMES, type BuiltinCheckName, type CheckContext, type CheckOutcome, type CheckQueryContext } from './checks/index.ts';
export { counterEvents, countEvents } from './counters.ts';
export { runGate, gatherEvidence, GateConfigError, type GateOptions, type GateResult, type GatherOptions, type WindowEvidence } from './run.ts';
export { verdictJson, verdictTable, summaryFromResult, summaryFromEvidence, writeGateFiles, type RunbookSummary } from './output.ts';
export { parseInstant, parseSummaryWindow } from './time.ts';
