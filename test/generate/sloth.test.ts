// The Sloth-compatible option: Sloth's labels on every SLO series and Sloth's metadata records,
// so queries written for Sloth's series (its Grafana dashboards) answer unchanged; the alerts
// keep working with two window labels. Run by the real promtool.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { buildArtefacts, slothId } from '../../src/index.ts';
import { runbook as projectDefinitions } from '../../runbooks/webhook-delivery/index.ts';
import { promtoolTestYaml, sloPromtoolTests } from '../harness/slo-promtool.ts';
import { slogate } from '../harness/cli.ts';

const defs = projectDefinitions;
const dir = mkdtempSync(join(tmpdir(), 'slogate-sloth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const [availability] = defs.slos;
const ids = { sloth_id: slothId(availability), sloth_service: availability.service, sloth_slo: availability.name };
const sel = `{sloth_id="${ids.sloth_id}",sloth_service="${ids.sloth_service}",sloth_slo="${ids.sloth_slo}"}`;

function ruleFile(name: string): string {
  const a = buildArtefacts(defs, { slothCompatible: true }).find((x) => x.path === `prometheus/slo_${name}.yml`)!;
  const f = join(dir, `slo_${name}.yml`);
  writeFileSync(f, a.content);
  return f;
}

function promtool(args: string[]) {
  const r = spawnSync('promtool', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`promtool not runnable (run scripts/ensure-tools.sh): ${r.error.message}`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('Sloth-compatible output', () => {
  it('puts Sloth ids on every SLO record and sloth_window on windowed ones', () => {
    const groups = parse(readFileSync(ruleFile(availability.name), 'utf8')).groups as { rules: { record?: string; labels?: Record<string, string> }[] }[];
    const records = groups.flatMap((g) => g.rules).filter((r) => r.record);
    for (const r of records) {
      expect(r.labels, r.record).toMatchObject(ids);
      if (r.labels!.window) expect(r.labels!.sloth_window).toBe(r.labels!.window);
    }
    const names = new Set(records.map((r) => r.record));
    for (const n of ['slo:objective:ratio', 'slo:error_budget:ratio', 'slo:time_period:days', 'slo:current_burn_rate:ratio', 'slo:period_burn_rate:ratio', 'slo:period_error_budget_remaining:ratio', 'sloth_slo_info']) {
      expect(names.has(n), n).toBe(true);
    }
  });

  it("answers Sloth's dashboard queries", () => {
    const file = ruleFile(availability.name);
    const sample = (labels: Record<string, string>, value: number) => ({ labels: stringifyLabels({ ...labels }), value });
    const stringifyLabels = (l: Record<string, string>) => `{${Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
    const common = { ...ids, slo: availability.name, service: availability.service };
    const test = {
      rule_files: [file],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: 'webhook_delivery_total{job="webhook-sender",track="canary",instance="c1"}', values: '0+100x60' },
            { series: 'webhook_delivery_success_total{job="webhook-sender",track="canary",instance="c1"}', values: '0+98x60' },
          ],
          promql_expr_test: [
            { expr: `round(slo:sli_error:ratio_rate5m${sel}, 0.0001)`, eval_time: '30m', exp_samples: [sample({ ...common, window: '5m', sloth_window: '5m', track: 'canary' }, 0.02)] },
            { expr: `round(slo:current_burn_rate:ratio${sel}, 0.0001)`, eval_time: '30m', exp_samples: [sample({ ...common, window: '5m', sloth_window: '5m', track: 'canary' }, 2)] },
            { expr: `round(slo:period_burn_rate:ratio${sel}, 0.0001)`, eval_time: '30m', exp_samples: [sample({ ...common, window: '30d', sloth_window: '30d', track: 'canary' }, 2)] },
            { expr: `round(slo:period_error_budget_remaining:ratio${sel}, 0.0001)`, eval_time: '30m', exp_samples: [sample({ ...common, window: '30d', sloth_window: '30d', track: 'canary' }, -1)] },
            { expr: `slo:objective:ratio${sel}`, eval_time: '1m', exp_samples: [sample({ __name__: 'slo:objective:ratio', ...common }, 0.99)] },
            { expr: `slo:error_budget:ratio${sel}`, eval_time: '1m', exp_samples: [sample({ __name__: 'slo:error_budget:ratio', ...common }, 0.01)] },
            { expr: `slo:time_period:days${sel}`, eval_time: '1m', exp_samples: [sample({ __name__: 'slo:time_period:days', ...common }, 30)] },
            { expr: 'count by (sloth_service, sloth_slo) (sloth_slo_info)', eval_time: '1m', exp_samples: [sample({ sloth_service: ids.sloth_service, sloth_slo: ids.sloth_slo }, 1)] },
          ],
        },
      ],
    };
    const f = join(dir, 'sloth-queries.test.yml');
    writeFileSync(f, stringify(test, { lineWidth: 0 }));
    const r = promtool(['test', 'rules', f]);
    expect(r.code, r.out).toBe(0);
  });

  for (const slo of defs.slos) {
    it(`${slo.name}: page and ticket alerts still fire and stay silent with two window labels`, () => {
      const files = sloPromtoolTests(slo, defs.burnPolicy, ruleFile(slo.name)).map((doc, i) => {
        const f = join(dir, `${slo.name}-${i}.test.yml`);
        writeFileSync(f, promtoolTestYaml(doc));
        return f;
      });
      const r = promtool(['test', 'rules', ...files]);
      expect(r.code, r.out).toBe(0);
    });
  }

  it('generate --sloth-compatible writes the option out', () => {
    const out = join(dir, 'out');
    const r = slogate(['generate', '--sloth-compatible', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'prometheus', `slo_${availability.name}.yml`), 'utf8')).toContain(`sloth_id: ${ids.sloth_id}`);
  });
});
