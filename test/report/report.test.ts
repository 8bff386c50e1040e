// `slogate report` from recorded gate verdicts (issue 5's JSON): the numbers in the
// reports are the verdict's, the next step is the runbook's for the phase, templates
// can be replaced, and a broken one fails with its line.
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slogateAsync } from '../harness/cli.ts';
import { canaryGates, canaryPhases } from '../../runbooks/webhook-delivery/rollout.ts';
import { PII_CATEGORIES } from '../../src/contract/metrics.ts';
import { scanLogs } from '../../src/pii/index.ts';
import { instanceName as nameFrom } from '../../src/contract/runbook.ts';
const instanceName = (n: number) => nameFrom('webhook-sender-%03d', n);

const FIX = path.resolve('test/report/fixtures');

const slogate = (args: string[]) => slogateAsync(args);

let work: string;
const fixture = async (name: string) => JSON.parse(await readFile(path.join(FIX, name), 'utf8'));

/** An evidence folder holding a recorded verdict, its series, hourly files, alerts and a PII summary. */
async function evidenceFrom(verdictFile: string, dir: string) {
  const v = await fixture(verdictFile);
  await mkdir(path.join(dir, 'hourly'), { recursive: true });
  await mkdir(path.join(dir, 'alerts'), { recursive: true });
  await mkdir(path.join(dir, 'pii'), { recursive: true });
  await copyFile(path.join(FIX, verdictFile), path.join(dir, `verdict_T+${v.checkpoint}.json`));
  if (v.checkpoint === '24h') {
    await copyFile(path.join(FIX, 'series_T+24h.json'), path.join(dir, 'series_T+24h.json'));
    const start = Date.parse(v.window.start) / 1000;
    for (let h = 0; h < 24; h++) {
      const d = 18000 - h;
      const s = h === 5 ? 16800 : 17700;
      const at = (x: number) => new Date(x * 1000).toISOString().replace('.000Z', 'Z');
      await writeFile(
        path.join(dir, `hourly/T+${h}h.json`),
        JSON.stringify({ checkpoint: '24h', hour: h, label: `T+${h}h`, window: { start: at(start + h * 3600), end: at(start + (h + 1) * 3600) }, deliveries: d, successes: s, success_rate: Math.round((s / d) * 1e6) / 1e4, p95_ms: h === 7 ? 4250 : 400, cb_opens: h === 6 ? 1 : 0 }),
      );
    }
  }
  await writeFile(
    path.join(dir, `alerts/alerts_T+${v.checkpoint}.json`),
    JSON.stringify({
      checkpoint: v.checkpoint,
      window: v.window,
      counts: { critical: v.metrics.critical_alerts ?? 0, warning: 1 },
      fired: [
        { alertname: 'WebhookCanarySuccessRateLow', severity: 'warning', labels: {}, first_firing: '2025-09-01T06:12:00Z', last_firing: '2025-09-01T06:20:00Z', firing_minutes: 9 },
        ...(v.metrics.critical_alerts ? [{ alertname: 'WebhookCanarySuccessRateCritical', severity: 'critical', labels: {}, first_firing: '2025-09-01T12:40:00Z', last_firing: '2025-09-01T12:52:00Z', firing_minutes: 13 }] : []),
      ],
      active_now: null,
    }),
  );
  const byCategory = Object.fromEntries(PII_CATEGORIES.map((c, i) => [c, v.metrics.pii_leaks ? i + 1 : 0]));
  await writeFile(path.join(dir, `pii/summary_T+${v.checkpoint}.json`), JSON.stringify({ label: `T+${v.checkpoint}`, pii_leaks: v.metrics.pii_leaks, by_category: byCategory }));
  return v;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'slogate-report-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('checkpoint report', () => {
  it('holds the verdict, every gate value and threshold, hourly rows, PII counts, alerts and the promotion step', async () => {
    const ev = path.join(work, 'promote', 'evidence');
    const v = await evidenceFrom('verdict_T+24h_promote.json', ev);
    const out = path.join(work, 'promote', 'reports', 'canary_T+24h.md');
    const r = await slogate(['report', '--evidence', ev, '--output', out, '--operator', 'alice']);
    expect(r.code).toBe(0);
    const md = await readFile(out, 'utf8');
    const html = await readFile(out.replace(/\.md$/, '.html'), 'utf8');
    const htmlText = html.replace(/&#x3D;/g, '=').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');
    for (const doc of [md, htmlText]) {
      expect(doc).toContain('PROMOTE');
      // exactly the verdict JSON's numbers (what `jq` prints), never re-rounded
      expect(doc).toContain(`${v.metrics.success_rate}%`);
      expect(doc).toContain(`${v.metrics.p95_ms} ms`);
      expect(doc).toContain(`${v.metrics.deliveries}`);
      expect(doc).toContain(`≥ ${canaryGates.successRate.target}%`);
      expect(doc).toContain(`< ${canaryGates.successRate.critical}% rolls back`);
      expect(doc).toContain(`> ${canaryGates.p95LatencyMs.critical} ms rolls back`);
      for (let h = 0; h < 24; h++) expect(doc).toContain(`T+${h}h`);
      expect(doc).toContain('WebhookCanarySuccessRateLow');
      // the runbook's promotion: 20 more instances, the 25% rate limits, the message
      const next = canaryPhases[1];
      expect(doc).toContain(`${instanceName(canaryPhases[0].instances.to + 1)} to ${instanceName(next.instances.to)}`);
      expect(doc).toContain(`WEBHOOK_RATE_LIMIT_QPS=${next.rateLimit.qps}`);
      expect(doc).toContain(`WEBHOOK_RATE_LIMIT_BURST=${next.rateLimit.burst}`);
      expect(doc).toContain('Phase 1 (5%) COMPLETE - promoting to Phase 2 (25%)');
    }
    expect(md).toMatch(/\| Success rate \| 98\.7312% \| ≥ 95% \| < 90% rolls back \| ✅ pass \|/);
    expect(md).toMatch(/\| T\+5h \| 11:00 \| 17,995 \| 93\.36% \| 400 ms \| 0 \| ⚠️ \|/);
    // HTML: one file, charts inline with both thresholds drawn
    expect(html).not.toMatch(/<(script|link|img)\b/);
    // four charts (the status marks are small inline SVGs too)
    expect((html.match(/<svg (?!class="mark")/g) ?? []).length).toBe(4);
    expect(html).toContain(`target ${canaryGates.successRate.target}%`);
    expect(html).toContain(`rollback ${canaryGates.p95LatencyMs.critical} ms`);
  });

  it('marginal at T+30m: guardrails for the phase and the runbook message', async () => {
    const ev = path.join(work, 'marginal');
    await evidenceFrom('verdict_T+30m_marginal.json', ev);
    const r = await slogate(['report', '--evidence', ev, '--operator', 'bob']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('MARGINAL');
    expect(r.stdout).toContain('Success rate 93.41% is below the 95% target.');
    expect(r.stdout).toContain(`WEBHOOK_RATE_LIMIT_QPS=${canaryPhases[0].rateLimit.qps}`);
    expect(r.stdout).toContain('⚠️ T+30m checkpoint MARGINAL - guardrails applied');
    expect(r.stdout).toContain('Continue to T+2h'.replace('Continue', 'continue'));
    expect(r.stdout).toContain('No finished hours in the window.');
  });
});

describe('rollback and post-mortem reports', () => {
  it('rollback: trigger, metrics at trigger time, timeline and the steps left', async () => {
    const ev = path.join(work, 'rollback');
    const v = await evidenceFrom('verdict_T+24h_rollback.json', ev);
    await writeFile(path.join(ev, 'rollback_log.txt'), 'Tue Sep  2 06:03:00 UTC 2025 - ROLLBACK INITIATED\n');
    const r = await slogate(['report', '--kind', 'rollback', '--evidence', ev, '--rollback-time', '2025-09-02T06:03:00Z', '--operator', 'carol']);
    expect(r.code).toBe(0);
    const md = r.stdout;
    for (const c of v.checks.filter((c: { status: string }) => c.status === 'critical' || c.status === 'fail')) expect(md).toContain(c.detail);
    expect(md).toContain(`| PII leaks | ${v.metrics.pii_leaks} lines |`);
    expect(md).toContain(`| Success rate | ${v.metrics.success_rate}% |`);
    expect(md).toMatch(/\| 2025-09-01T12:40:00Z \| T\+6h 40m \| Alert WebhookCanarySuccessRateCritical \(critical\) firing \|/);
    expect(md).toMatch(/\| 2025-09-02T06:03:00Z \| T\+24h 3m \| ROLLBACK INITIATED \|/);
    expect(md).toContain('- [x] **Step 1**');
    expect(md).toContain('- [ ] **Step 3**');
    expect(md).toContain('- [x] **Step 4**');
    expect(md).toContain('(3 left to do)');
    // the runbook's rollback loop is {1..25} in every phase
    expect(md).toContain(`${instanceName(1)} to ${instanceName(canaryPhases[1].instances.to)}`);
    expect(md).toContain('within 1 hour (by 2025-09-02T07:03:00Z)');
  });

  it("post-mortem: seed 002's template filled from the evidence", async () => {
    const ev = path.join(work, 'postmortem');
    const v = await evidenceFrom('verdict_T+24h_rollback.json', ev);
    const r = await slogate(['report', '--kind', 'postmortem', '--evidence', ev, '--operator', 'carol']);
    expect(r.code).toBe(0);
    const md = r.stdout;
    for (const h of ['## Timeline', '## Root Cause Analysis', '## Impact', '## What Went Well', '## What Went Wrong', '## Remediation', '## Owner']) expect(md).toContain(h);
    const failed = Math.round(v.metrics.deliveries * (1 - v.metrics.success_rate / 100));
    expect(md).toContain(`**Impact:** ${failed} of ${v.metrics.deliveries} canary deliveries failed`);
    // from the first alert (06:12) to the verdict (T+24h)
    expect(md).toContain('**Duration:** 23:48 (1428 minutes)');
    expect(md).toContain('Worst hours: T+5h (93.36%, 1,195 failed)');
    expect(md).toContain('carol — follow up in 1 week');
  });
});

describe('templates', () => {
  let ev: string;
  beforeAll(async () => {
    ev = path.join(work, 'templates');
    await evidenceFrom('verdict_T+30m_marginal.json', ev);
  });

  it('--template replaces the built-in template', async () => {
    const tpl = path.join(work, 'webhooks_canary_T+24h_template.md');
    await writeFile(tpl, '# {{checkpoint}} {{verdictUpper}}\n{{#each gates}}{{gate}}={{value}};{{/each}}\n');
    const r = await slogate(['report', '--evidence', ev, '--template', tpl]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('# T+30m MARGINAL\nSuccess rate=93.4118%;P95 latency=845.2 ms;Circuit breaker opens=0;PII leaks=0 lines;Critical alerts fired=0;\n');
  });

  it('a broken template fails in one line naming the template line', async () => {
    const broken = path.join(work, 'broken.md.hbs');
    await writeFile(broken, '# ok\n\n{{#each gates}}\n{{gate}}\n{{/if}}\n');
    const r = await slogate(['report', '--evidence', ev, '--template', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`slogate: template ${broken} line 3: each doesn't match if\n`);
    const unknown = path.join(work, 'unknown.md.hbs');
    await writeFile(unknown, 'line one\nline two {{nosuchfield}}\n');
    const u = await slogate(['report', '--evidence', ev, '--template', unknown]);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(new RegExp(`^slogate: template ${unknown.replace(/[.+]/g, '\\$&')} line 2: "nosuchfield" is not a field of the report view`));
    const parse = path.join(work, 'parse.md.hbs');
    await writeFile(parse, 'a\nb\n{{#each gates}\n');
    const p = await slogate(['report', '--evidence', ev, '--template', parse]);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/^slogate: template .*parse\.md\.hbs line 3: parse error/);
    expect(p.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a verdict file that is not the gate contract is a one-line error', async () => {
    const bad = path.join(work, 'bad.json');
    await writeFile(bad, JSON.stringify({ verdict: 'maybe' }));
    const r = await slogate(['report', '--verdict', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^slogate: .*bad\.json is not a gate verdict: "verdict" must be one of/);
  });
});

describe('no raw PII in reports', () => {
  it("slogate's scanner finds nothing in the rendered reports", async () => {
    const out = path.join(work, 'scan');
    const ev = path.join(work, 'scan-evidence');
    await evidenceFrom('verdict_T+24h_rollback.json', ev);
    await mkdir(out);
    for (const kind of ['checkpoint', 'rollback', 'postmortem']) {
      const r = await slogate(['report', '--kind', kind, '--evidence', ev, '--output', path.join(out, `${kind}.md`), '--operator', 'carol']);
      expect(r.code).toBe(0);
    }
    expect((await readdir(out)).sort()).toEqual(['checkpoint.html', 'checkpoint.md', 'postmortem.md', 'rollback.md']);
    const scan = await scanLogs([out], { jobs: 1 });
    expect(scan.files).toBe(4);
    expect(scan.pii_leaks).toBe(0);
  });
});
