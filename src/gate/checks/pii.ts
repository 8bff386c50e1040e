// PII in the canary's logs: any leak is a rollback. A skipped scan may continue an
// intermediate checkpoint, never promote at the final one.
import type { GateCheck } from './types.ts';

export const piiCheck: GateCheck = {
  name: 'pii_leaks',
  doc: 'No log line of the window holds personal data; the final checkpoint needs the scan.',
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
    const n = e.piiLeaks.value;
    if (n > pii.critical) return { value: n, status: 'critical', target, detail: `${n} log lines contain personal data (any leak is a rollback).`, metrics: { pii_leaks: n } };
    return { value: n, status: 'pass', target, detail: 'no PII in the logs', metrics: { pii_leaks: n } };
  },
};
