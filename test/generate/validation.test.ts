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
    ['a 7-day SLO without a windows spec', withSlo({ timeWindow: '7d' }), /^slo webhook-delivery-availability: no burn-rate windows for period 7d \(known periods: 30d, 28d\); use one of them or give the SLO its own alertWindows$/],
    ['a 1-hour period', withSlo({ timeWindow: '1h' }), /no burn-rate windows for period 1h/],
    ['a zero period', withSlo({ timeWindow: '0d' }), /slo webhook-delivery-availability: \/timeWindow must match pattern/],
    ['a name whose OpenSLO names would pass 63 characters', withSlo({ name: 'a'.repeat(60) }), /name is 60 characters; at most 50 so that the OpenSLO names made from it \(a{60}-ticket-quick\) stay within 63/],
    ['an objective whose budget rounds to 0', withSlo({ objective: 99.99999999999999 }), /objective 99.99999999999999 leaves no error budget/],
    ['a displayName over 63 characters', withSlo({ displayName: 'x'.repeat(64) }), /\/displayName must NOT have more than 63 characters/],
    ['a service that is not an OpenSLO name', withSlo({ service: 'Webhook Sender' }), /\/service must match pattern/],
    ['an SLI of no known kind', withSlo({ sli: { ok: { metric: 'webhook_delivery_total' } } }), /\/sli must have exactly one of good \(with total\), bad \(with total\), latency or raw; found none/],
    ['an SLI of two kinds', withSlo({ sli: { good: { metric: 'webhook_delivery_success_total' }, bad: { metric: 'webhook_delivery_total' }, total: { metric: 'webhook_delivery_total' } } }), /found good, bad/],
    ['an invalid regex matcher', withSlo({ matchers: { job: 'webhook-sender', 'instance=~': 'sender-(' } }), /matchers: instance=~"sender-\(" is not a valid regular expression/],
    ['a lookahead (not RE2)', withSlo({ matchers: { 'instance!~': '(?!canary).*' } }), /lookarounds and backreferences are not RE2/],
    ['a bad matcher operator', withSlo({ matchers: { 'job=!': 'x' } }), /\/matchers property name must be valid|must match pattern/],
    ['a latency bound that is not a bucket', withSlo({ sli: { latency: { histogram: 'webhook_delivery_duration_seconds', le: 3 } } }), /sli.latency.le 3 is not a bucket of webhook_delivery_duration_seconds \(buckets: /],
    ['a groupBy label the rules set themselves', withSlo({ groupBy: ['window'] }), /groupBy label "window" is one the SLO rules set themselves/],
    ['a raw query without {{window}}', withSlo({ sli: { raw: { errorRatioQuery: 'sum by (track) (rate(webhook_delivery_total[5m]))' } } }), /sli.raw.errorRatioQuery must use \{\{window\}\}/],
    ['a raw query with a syntax error', withSlo({ sli: { raw: { errorRatioQuery: 'sum by (track) (rate(webhook_delivery_total[{{window}}])' } } }), /sli.raw.errorRatioQuery: PromQL error at line 1, column \d+/],
    ['a raw query that drops a group-by label', withSlo({ sli: { raw: { errorRatioQuery: 'sum(rate(webhook_rate_limited_total[{{window}}])) / sum(rate(webhook_delivery_total[{{window}}]))' } } }), /sli.raw.errorRatioQuery keeps labels \(\), but groupBy is \(track\); aggregate with sum by \(track\)/],
    ['a raw query that keeps every label', withSlo({ sli: { raw: { errorRatioQuery: 'rate(webhook_rate_limited_total[{{window}}]) / rate(webhook_delivery_total[{{window}}])' } } }), /can't tell which labels the result keeps: rate\(\) keeps every label of its series/],
    ['own windows for another period', withSlo({ timeWindow: '7d', alertWindows: { ...projectDefinitions.burnPolicy.windows[0] } }), /alertWindows.sloPeriod 30d is not the SLO's period 7d/],
    ['a generated alert name over 40 characters', withSlo({ name: 'webhook-delivery-availability-for-everyone-here' }), /page alert name WebhookDeliveryAvailabilityForEveryoneHerePage must be CamelCase of at most 40 characters \(it is 46\); set alerts.page.name/],
    ['an SLO on a metric outside the contract', withSlo({ sli: { good: { metric: 'nope_total' }, total: { metric: 'webhook_delivery_total' } } }), /slo webhook-delivery-availability: record slo:sli_error:ratio_rate5m: unknown metric "nope_total"/],
  ];

  const accepted: [string, Runbook][] = [
    ['regex and negative matchers of every kind', withSlo({ matchers: { job: 'webhook-sender', 'track=~': 'canary|stable', 'instance!~': 'debug-.*', 'env!=': 'dev' } })],
    ['an error counter over all deliveries', withSlo({ sli: { bad: { metric: 'webhook_rate_limited_total' }, total: { metric: 'webhook_delivery_total' } } })],
    ['a raw ratio keeping exactly the group-by labels', withSlo({ sli: { raw: { errorRatioQuery: 'sum by (track) (rate(webhook_rate_limited_total{job="webhook-sender"}[{{window}}])) / sum by (track) (rate(webhook_delivery_total{job="webhook-sender"}[{{window}}]))' } } })],
    ['a 28-day period', withSlo({ timeWindow: '28d' })],
    ['a 4-week period (the 28-day spec)', withSlo({ timeWindow: '4w' })],
    ['a 7-day SLO with its own windows', withSlo({ timeWindow: '7d', alertWindows: { ...projectDefinitions.burnPolicy.windows[0], sloPeriod: '7d' } })],
    ['a name too long for "BurnPage" but not for "Page"', withSlo({ name: 'webhook-delivery-availability-strict' })],
    ['a 50-character name', withSlo({ name: 'a'.repeat(50), alerts: { page: { name: 'LongPage' }, ticket: { name: 'LongTicket' } } })],
  ];
  for (const [what, defs] of accepted) {
    it(`accepts ${what}`, () => {
      expect(problemsOf(defs)).toEqual([]);
    });
  }

  for (const [what, defs, re] of cases) {
    it(`rejects ${what}`, () => {
      const problems = problemsOf(defs);
      expect(problems.some((p) => re.test(p)), problems.join('\n')).toBe(true);
      for (const p of problems) expect(p).not.toContain('\n');
    });
  }
});
