// Public API of the PII log scanner. `slogate pii-scan` and `slogate gate --logs` both call this.
// Everything else under src/pii is internal.
export type * from './types.ts';
export type { AllowList } from './allowlist.ts';
export { loadAllowList, parseAllowList } from './allowlist.ts';
export { scanLogs } from './scan.ts';
export { writeEvidence } from './evidence.ts';
export { redactText, type Redacted } from './redact.ts';
export { scanLoki, type LokiScanOptions } from './loki.ts';
export type { TimeWindow, WindowCoverage, CoverageGap } from './coverage.ts';
export { coverageProblem, windowCoverage } from './coverage.ts';
