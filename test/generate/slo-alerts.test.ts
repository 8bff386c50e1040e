// Every SLO's page and ticket alerts, run by the real promtool: each burn condition fires at its
// own speed (and a ticket-speed burn does not page), a healthy SLO stays silent over the longest
// window, and a hard outage where the good series disappears pages from start to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildArtefacts, type Runbook, type SloDef } from '../../src/index.ts';
import { runbook as projectDefinitions } from '../../runbooks/webhook-delivery/index.ts';
import { sloAlertName } from '../../src/slo/alerts.ts';
import { promtoolTestYaml, sloPromtoolTests } from '../harness/slo-promtool.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slogate-slo-alerts-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** SLOs beyond the project's: an error counter with regex and negative matchers on 28 days, and a 7-day SLO with its own windows. */
const errorCounter: SloDef = {
  name: 'webhook-rate-limiting',
  displayName: 'Deliveries not rate limited',
  service: 'webhook-sender',
  description: 'Rate-limited deliveries stay under 0.5% over 28 days.',
  objective: 99.5,
  timeWindow: '28d',
  sli: { bad: { metric: 'webhook_rate_limited_total' }, total: { metric: 'webhook_delivery_total' } },
  matchers: { job: 'webhook-sender', 'track=~': 'canary|stable', 'instance!~': 'debug-.*', 'env!=': 'dev' },
  groupBy: ['track'],
};
const weekly: SloDef = {
  ...projectDefinitions.slos[0],
  name: 'webhook-delivery-weekly',
  displayName: 'Webhook delivery availability (7 days)',
  objective: 99.9,
  timeWindow: '7d',
  alertWindows: {
    sloPeriod: '7d',
    page: { quick: { errorBudgetPercent: 8, longWindow: '1h', shortWindow: '5m' }, slow: { errorBudgetPercent: 12.5, longWindow: '3h', shortWindow: '15m' } },
    ticket: { quick: { errorBudgetPercent: 20, longWindow: '1d', shortWindow: '2h' }, slow: { errorBudgetPercent: 42, longWindow: '3d', shortWindow: '6h' } },
  },
};
const defs: Runbook = { ...projectDefinitions, slos: [...projectDefinitions.slos, errorCounter, weekly] };

function promtoolTest(name: string, docs: unknown[]) {
  const files = docs.map((doc, i) => {
    const file = join(dir, `${name}-${i + 1}.test.yml`);
    writeFileSync(file, promtoolTestYaml(doc));
    return file;
  });
  const r = spawnSync('promtool', ['test', 'rules', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`promtool not runnable (run scripts/ensure-tools.sh): ${r.error.message}`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('SLO alerts under promtool', () => {
  const artefacts = buildArtefacts(defs);
  for (const slo of defs.slos) {
    it(`${slo.name}: its rule file holds a page and a ticket alert in its own group`, () => {
      const file = artefacts.find((a) => a.path === `prometheus/slo_${slo.name}.yml`)!;
      const groups = parse(file.content).groups as { name: string; rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] }[];
      const alerts = groups.find((g) => g.name === `slo:${slo.name}:alerts`)!.rules;
      expect(alerts.map((a) => a.alert)).toEqual([sloAlertName(slo, 'page'), sloAlertName(slo, 'ticket')]);
      expect(alerts.map((a) => a.labels?.severity)).toEqual(['critical', 'warning']);
      for (const a of alerts) expect(a.annotations?.runbook_url).toMatch(new RegExp(`/${a.alert}\\.md$`));
      writeFileSync(join(dir, `slo_${slo.name}.yml`), file.content);
    });

    it(`${slo.name}: every burn condition fires, healthy stays silent, an outage pages throughout`, () => {
      const r = promtoolTest(slo.name, sloPromtoolTests(slo, defs.burnPolicy, join(dir, `slo_${slo.name}.yml`)));
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/SUCCESS/);
    });
  }

  it('the latency SLO gives the same alerts on Prometheus 3 buckets (le="2.0")', () => {
    const slo = defs.slos.find((s) => 'latency' in s.sli)!;
    const r = promtoolTest(`${slo.name}-le`, sloPromtoolTests(slo, defs.burnPolicy, join(dir, `slo_${slo.name}.yml`), { normalizedLe: true }));
    expect(r.code, r.out).toBe(0);
  });
});
