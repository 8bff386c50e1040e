// Public API of the evidence folder. `slogate evidence`, `slogate gate --out` and the
// reports use only this.
export { collectEvidence, summaryOf, EvidenceError, PII_EVIDENCE_LINES, type CollectOptions, type CollectResult } from './collect.ts';
export { verifyEvidence, readManifest, driftCount, hashFiles, isIncidentManifest, ManifestError, MANIFEST_FORMAT, type AnyManifest, type IncidentManifest, type Manifest, type ManifestDrift } from './manifest.ts';
export { verdictProblems, verdictWindow, toUnix, toRfc3339, type VerdictDoc, type Verdict, type VerdictCheck } from './verdict.ts';
export { layout, checkpointsByTime } from './layout.ts';
export { grafanaTokenFromEnv, type GrafanaTarget } from './grafana.ts';
export type { AlertsExport } from './alerts.ts';
export type { HourlySnapshot } from './hourly.ts';
export { collectGateEvidence, type GateOutOptions } from './gate-out.ts';
export { appendJournal, readJournal, parseJournal, journalLine, JournalError, JOURNAL_FILES, type JournalEntry, type AppendResult } from './journal.ts';
