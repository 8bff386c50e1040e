// Lint against dashboards written from scratch (not mutations of ours), and a
// third SLO through the library API: both dashboards grow with no dashboard code.
import { describe, expect, it } from 'vitest';
import { buildArtefacts, knownSeries } from '../../src/generate/artefacts.ts';
import { runbook as projectDefinitions } from '../../runbooks/webhook-delivery/index.ts';
import { lintDashboard } from '../../src/dashboards/lint.ts';
import { slos } from '../../runbooks/webhook-delivery/slos.ts';
import type { SloDef } from '../../src/slo/types.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

const known = knownSeries(projectDefinitions);
const ds = { type: 'prometheus', uid: '${datasource}' };
const templating = { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] };
const GOOD = 'sum(rate(webhook_delivery_total{track="$track"}[$__rate_interval]))';
type P = Record<string, unknown>;
const panel = (id: number, gridPos: { x: number; y: number; w: number; h: number }, expr = GOOD, extra: P = {}): P => ({
  id,
  type: 'timeseries',
  title: `Panel ${id}`,
  gridPos,
  datasource: ds,
  description: 'Red: roll back.',
  fieldConfig: { defaults: { unit: 'short' }, overrides: [] },
  targets: [{ refId: 'A', datasource: ds, expr }],
  ...extra,
});
const lintPolicy = { justifiedWindows: flagship.dashboardPolicy.justifiedWindows, requiredPanels: flagship.dashboardPolicy.requiredPanels };
const lint = (panels: P[], uid = 'team-board') => lintDashboard({ uid, title: 'Team board', templating, panels }, { known, ...lintPolicy });

describe('lint on dashboards it has never seen', () => {
  it('a clean hand-written dashboard has no problems', () => {
    expect(lint([panel(1, { x: 0, y: 0, w: 12, h: 8 }), panel(2, { x: 12, y: 0, w: 12, h: 8 })])).toEqual([]);
  });

  const cases: [string, P[], RegExp][] = [
    ['overlapping boxes', [panel(1, { x: 0, y: 0, w: 12, h: 8 }), panel(2, { x: 6, y: 4, w: 12, h: 8 })], /^dashboard team-board: panel 2 "Panel 2": \[grid-overlap\] gridPos overlaps panel 1 "Panel 1"$/],
    ['width 25', [panel(1, { x: 0, y: 0, w: 25, h: 8 })], /^dashboard team-board: panel 1 "Panel 1": \[grid-width\] gridPos x 0 \+ w 25 exceeds the 24-column grid$/],
    ['a target without datasource', [panel(3, { x: 0, y: 0, w: 24, h: 8 }, GOOD, { targets: [{ refId: 'A', expr: GOOD }] })], /^dashboard team-board: panel 3 "Panel 3": target A: \[datasource-variable\] target datasource must be the \$datasource variable, got null$/],
    ['a misspelt function', [panel(4, { x: 0, y: 0, w: 24, h: 8 }, 'sum(rat(webhook_delivery_total[$__rate_interval]))')], /^dashboard team-board: panel 4 "Panel 4": target A: \[promql-parse\] line 1, column \d+: syntax error near .*\(unknown function "rat"\)$/],
    ['a misspelt keyword', [panel(5, { x: 0, y: 0, w: 24, h: 8 }, 'sum bye (le) (rate(webhook_delivery_total[$__rate_interval]))')], /^dashboard team-board: panel 5 "Panel 5": target A: \[promql-parse\] line 1, column 5: syntax error near "bye/],
    ['an unknown metric', [panel(6, { x: 0, y: 0, w: 24, h: 8 }, 'sum(rate(webhook_deliveries_total[$__rate_interval]))')], /^dashboard team-board: panel 6 "Panel 6": target A: \[promql-known-series\] unknown series "webhook_deliveries_total"/],
    ['rate over [5m]', [panel(7, { x: 0, y: 0, w: 24, h: 8 }, 'rate(webhook_delivery_total[5m])')], /^dashboard team-board: panel 7 "Panel 7": target A: \[rate-interval\] rate\(\) over \[5m\]/],
    ['increase over [$__interval]', [panel(8, { x: 0, y: 0, w: 24, h: 8 }, 'increase(webhook_delivery_total[$__interval])')], /^dashboard team-board: panel 8 "Panel 8": target A: \[rate-interval\] increase\(\) over \[\$__interval\]/],
    ['no unit', [panel(9, { x: 0, y: 0, w: 24, h: 8 }, GOOD, { fieldConfig: undefined })], /^dashboard team-board: panel 9 "Panel 9": \[panel-unit\]/],
    ['no description', [panel(11, { x: 0, y: 0, w: 24, h: 8 }, GOOD, { description: undefined })], /^dashboard team-board: panel 11 "Panel 11": \[panel-description\]/],
  ];
  it.each(cases)('%s: one line naming dashboard, panel and rule', (_name, panels, line) => {
    const out = lint(panels);
    expect(out, out.join('\n')).toHaveLength(1);
    expect(out[0]).toMatch(line);
  });

  it('the runbook panel 10 missing from the canary dashboard', () => {
    const all = [1, 2, 11].map((id, i) => panel(id, { x: 0, y: 8 * i, w: 24, h: 8 }));
    expect(lint(all, 'webhook-canary-observability')).toEqual([
      'dashboard webhook-canary-observability: panel 10: [runbook-panel-ids] the runbook renders panel 10 (retry histogram) but the dashboard has no such panel',
    ]);
  });
});

describe('a third SLO through buildArtefacts', () => {
  const third: SloDef = { ...slos[0], name: 'webhook-delivery-availability-strict', displayName: 'Strict availability', objective: 99.9, timeWindow: '28d' };
  const defs = { ...projectDefinitions, slos: [...slos, third] };
  const before = new Map(buildArtefacts(projectDefinitions).map((a) => [a.path, a.content]));
  const after = new Map(buildArtefacts(defs).map((a) => [a.path, a.content]));
  type Dash = { panels: { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; targets?: { expr: string }[]; panels?: unknown[] }[] };
  const dash = (m: Map<string, string>, uid: string): Dash => JSON.parse(m.get(`grafana/dashboards/${uid}.json`)!);

  it.each(['webhook-slo-overview', 'webhook-canary-observability'])('%s grows with unique ids, no overlaps, lint clean', (uid) => {
    const a = dash(before, uid);
    const b = dash(after, uid);
    expect(b.panels.length).toBeGreaterThan(a.panels.length);
    const ids = b.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    // existing panels keep their ids (the runbook's render URLs)
    for (const p of a.panels) expect(ids).toContain(p.id);
    const boxes = b.panels.map((p) => p.gridPos);
    for (const [i, g] of boxes.entries()) {
      expect(g.x + g.w).toBeLessThanOrEqual(24);
      for (const h of boxes.slice(0, i)) expect(g.x < h.x + h.w && h.x < g.x + g.w && g.y < h.y + h.h && h.y < g.y + g.h).toBe(false);
    }
    const mine = b.panels.filter((p) => p.targets?.some((t) => t.expr.includes(`slo="${third.name}"`)));
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(lintDashboard(b, { known: knownSeries(defs), ...lintPolicy })).toEqual([]);
  });

  it('the overview gets a row titled after the new SLO', () => {
    expect(dash(after, 'webhook-slo-overview').panels.filter((p) => p.type === 'row').map((p) => p.title)).toContain('Strict availability (99.9% over 28d)');
  });
});

describe('classic dashboard model shape (what /api/dashboards/db and file provisioning load)', () => {
  const built = buildArtefacts(projectDefinitions).filter((a) => a.path.startsWith('grafana/dashboards/'));
  type Obj = Record<string, unknown>;
  const objects = (v: unknown, out: Obj[] = []): Obj[] => {
    if (Array.isArray(v)) v.forEach((x) => objects(x, out));
    else if (v && typeof v === 'object') {
      out.push(v as Obj);
      Object.values(v).forEach((x) => objects(x, out));
    }
    return out;
  };

  it.each(built.map((a) => [a.path, a.content]))('%s', (_path, content) => {
    const d = JSON.parse(content) as Obj & { panels: Obj[]; templating: { list: Obj[] }; annotations: { list: Obj[] } };
    // classic (not v2): numeric schemaVersion from the gridPos era, id null so any Grafana matches by uid
    expect(d.schemaVersion).toBeTypeOf('number');
    expect(d.schemaVersion as number).toBeGreaterThanOrEqual(36);
    expect(d.id ?? null).toBeNull();
    expect(d.editable).toBe(false);
    expect(d).not.toHaveProperty('elements'); // a v2 field
    for (const p of d.panels) {
      const g = p.gridPos as Record<string, number>;
      for (const k of ['x', 'y', 'w', 'h']) expect(Number.isInteger(g[k]), `${String(p.id)} gridPos.${k}`).toBe(true);
      if (p.type === 'row') {
        expect(p.collapsed).toBe(false);
        expect(p.panels).toEqual([]); // an expanded row's panels follow it at top level
        expect(g).toMatchObject({ x: 0, w: 24, h: 1 });
      } else {
        expect(p).not.toHaveProperty('collapsed');
      }
    }
    const ds = d.templating.list.find((v) => v.name === 'datasource');
    expect(ds).toMatchObject({ type: 'datasource', query: 'prometheus', label: 'Data source' });
    for (const a of d.annotations.list) expect(a.datasource).toEqual(ds && { type: 'prometheus', uid: '${datasource}' });
    const modes = objects(d).filter((o) => o.thresholds && typeof o.thresholds === 'object').map((o) => (o.thresholds as Obj).mode);
    expect(modes.length).toBeGreaterThan(0);
    expect(new Set(modes)).toEqual(new Set(['absolute']));
  });
});
