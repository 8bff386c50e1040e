// Each generate-time validation, shown failing with a one-line error naming the definition.
import { describe, expect, it } from 'vitest';
import { buildArtefacts, DefinitionError, type Runbook, type AlertDef, type SloDef } from '../../src/index.ts';
import { runbook as projectDefinitions } from '../../runbooks/webhook-delivery/index.ts';

const base = projectDefinitions;
const good: AlertDef = base.alertGroups[0].alerts[0];

function withAlert(patch: Partial<AlertDef>): Runbook {
  const alerts = [{ ...good, ...patch }, ...base.alertGroups[0].alerts.slice(1)];
  return { ...base, alertGroups: [{ ...base.alertGroups[0], alerts }] };
}

function withSlo(patch: Record<string, unknown>): Runbook {
  return { ...base, slos: [{ ...base.slos[0], ...patch } as SloDef, ...base.slos.slice(1)] };
}

function problemsOf(defs: Runbook): string[] {
  try {
    buildArtefacts(defs);
  } catch (e) {
    if (e instanceof DefinitionError) return e.problems;
    throw e;
  }
  return [];
}

describe('generate-time validation', () => {
  it('accepts the project definitions', () => {
    expect(problemsOf(base)).toEqual([]);
  });

  const cases: [string, Runbook, RegExp][] = [
    ['PromQL syntax error with its position', withAlert({ expr: 'sum(rate(webhook_delivery_total[5m]) > 1' }), /alert WebhookCanarySuccessRateCritical: \[alert-expr-promql\] expr: PromQL error at line 1, column \d+/],
    ['a range function on an instant vector', withAlert({ expr: 'rate(webhook_delivery_total) > 1' }), /rate\(\) expects a range vector/],
    ['wrong arity', withAlert({ expr: 'histogram_quantile(webhook_delivery_duration_seconds_bucket) > 1' }), /histogram_quantile\(\) takes 2 argument\(s\), got 1/],
    ['a metric outside the contract', withAlert({ expr: 'webhook_delivery_totl > 1' }), /unknown metric "webhook_delivery_totl"/],
    ['an alert name that is not CamelCase', withAlert({ name: 'webhook_canary_down' }), /alert webhook_canary_down: \[alert-name-camelcase\] name must be CamelCase/],
    ['an alert name over 40 characters', withAlert({ name: 'WebhookCanarySuccessRateCriticalForTheWholeFleet' }), /name is 48 characters, at most 40/],
    ['a bad severity', withAlert({ severity: 'page' as never }), /severity must be critical or warning, got "page"/],
    ['a missing summary', withAlert({ summary: '' }), /missing annotation summary/],
    ['a missing description', withAlert({ description: '' }), /missing annotation description/],
    ['a templated summary', withAlert({ summary: 'Success rate is {{ $value }}.' }), /summary must be static/],
    ['a summary without final period', withAlert({ summary: 'Success rate is low' }), /summary must end with a period/],
    ['a summary without capital', withAlert({ summary: 'success rate is low.' }), /summary must start with a capital letter/],
    ['a summary of two sentences', withAlert({ summary: 'Success rate is low. Roll back.' }), /summary must be one sentence/],
    ['a description without $value', withAlert({ description: 'Success rate is low.' }), /description must include the templated \$value/],
    ['an expression without comparison', withAlert({ expr: 'sum(rate(webhook_delivery_total[5m]))' }), /expr has no comparison/],
    ['$value in a label', withAlert({ labels: { current: '{{ $value }}' } }), /label current uses \$value/],
    ['a bad `for` duration', withAlert({ for: '5 minutes' }), /for: "5 minutes" is not a Prometheus duration/],
    ['a duplicate alert name', { ...base, alertGroups: [{ ...base.alertGroups[0], alerts: [...base.alertGroups[0].alerts, good] }] }, /alert WebhookCanarySuccessRateCritical: duplicate alert name/],
    ['an SLO objective out of range', withSlo({ objective: 120 }), /slo webhook-delivery-availability: \/objective must be < 100/],
    ['an SLO with an unknown field', withSlo({ target: 99 }), /slo webhook-delivery-availability: \/ must NOT have additional properties \(target\)/],
    ['an SLO with a bad name', withSlo({ name: 'Webhook Availability' }), /slo Webhook Availability: \/name must match pattern/],
    ['an SLO on a metric outside the contract', withSlo({ sli: { good: { metric: 'nope_total' }, total: { metric: 'webhook_delivery_total' } } }), /slo webhook-delivery-availability: record slo:sli_error:ratio_rate5m: unknown metric "nope_total"/],
  ];

  for (const [what, defs, re] of cases) {
    it(`rejects ${what}`, () => {
      const problems = problemsOf(defs);
      expect(problems.some((p) => re.test(p)), problems.join('\n')).toBe(true);
      for (const p of problems) expect(p).not.toContain('\n');
    });
  }
});
