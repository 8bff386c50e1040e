// Each dashboard lint rule catches a bad dashboard; `slogate lint` and `generate` run it.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { contractSeriesNames } from '../../src/contract/metrics.ts';
import { knownSeries } from '../../src/generate/artefacts.ts';
import { runbook as projectDefinitions } from '../../runbooks/webhook-delivery/index.ts';
import { LINT_RULES, lintDashboard, rateWindows, substituteMacros } from '../../src/dashboards/lint.ts';
import { buildDashboards, dashboardSource } from '../../src/dashboards/source.ts';
import { JUSTIFIED_WINDOWS } from '../../runbooks/webhook-delivery/dashboard-common.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

const known = knownSeries(projectDefinitions);
const built = buildDashboards(projectDefinitions);
const canaryJson = built.find((b) => b.uid === 'webhook-canary-observability')!.artefact.content;
type Panel = { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; description?: string; datasource?: unknown; fieldConfig?: { defaults: { unit?: string } }; targets?: { refId?: string; expr: string; datasource?: unknown; instant?: boolean }[] };
type Dash = { uid: string; panels: Panel[]; templating: { list: { name: string }[] }; annotations: { list: { datasource?: unknown; expr?: string }[] } };
const fresh = (): Dash => JSON.parse(canaryJson);
const panel = (d: Dash, id: number) => d.panels.find((p) => p.id === id)!;
const lintPolicy = { justifiedWindows: flagship.dashboardPolicy.justifiedWindows, requiredPanels: flagship.dashboardPolicy.requiredPanels };
const lint = (d: unknown) => lintDashboard(d, { known, ...lintPolicy });

/** Problems for one rule; each must name the dashboard and carry the rule tag. */
function problemsFor(d: Dash, rule: string): string[] {
  const all = lint(d);
  for (const p of all) expect(p).toMatch(/^dashboard webhook-canary-observability: /);
  return all.filter((p) => p.includes(`[${rule}]`));
}

describe('dashboard lint rules', () => {
  it('the generated dashboards are clean', () => {
    for (const b of built) expect(lintDashboard(JSON.parse(b.artefact.content), { known, ...lintPolicy })).toEqual([]);
  });

  const cases: [string, (d: Dash) => void, RegExp][] = [
    ['panel-id-unique', (d) => (panel(d, 12).id = 1), /panel 1 "PII leak lines": \[panel-id-unique\] id 1 is also used by panel 1 "Success rate"/],
    ['grid-overlap', (d) => (panel(d, 2).gridPos.x = 6), /panel 2 "p95 delivery latency": \[grid-overlap\] gridPos overlaps panel 1 "Success rate"/],
    ['grid-width', (d) => (panel(d, 2).gridPos.w = 13), /panel 2 "p95 delivery latency": \[grid-width\] gridPos x 12 \+ w 13 exceeds/],
    ['datasource-variable', (d) => (panel(d, 20).targets![0].datasource = { type: 'prometheus', uid: 'PBFA97CFB590B2093' }), /panel 20 "Delivery rate": target A: \[datasource-variable\] target datasource must be the \$datasource variable/],
    ['datasource-variable', (d) => delete panel(d, 21).datasource, /panel 21 "Deliveries by outcome": \[datasource-variable\] panel datasource/],
    ['datasource-variable', (d) => (d.templating.list = d.templating.list.filter((v) => v.name !== 'datasource')), /templating: \[datasource-variable\]/],
    ['target-refid', (d) => delete panel(d, 22).targets![1].refId, /panel 22 "Delivery latency p50 \/ p99": target #2: \[target-refid\]/],
    ['promql-parse', (d) => (panel(d, 1).targets![0].expr = 'sum(rate(webhook_delivery_total[$__rate_interval])'), /panel 1 "Success rate": target A: \[promql-parse\] line 1, column/],
    ['promql-known-series', (d) => (panel(d, 30).targets![0].expr = 'webhook_queue_length{job="webhook-sender"}'), /panel 30 "Queue depth": target A: \[promql-known-series\] unknown series "webhook_queue_length"/],
    ['rate-interval', (d) => (panel(d, 20).targets![0].expr = 'sum(rate(webhook_delivery_total{track="$track"}[5m]))'), /panel 20 "Delivery rate": target A: \[rate-interval\] rate\(\) over \[5m\]/],
    ['rate-interval', (d) => (panel(d, 23).targets![0].expr = 'sum(increase(webhook_delivery_total[$__range]))'), /panel 23 .*\[rate-interval\] increase\(\) over \[\$__range\]/],
    ['panel-unit', (d) => delete panel(d, 31).fieldConfig!.defaults.unit, /panel 31 "Dead letter queue size": \[panel-unit\]/],
    ['panel-description', (d) => (panel(d, 32).description = ' '), /panel 32 "In-flight deliveries": \[panel-description\]/],
    ['runbook-panel-ids', (d) => (d.panels = d.panels.filter((p) => p.id !== 10)), /panel 10: \[runbook-panel-ids\] the runbook renders panel 10 \(retry histogram\)/],
  ];
  it.each(cases)('%s catches a bad dashboard', (rule, breakIt, message) => {
    const d = fresh();
    breakIt(d);
    const found = problemsFor(d, rule);
    expect(found.some((p) => message.test(p)), found.join('\n')).toBe(true);
  });

  it('every rule has a case', () => {
    expect(new Set(cases.map(([r]) => r))).toEqual(new Set(LINT_RULES));
  });

  it('checks annotation queries too', () => {
    const d = fresh();
    d.annotations.list[0].expr = 'NOT_A_SERIES';
    expect(problemsFor(d, 'promql-known-series').join('\n')).toMatch(/annotation "Firing webhook_canary alerts": \[promql-known-series\]/);
  });

  it('a fixed window is fine once justified', () => {
    const d = fresh();
    panel(d, 20).targets![0].expr = 'sum(rate(webhook_delivery_total[1h]))';
    expect(lintDashboard(d, { known, ...lintPolicy, justifiedWindows: { ...JUSTIFIED_WINDOWS, '1h': 'hourly report' } })).toEqual([]);
    // the circuit breaker gate's 24h window is clean only because it is justified
    expect(lintDashboard(fresh(), { known, ...lintPolicy, justifiedWindows: {} }).join('\n')).toMatch(/panel 11 .*\[rate-interval\] increase\(\) over \[24h\]/);
  });

  it('substitutes Grafana macros and variables before parsing', () => {
    expect(substituteMacros('rate(x{a="$track",b=~"${instance:regex}"}[$__rate_interval]) / $__range_s')).toBe('rate(x{a="x",b=~"x"}[5m]) / 1');
    expect(rateWindows('sum(rate(a{l="[x]"}[$__rate_interval])) + increase(b[24h]) + rate((c)[5m:1m])')).toEqual([
      { fn: 'rate', window: '$__rate_interval' },
      { fn: 'increase', window: '24h' },
    ]);
  });
});

describe('lint runs in generate and in slogate lint', () => {
  it('generate: the dashboard source returns lint problems, so nothing is written', () => {
    // without the SLO recording rules, the SLO panels name unknown series
    const r = dashboardSource(projectDefinitions, contractSeriesNames(flagship.metrics), {});
    expect(r.problems.length).toBeGreaterThan(0);
    expect(r.problems.every((p) => /\[promql-known-series\] unknown series "slo:/.test(p))).toBe(true);
  });

  it('slogate lint: exit 1 with one line per problem naming dashboard, panel and rule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slogate-dash-lint-'));
    try {
      await cp('generated', dir, { recursive: true });
      const file = join(dir, 'grafana', 'dashboards', 'webhook-canary-observability.json');
      const d = JSON.parse(await readFile(file, 'utf8')) as Dash;
      delete panel(d, 11).fieldConfig!.defaults.unit;
      await writeFile(file, JSON.stringify(d));
      const r = await promisify(execFile)('bin/slogate', ['lint', '--no-promtool', dir]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`slogate: dashboard webhook-canary-observability (${file}): panel 11 "Circuit breaker opens (24h)": [panel-unit] no unit (fieldConfig.defaults.unit)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
