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
  type CheckStatus,
  type Decision,
  type GateEvidence,
  type GateMetrics,
  type Measured,
  type PhaseNumber,
  type Point,
  type Verdict,
} from './decide.ts';
export { gateQueries, criticalAlertsQuery, checkSelector, type GateQueries } from './queries.ts';
export { runGate, gatherEvidence, GateConfigError, type GateOptions, type GateResult, type GatherOptions, type WindowEvidence } from './run.ts';
export { verdictJson, verdictTable, summaryFromResult, summaryFromEvidence, writeGateFiles, type RunbookSummary } from './output.ts';
export { parseInstant, parseSummaryWindow } from './time.ts';
