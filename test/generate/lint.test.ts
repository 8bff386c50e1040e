import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slogate, ROOT } from '../harness/cli.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'slogate-lint-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function copyGenerated(name: string): Promise<string> {
  const dir = join(tmp, name);
  await cp(join(ROOT, 'generated'), dir, { recursive: true });
  return dir;
}

describe('slogate lint', () => {
  it('passes on the generated folder', () => {
    const r = slogate(['lint']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('finds a broken expression in a hand-edited rule file, with file and alert', async () => {
    const dir = await copyGenerated('bad-expr');
    const f = join(dir, 'prometheus', 'webhook_canary_alerts.yml');
    const text = await readFile(f, 'utf8');
    await writeFile(f, text.replace('expr: up{job="webhook-sender"} == 0', 'expr: up{job="webhook-sender"} =='));
    const r = slogate(['lint', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/webhook_canary_alerts\.yml: alert WebhookSenderDown: \[alert-expr-promql\] expr: PromQL error at line 1/);
  });

  it('finds a templated summary and a missing runbook_url', async () => {
    const dir = await copyGenerated('bad-annotations');
    const f = join(dir, 'prometheus', 'webhook_canary_alerts.yml');
    let text = await readFile(f, 'utf8');
    text = text.replace('summary: A webhook sender instance cannot be scraped.', 'summary: "Instance {{ $labels.instance }} is down."');
    text = text.replace(/\n\s+runbook_url: \S+WebhookQueueBacklog\.md/, '');
    await writeFile(f, text);
    const r = slogate(['lint', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/alert WebhookSenderDown: \[alert-summary-static\] summary must be static/);
    expect(r.stderr).toMatch(/alert WebhookQueueBacklog: missing annotation runbook_url/);
  });

  it('reports invalid YAML in one line', async () => {
    const dir = await copyGenerated('bad-yaml');
    await writeFile(join(dir, 'prometheus', 'webhook_canary_alerts.yml'), 'groups: [\n  - name: x\n');
    const r = slogate(['lint', dir]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.some((l) => /webhook_canary_alerts\.yml: invalid YAML/.test(l))).toBe(true);
  });

  it('checks OpenSLO specs against the schema', async () => {
    const dir = await copyGenerated('bad-openslo');
    const f = join(dir, 'slo', 'webhook-delivery-availability.yaml');
    await writeFile(f, (await readFile(f, 'utf8')).replace('target: 0.99', 'target: 99'));
    const r = slogate(['lint', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/webhook-delivery-availability\.yaml \(document 1\): OpenSLO schema: \/spec\/objectives\/0\/target must be < 1/);
  });
});
