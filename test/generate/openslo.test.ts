// The OpenSLO v1 schema on documents written from the v1 specification: every valid one passes,
// each invalid one (its first line says why) fails. And the generated output: an SLO with
// groupBy as indicator labels and its alerting as AlertPolicy/AlertCondition/AlertNotificationTarget.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { checkOpenSlo, openSloDocuments } from '../../src/index.ts';
import { runbook as projectDefinitions } from '../../runbooks/webhook-delivery/index.ts';
import { ROOT } from '../harness/cli.ts';

const dir = (kind: string) => join(ROOT, 'test/openslo', kind);
const files = (kind: string) => readdirSync(dir(kind)).filter((f) => f.endsWith('.yaml')).sort();

describe('OpenSLO v1 schema', () => {
  it('has a document of every kind among the valid ones', () => {
    const kinds = new Set(files('valid').map((f) => parse(readFileSync(join(dir('valid'), f), 'utf8')).kind));
    expect([...kinds].sort()).toEqual(['AlertCondition', 'AlertNotificationTarget', 'AlertPolicy', 'DataSource', 'SLI', 'SLO', 'Service']);
  });

  for (const f of files('valid')) {
    it(`accepts valid/${f}`, () => {
      expect(checkOpenSlo(parse(readFileSync(join(dir('valid'), f), 'utf8')), f)).toEqual([]);
    });
  }

  for (const f of files('invalid')) {
    const text = readFileSync(join(dir('invalid'), f), 'utf8');
    const why = /^# why: (.*)$/m.exec(text)?.[1];
    it(`refuses invalid/${f} (${why})`, () => {
      expect(why, 'each invalid document says why').toBeTruthy();
      const problems = checkOpenSlo(parse(text), f);
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(p).toMatch(new RegExp(`^${f.replace('.', '\\.')}: OpenSLO schema: `));
    });
  }

  it('accepts every document slogate generates', () => {
    for (const slo of projectDefinitions.slos) {
      const text = readFileSync(join(ROOT, 'generated/slo', `${slo.name}.yaml`), 'utf8');
      const docs = parseAllDocuments(text);
      expect(Array.isArray(docs) ? docs.length : 1).toBeGreaterThan(1);
      for (const d of Array.isArray(docs) ? docs : [docs]) expect(checkOpenSlo(d.toJSON(), slo.name)).toEqual([]);
    }
  });
});

describe('OpenSLO output', () => {
  const [slo] = projectDefinitions.slos;
  const docs = openSloDocuments(slo, projectDefinitions.burnPolicy) as Record<string, any>[];

  it('carries groupBy as indicator labels', () => {
    expect(docs[0].spec.indicator.metadata.labels).toEqual({ groupBy: ['track'] });
  });

  it('carries the alert policy: one AlertPolicy and AlertCondition per burn condition, referenced by the SLO', () => {
    const byKind = (k: string) => docs.filter((d) => d.kind === k);
    expect(byKind('AlertCondition').map((d) => [d.spec.severity, d.spec.condition])).toEqual([
      ['critical', { kind: 'burnrate', op: 'gt', threshold: 14.4, lookbackWindow: '1h', alertAfter: '5m' }],
      ['critical', { kind: 'burnrate', op: 'gt', threshold: 6, lookbackWindow: '6h', alertAfter: '30m' }],
      ['warning', { kind: 'burnrate', op: 'gt', threshold: 3, lookbackWindow: '1d', alertAfter: '2h' }],
      ['warning', { kind: 'burnrate', op: 'gt', threshold: 1, lookbackWindow: '3d', alertAfter: '6h' }],
    ]);
    const policies = byKind('AlertPolicy');
    expect(docs[0].spec.alertPolicies).toEqual(policies.map((p) => ({ alertPolicyRef: p.metadata.name })));
    const conditions = new Set(byKind('AlertCondition').map((d) => d.metadata.name));
    const targets = new Set(byKind('AlertNotificationTarget').map((d) => d.metadata.name));
    for (const p of policies) {
      expect(conditions.has(p.spec.conditions[0].conditionRef)).toBe(true);
      expect(targets.has(p.spec.notificationTargets[0].targetRef)).toBe(true);
    }
  });

  it('a bad/total SLI is ratioMetric bad/total; a raw SLI points at its recorded ratio', () => {
    const bad = openSloDocuments({ ...slo, sli: { bad: { metric: 'webhook_rate_limited_total' }, total: { metric: 'webhook_delivery_total' } } }, projectDefinitions.burnPolicy)[0] as Record<string, any>;
    expect(Object.keys(bad.spec.indicator.spec.ratioMetric)).toEqual(['counter', 'bad', 'total']);
    const raw = openSloDocuments({ ...slo, sli: { raw: { errorRatioQuery: 'sum by (track) (rate(webhook_rate_limited_total[{{window}}])) / sum by (track) (rate(webhook_delivery_total[{{window}}]))' } } }, projectDefinitions.burnPolicy)[0] as Record<string, any>;
    expect(raw.spec.indicator.spec.ratioMetric).toEqual({ counter: false, rawType: 'failure', raw: { metricSource: { type: 'Prometheus', spec: { query: `slo:sli_error:ratio_rate5m{slo="${slo.name}"}` } } } });
    expect(checkOpenSlo(raw, 'raw')).toEqual([]);
  });
});
