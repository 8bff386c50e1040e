// PII in the canary's logs: any leak is a rollback. A skipped scan may continue an
// intermediate checkpoint, never promote at the final one.
import type { GateCheck } from './types.ts';

export const piiCheck: GateCheck = {
  name: 'pii_leaks',
  doc: 'No log line of the window holds personal data, read from logs read to the end and dated across the window; the final checkpoint needs the scan.',
  evaluate(ctx) {
    const { evidence: e } = ctx;
    const pii = ctx.thresholds.piiLeaks;
    const target = `${pii.target} lines`;
    if (e.piiLeaks === 'skipped') {
      return {
        value: null,
        status: 'no_data',
        target,
        detail: 'skipped (--skip pii)',
        skipped: 'pii',
        reason: ctx.final
          ? `The PII scan was skipped (--skip pii), but the final T+${ctx.checkpoint} checkpoint promotes only with no PII found: run the gate with --logs.`
          : 'The PII scan was skipped (--skip pii).',
      };
    }
    if (!e.piiLeaks.ok) return { value: null, status: 'no_data', target, detail: `PII scan: ${e.piiLeaks.reason}.` };
    // a leak found is a rollback whatever else the scan could not read; a clean scan with
    // problems (read errors, no lines, logs not covering the window) proves nothing
    const problems = e.piiProblems ?? [];
    const n = e.piiLeaks.value;
    if (n > pii.critical) {
      const also = problems.length ? ` The scan also reports: ${problems.join('; ')}.` : '';
      return { value: n, status: 'critical', target, detail: `${n} log lines contain personal data (any leak is a rollback).${also}`, metrics: { pii_leaks: n } };
    }
    if (problems.length) return { value: null, status: 'no_data', target, detail: `PII scan: ${problems.join('; ')}.` };
    return { value: n, status: 'pass', target, detail: 'no PII in the logs', metrics: { pii_leaks: n } };
  },
};
