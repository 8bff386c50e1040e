// The real promtool is the final word on rule files (npm test installs it when missing).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../harness/cli.ts';

function promtool(args: string[]) {
  const r = spawnSync('promtool', args, { cwd: ROOT, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool not runnable (run scripts/ensure-tools.sh): ${r.error.message}`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const ruleFiles = readdirSync(join(ROOT, 'generated/prometheus'))
  .filter((f) => f.endsWith('.yml'))
  .map((f) => join('generated/prometheus', f));

describe('promtool', () => {
  it('check rules passes on every generated rule file', () => {
    const r = promtool(['check', 'rules', ...ruleFiles]);
    expect(r.out).toMatch(/SUCCESS: 12 rules found/);
    expect(r.code, r.out).toBe(0);
  });

  for (const f of ['alerts.test.yml', 'slo.test.yml', 'service.test.yml']) {
    it(`test rules ${f}`, () => {
      const r = promtool(['test', 'rules', join('test/promtool', f)]);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/SUCCESS/);
    });
  }

  for (const [group, testFile] of [
    ['webhook_canary', 'alerts.test.yml'],
    ['webhook_service', 'service.test.yml'],
  ] as const) {
    it(`every alert of ${group} has a firing and a silent case in ${testFile}`, async () => {
      const { readFile } = await import('node:fs/promises');
      const { parse } = await import('yaml');
      const tests = parse(await readFile(join(ROOT, 'test/promtool', testFile), 'utf8')).tests as {
        alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[];
      }[];
      const alerts = parse(await readFile(join(ROOT, `generated/prometheus/${group}_alerts.yml`), 'utf8')).groups[0].rules as { alert: string }[];
      expect(alerts.length).toBeGreaterThan(0);
      for (const { alert } of alerts) {
        const cases = tests.flatMap((t) => t.alert_rule_test ?? []).filter((c) => c.alertname === alert);
        expect(cases.some((c) => c.exp_alerts.length > 0), `${alert} fires somewhere`).toBe(true);
        expect(cases.some((c) => c.exp_alerts.length === 0), `${alert} stays silent somewhere`).toBe(true);
      }
    });
  }
});
