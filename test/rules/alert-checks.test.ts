// Every named alert check, one failing definition each; the runbook turns checks off by id.
import { describe, expect, it } from 'vitest';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';
import { buildArtefacts, DefinitionError } from '../../src/generate/artefacts.ts';
import { knownSeries } from '../../src/generate/artefacts.ts';
import type { AlertDef } from '../../src/rules/alert.ts';
import { ALERT_CHECKS, checkAlert } from '../../src/rules/validate.ts';

const known = knownSeries(flagship);
const good: AlertDef = {
  name: 'WebhookCanaryTest',
  severity: 'critical',
  expr: 'sum(rate(webhook_delivery_total[5m])) > 1',
  for: '5m',
  summary: 'Something is wrong.',
  description: 'The value is {{ $value }}.',
};

const cases: [string, Partial<AlertDef>][] = [
  ['alert-name-camelcase', { name: 'webhook_test' }],
  ['alert-name-length', { name: 'WebhookCanaryWithAVeryLongNameThatGoesOnAndOn' }],
  ['alert-severity', { severity: 'page' as AlertDef['severity'] }],
  ['alert-summary-present', { summary: ' ' }],
  ['alert-summary-static', { summary: 'Value is {{ $value }}.' }],
  ['alert-summary-capital', { summary: 'something is wrong.' }],
  ['alert-summary-period', { summary: 'Something is wrong' }],
  ['alert-summary-one-sentence', { summary: 'Something is wrong. Roll back.' }],
  ['alert-description-value', { description: 'Something is wrong.' }],
  ['alert-label-stable', { labels: { value: '{{ $value }}' } }],
  ['alert-for-duration', { for: 'five minutes' }],
  ['alert-expr-promql', { expr: 'sum(rate(webhook_deliveries_total[5m])) > 1' }],
  ['alert-expr-comparison', { expr: 'sum(rate(webhook_delivery_total[5m]))' }],
];

describe('alert checks', () => {
  it('a good alert passes every check', () => {
    expect(checkAlert(good, known)).toEqual([]);
  });

  it('every check has a failing case here, an id, a severity and a one-line doc', () => {
    expect(cases.map(([id]) => id).sort()).toEqual(ALERT_CHECKS.map((c) => c.id).sort());
    for (const c of ALERT_CHECKS) {
      expect(c.id).toMatch(/^alert-[a-z-]+$/);
      expect(['error', 'warning']).toContain(c.severity);
      expect(c.doc).not.toMatch(/\n/);
    }
  });

  for (const [id, change] of cases) {
    it(`${id}: reported under its id, and silent when disabled`, () => {
      const a = { ...good, ...change };
      const problems = checkAlert(a, known);
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((p) => p.startsWith(`alert ${a.name}: [`))).toBe(true);
      expect(problems.some((p) => p.includes(`[${id}]`))).toBe(true);
      expect(checkAlert(a, known, new Set([id])).some((p) => p.includes(`[${id}]`))).toBe(false);
    });
  }

  it("the runbook's lint.disabled turns a check off for generate, and names an unknown id", () => {
    const noisy = { ...good, summary: 'something is wrong.' };
    const rb = { ...flagship, alertGroups: [{ name: 'extra', alerts: [noisy] }, ...flagship.alertGroups] };
    expect(() => buildArtefacts(rb)).toThrow(/\[alert-summary-capital\]/);
    expect(() => buildArtefacts({ ...rb, lint: { disabled: ['alert-summary-capital'] } })).not.toThrow();
    const err = (() => {
      try {
        buildArtefacts({ ...flagship, lint: { disabled: ['no-such-check'] } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DefinitionError);
    expect((err as DefinitionError).problems).toEqual(['lint.disabled: "no-such-check" is not a check (see docs/generate.md for the list)']);
  });
});
