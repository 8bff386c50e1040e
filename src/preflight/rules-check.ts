// The pre-flight's rules check: every alert group of the runbook, as generated/ holds it,
// must be loaded exactly (names, expressions, `for`, labels), healthy and recently
// evaluated. The comparison is src/rules/loaded.ts, the one the gate uses.
import { compareRuleGroup, describeReport, expectedGroupsFromRuleFile, type ExpectedGroup, type LoadedGroup } from '../rules/loaded.ts';
import { fail, pass, type Outcome } from './checks.ts';

export { parseRulesResponse, type LoadedGroup } from '../rules/loaded.ts';

/** The groups of one generated rule file (parsed YAML) that the runbook defines. */
export function generatedGroups(doc: unknown, names: readonly string[]): ExpectedGroup[] {
  return expectedGroupsFromRuleFile(doc).filter((g) => names.includes(g.name));
}

/** Every expected group loaded exactly, healthy and fresh (`now` in unix seconds). */
export function alertRulesCheck(expected: readonly ExpectedGroup[], loaded: readonly LoadedGroup[], now: number, staleIntervals: number): Outcome {
  const problems: string[] = [];
  const fresh: string[] = [];
  for (const e of expected) {
    const r = compareRuleGroup(e, loaded, { now, staleIntervals });
    problems.push(...describeReport(r));
    if (r.ok && r.lastEvaluation !== null) fresh.push(`${e.name} ${Math.max(0, Math.round(now - r.lastEvaluation))} s ago`);
  }
  if (problems.length) return fail(`the loaded alert rules are not the generated ones, or not healthy (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
  return pass(`${expected.map((g) => `${g.rules.length} of ${g.name}`).join(', ')} loaded exactly as generated, all healthy, evaluated ${fresh.join(', ')}`);
}
