// The loaded-rules comparison as a pure function: every kind of difference is named.
import { describe, expect, it } from 'vitest';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alerts.ts';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';
import { compareRuleGroup, describeReport, expectedAlertGroup, normalizeExpr, parseRulesResponse, type LoadedGroup } from '../../src/rules/loaded.ts';

const NOW = 1_800_000_000;
const expected = expectedAlertGroup(canaryAlertGroup, { ownerLabels: runbook.ownerLabels });

/** The group as a faithful Prometheus would report it (its own print of each expression). */
function faithful(over: Partial<LoadedGroup> = {}): LoadedGroup {
  return {
    name: 'webhook_canary',
    file: '/etc/prometheus/rules/webhook_canary_alerts.yml',
    intervalSeconds: 60,
    lastEvaluation: NOW - 20,
    rules: expected.rules.map((r) => ({
      type: r.type,
      name: r.name,
      // Prometheus re-prints: newlines gone, 24h as 1d
      query: r.expr.replace(/\n/g, ' ').replace(/\[24h\]/g, '[1d]'),
      forSeconds: r.forSeconds,
      labels: { ...r.labels },
      health: 'ok',
      lastEvaluation: NOW - 20,
    })),
    ...over,
  };
}

describe('compareRuleGroup', () => {
  it('accepts the generated group as Prometheus prints it', () => {
    const r = compareRuleGroup(expected, [faithful()], { now: NOW });
    expect(describeReport(r)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('names a missing group and what is loaded instead', () => {
    const r = compareRuleGroup(expected, [{ ...faithful(), name: 'other' }], { now: NOW });
    expect(r.ok).toBe(false);
    expect(describeReport(r)).toEqual(['rule group webhook_canary is not loaded (loaded: other)']);
    expect(describeReport(compareRuleGroup(expected, [], { now: NOW }))[0]).toMatch(/runs no rule groups/);
  });

  it('names missing, extra and changed rules with the difference', () => {
    const g = faithful();
    const rules = [...g.rules];
    rules.splice(1, 1); // drop the latency critical alert
    rules[0] = { ...rules[0], query: rules[0].query.replace('< 0.9', '< 0.8') };
    rules[2] = { ...rules[2], forSeconds: 60 };
    rules[3] = { ...rules[3], labels: { ...rules[3].labels, severity: 'warning' } };
    rules.push({ ...rules[4], name: 'SomethingElse' });
    const r = compareRuleGroup(expected, [{ ...g, rules }], { now: NOW });
    const said = describeReport(r);
    expect(said).toContain('rule group webhook_canary lacks WebhookCanaryLatencyP95Critical');
    expect(said).toContain('rule group webhook_canary holds SomethingElse, which generated/ does not');
    expect(said.find((s) => s.includes('WebhookCanarySuccessRateCritical'))).toMatch(/differs in expr \(generated .*< 0\.9.*, loaded .*< 0\.8/);
    expect(said.find((s) => s.includes(`${expected.rules[3].name} differs in for`))).toMatch(/generated none, loaded 60s/);
    expect(said.find((s) => s.includes('differs in labels'))).toMatch(/severity="critical".*severity="warning"/);
  });

  it('reports a rule with lastError or health err', () => {
    const g = faithful();
    const rules = g.rules.map((x, i) => (i === 0 ? { ...x, health: 'err', lastError: 'many-to-many matching not allowed' } : i === 1 ? { ...x, health: 'err' } : x));
    const said = describeReport(compareRuleGroup(expected, [{ ...g, rules }], { now: NOW }));
    expect(said).toEqual([
      'rule group webhook_canary: WebhookCanarySuccessRateCritical fails to evaluate: many-to-many matching not allowed',
      'rule group webhook_canary: WebhookCanaryLatencyP95Critical fails to evaluate: health is err',
    ]);
  });

  it('is stale when the last evaluation is older than three intervals, and never evaluated without one', () => {
    expect(compareRuleGroup(expected, [faithful({ lastEvaluation: NOW - 200 })], { now: NOW }).ok).toBe(true);
    const stale = compareRuleGroup(expected, [faithful({ lastEvaluation: NOW - 3600 })], { now: NOW });
    expect(stale.ok).toBe(false);
    expect(describeReport(stale)[0]).toMatch(/last evaluated at .*, 3600 s ago \(more than 210 s/);
    const g = faithful({ lastEvaluation: null });
    const never = compareRuleGroup(expected, [{ ...g, rules: g.rules.map((x) => ({ ...x, lastEvaluation: null })) }], { now: NOW });
    expect(describeReport(never)).toEqual(['rule group webhook_canary is loaded but has never been evaluated']);
  });

  it('one faithful copy among two files is enough', () => {
    const broken = { ...faithful(), file: 'old.yml', rules: [] };
    expect(compareRuleGroup(expected, [broken, faithful()], { now: NOW }).ok).toBe(true);
  });

  it('scales the expected for with the time scale', () => {
    const scaled = expectedAlertGroup(canaryAlertGroup, { ownerLabels: runbook.ownerLabels, forScale: 1 / 60 });
    expect(scaled.rules.find((r) => r.name === 'WebhookCanarySuccessRateCritical')!.forSeconds).toBe(5);
  });
});

describe('normalizeExpr', () => {
  it('treats two prints of one expression alike, and a changed one as changed', () => {
    expect(normalizeExpr('sum(increase(x{a="b"}[24h])) > 1e1')).toBe(normalizeExpr("sum (increase(x{a='b'}[1d]))\n  > 10"));
    expect(normalizeExpr('rate(x[90s])')).toBe(normalizeExpr('rate(x[1m30s])'));
    expect(normalizeExpr('x > 0.9')).not.toBe(normalizeExpr('x > 0.8'));
    expect(normalizeExpr('x{a="b"}')).not.toBe(normalizeExpr('x{a="c"}'));
  });
});

describe('parseRulesResponse', () => {
  it("reads Prometheus's and vmalert's shapes; Go's zero time is never", () => {
    const groups = parseRulesResponse({
      status: 'success',
      data: {
        groups: [
          {
            name: 'g',
            file: 'f.yml',
            interval: 30,
            lastEvaluation: '0001-01-01T00:00:00Z',
            rules: [{ type: 'alerting', name: 'A', query: 'x > 1', duration: 300, labels: { severity: 'critical' }, health: 'unknown', lastError: '', lastEvaluation: '2026-12-01T08:00:00.5Z' }],
          },
        ],
      },
    });
    expect(groups).toEqual([
      { name: 'g', file: 'f.yml', intervalSeconds: 30, lastEvaluation: null, rules: [{ type: 'alerting', name: 'A', query: 'x > 1', forSeconds: 300, labels: { severity: 'critical' }, health: 'unknown', lastEvaluation: Date.parse('2026-12-01T08:00:00.5Z') / 1000 }] },
    ]);
    expect(() => parseRulesResponse('<html>')).toThrow(/did not answer a list of rule groups/);
  });
});
