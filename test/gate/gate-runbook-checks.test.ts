// A runbook leaves a built-in check out and adds its own, and `slogate gate --runbook`
// runs the result against a real Prometheus, without a change to the engine.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../harness/cli.ts';
import { gateArgs, scenario } from '../harness/gate-scenarios.ts';
import { slogate } from '../harness/gate-suite.ts';
import { scenarioSamples } from '../harness/history.ts';
import { startPrometheus, type TsdbServer } from '../harness/tsdb-servers.ts';

const s = scenario('healthy-30m');
let prom: TsdbServer;
let dir: string;
let custom: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slogate-rb-checks-'));
  prom = await startPrometheus(scenarioSamples(s.history), { ruleFiles: [join(ROOT, 'generated/prometheus/webhook_canary_alerts.yml')], evaluationInterval: '5s' });
  custom = join(dir, 'runbook.ts');
  // an ES module project, as `slogate init` scaffolds one
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  // the canary must run on at least `min` instances: a check the flagship does not have
  await writeFile(
    custom,
    `import flagship from ${JSON.stringify(join(ROOT, 'runbooks/webhook-delivery/index.ts'))};
const min = Number(process.env.MIN_INSTANCES ?? 3);
export default {
  ...flagship,
  gateChecks: {
    omit: ['sustained_p95_latency'],
    add: [{
      name: 'custom_canary_instances',
      doc: 'At least MIN_INSTANCES canary instances delivered in the window.',
      queries: ({ selector, window }) => ({ instances: \`count(count by (instance) (increase(webhook_delivery_total\${selector}[\${window}]) > 0))\` }),
      evaluate: ({ evidence }) => {
        const n = evidence.extra?.instances;
        if (!n?.ok) return { value: null, status: 'no_data', target: \`>= \${min}\`, detail: 'Canary instances: ' + (n ? n.reason : 'not measured') + '.' };
        return n.value >= min
          ? { value: n.value, status: 'pass', target: \`>= \${min}\`, detail: \`\${n.value} instances\` }
          : { value: n.value, status: 'critical', target: \`>= \${min}\`, detail: \`Only \${n.value} canary instances delivered, fewer than \${min}.\` };
      },
    }],
  },
};
`,
  );
});
afterAll(async () => {
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('slogate gate --runbook with its own check list', () => {
  it('runs the added check with its own query, and leaves the omitted one out with a note', async () => {
    const r = await slogate([...gateArgs(s, prom.url), '--runbook', custom]);
    const out = JSON.parse(r.stdout);
    expect(out.verdict, out.reasons.join('\n')).toBe('continue');
    const names = out.checks.map((c: { name: string }) => c.name);
    expect(names).toContain('custom_canary_instances');
    expect(names).not.toContain('sustained_p95_latency');
    expect(out.checks.find((c: { name: string }) => c.name === 'custom_canary_instances')).toMatchObject({ status: 'pass', value: 5 });
    expect(out.notes).toContain('The runbook leaves out the sustained_p95_latency check.');
  });

  it("the added check's status drives the verdict", async () => {
    const r = await slogate([...gateArgs(s, prom.url), '--runbook', custom], { MIN_INSTANCES: '6' });
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('rollback');
    expect(r.code).toBe(1);
    expect(out.reasons).toContain('Only 5 canary instances delivered, fewer than 6.');
  });
});
