// Public API of rollback verification: `slogate rollback verify` and the rollback report use it.
export { verifyDrain, drainQuery, type DrainTimeline, type VerifyOptions } from './verify.ts';
export { drainOutcome, isDrained, describeSample, type DrainSample, type DrainOutcome } from './drain.ts';
export { rollbackLogJournal, ROLLBACK_LOG, type RollbackJournal } from './journal.ts';

/** The drain timeline in the evidence folder, and its chart. */
export const DRAIN_FILE = 'rollback_drain.json';
export const DRAIN_CHART_FILE = 'rollback_drain.svg';
export { drainChartSvg } from './verify.ts';
