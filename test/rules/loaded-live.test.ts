// The loaded-rules check against a real Prometheus and a real VictoriaMetrics + vmalert
// running the generated rule files (and a tampered copy).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alerts.ts';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import { checkLoadedGroup, describeReport, expectedAlertGroup } from '../../src/rules/loaded.ts';
import { ROOT } from '../harness/cli.ts';
import { startPrometheus, startVictoriaMetrics, type TsdbServer } from '../harness/tsdb-servers.ts';

const GENERATED = join(ROOT, 'generated/prometheus/webhook_canary_alerts.yml');
const sample = [{ name: 'webhook_delivery_total', labels: { job: 'webhook-sender', track: 'canary', instance: 'i1' }, t: Math.floor(Date.now() / 1000) - 600, value: 1 }];

let dir: string;
let tampered: string;
const servers: TsdbServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slogate-rules-'));
  tampered = join(dir, 'tampered.yml');
  const text = await readFile(GENERATED, 'utf8');
  // someone "tuned" the threshold by hand and removed an alert
  await writeFile(
    tampered,
    text.replace('< 0.9)', '< 0.8)').replace(/      - alert: WebhookSenderDown[\s\S]*?(?=      - alert:)/, ''),
  );
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const expected = expectedAlertGroup(canaryAlertGroup, { ownerLabels: runbook.ownerLabels });

for (const kind of ['prometheus', 'victoriametrics'] as const) {
  describe(`loaded rules on a real ${kind}`, () => {
    const start = async (file: string) => {
      const s =
        kind === 'prometheus'
          ? await startPrometheus(sample, { ruleFiles: [file], evaluationInterval: '5s' })
          : await startVictoriaMetrics(sample, { query: 'webhook_delivery_total', time: sample[0].t }, { ruleFiles: [file], evaluationInterval: '5s' });
      servers.push(s);
      return new PrometheusClient({ url: s.url });
    };

    it('the generated group matches as the backend reports it (Prometheus re-prints 24h as 1d)', async () => {
      const c = await start(GENERATED);
      const r = await checkLoadedGroup(c, expected);
      c.close();
      expect(describeReport(r)).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.intervalSeconds).toBe(5);
    });

    it('a hand-edited copy is named: the changed threshold and the missing alert', async () => {
      const c = await start(tampered);
      const r = await checkLoadedGroup(c, expected);
      c.close();
      expect(r.ok).toBe(false);
      const said = describeReport(r);
      expect(said).toContain('rule group webhook_canary lacks WebhookSenderDown');
      expect(said.join('\n')).toMatch(/WebhookCanarySuccessRateCritical differs in expr \(generated .*< 0\.9\).*loaded .*< 0\.8\)/);
    });
  });
}
