// Our critical alerts. One that fired in the window is a rollback at any checkpoint: the
// alerts are the runbook's rollback triggers. "None fired" counts only while the rules
// that would have fired are running as generated (the rules_health check).
import type { GateCheck } from './types.ts';
import { rulesProblems } from './rules-health.ts';

export const criticalAlertsCheck: GateCheck = {
  name: 'critical_alerts',
  doc: 'No critical alert of ours fired in the window, and the rules that would fire them ran.',
  evaluate(ctx) {
    const { evidence: e } = ctx;
    const target = '0 fired';
    if (!e.criticalAlerts.ok) return { value: null, status: 'no_data', target, detail: `Critical alerts: ${e.criticalAlerts.reason}.` };
    const names = [...new Set(e.criticalAlerts.value)].sort();
    if (names.length > 0) {
      // evidence found is kept whatever the rules' health says
      return { value: names.length, status: 'critical', target, detail: `Critical alerts fired in the window: ${names.join(', ')} (each is a rollback trigger).`, metrics: { critical_alerts: names.length } };
    }
    const problems = rulesProblems(ctx);
    if (problems.length) {
      return { value: 0, status: 'no_data', target, detail: 'none fired, but the alert rules are not proven to have run (see rules_health)', reason: `No critical alert fired, which proves nothing: ${problems[0]}.`, metrics: { critical_alerts: 0 } };
    }
    return { value: 0, status: 'pass', target, detail: 'none fired', metrics: { critical_alerts: 0 } };
  },
};
