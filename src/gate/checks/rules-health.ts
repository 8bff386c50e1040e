// The alert rules ran as generated through the window: loaded, unchanged, without errors,
// evaluated recently and, where the backend records evaluations, all along the window.
import { describeReport } from '../../rules/loaded.ts';
import { fmt, iso } from '../format.ts';
import type { CheckContext, GateCheck } from './types.ts';

/** Why the alert rules can't be trusted for this window (empty: they can). */
export function rulesProblems(ctx: CheckContext): string[] {
  const r = ctx.evidence.rules;
  if (!r.ok) return [`the loaded rules could not be read: ${r.reason}`];
  if (r.value.groups.length === 0) return ['the runbook defines no alert rule group, so no alert could have fired'];
  const out: string[] = [];
  for (const { report, coverage: c } of r.value.groups) {
    out.push(...describeReport(report));
    if (c.recorded && c.gaps.length) {
      const g = c.gaps[0];
      const minutes = c.gaps.reduce((s, x) => s + (x.to - x.from), 0) / 60;
      out.push(
        `rule group ${report.group} was not evaluated from ${iso(g.from)} to ${iso(g.to)}${c.gaps.length > 1 ? ` and ${c.gaps.length - 1} more gap${c.gaps.length > 2 ? 's' : ''}` : ''} (${fmt(ctx.toScaled(minutes), 1)} ${ctx.words.minutes} of the window, per ${c.source})`,
      );
    }
  }
  return out;
}

export const rulesHealthCheck: GateCheck = {
  name: 'rules_health',
  doc: 'The alert rule group is loaded as generated, has no errors, evaluated recently and throughout the window.',
  evaluate(ctx) {
    const r = ctx.evidence.rules;
    const problems = rulesProblems(ctx);
    const target = 'loaded as generated, evaluating';
    if (!r.ok) return { value: null, status: 'no_data', target, detail: `Rules: ${problems[0]}.` };
    const groups = r.value.groups.map((g) => g.report.group).join(', ');
    if (problems.length) {
      return { value: problems.length, status: 'no_data', target, detail: `${problems.length} problem${problems.length > 1 ? 's' : ''} with rule group ${groups}`, reason: `Alert rules: ${problems.join('; ')}.` };
    }
    const notes: string[] = [];
    const details: string[] = [];
    for (const { report, coverage: c } of r.value.groups) {
      if (c.recorded) details.push(`${report.group} evaluated throughout the window (${c.source})`);
      else {
        details.push(`${report.group} loaded and evaluating`);
        notes.push(`Rule group ${report.group} is loaded and evaluating now, but its evaluations over the window are not recorded (${c.why}): see docs/gate.md to scrape the ruler's own metrics.`);
      }
    }
    return { value: 0, status: 'pass', target, detail: details.join('; '), notes };
  },
};
