// `slogate preflight` against a real Prometheus loaded with the generated rules, a real
// Alertmanager and simulated canary instances; Grafana answers through nock with its
// documented dashboard JSON (no Grafana package here). Each failure the runbook's
// checklist exists for is made real: rules edited and reloaded, a metric renamed, an
// instance stopped, a short secret, an Alertmanager that is not there.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbook } from '../../runbooks/webhook-delivery/index.ts';
import { canaryAlertGroup } from '../../runbooks/webhook-delivery/alert-groups.ts';
import { slogateInProcess } from '../harness/in-process.ts';
import { EVIDENCE_DIRS } from '../../src/evidence/layout.ts';
import { sloRecordingGroups } from '../../src/slo/rules.ts';
import { slogateAsync } from '../harness/cli.ts';
import { startCanaryStack, type CanaryStack } from '../harness/canary-stack.ts';
import { freePort, instantQuery, startAlertmanager, waitFor, type ManagedProcess } from '../harness/live-stack.ts';

const SECRET = 'b3f1c9e07a5d4e2f8a6b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5';
const FINGERPRINT = createHash('sha256').update(SECRET).digest('hex');
const GRAFANA = 'http://grafana.test:3000';
const GRAFANA_TOKEN = 'glsa_preflight_token_never_printed_0123';
const CANARY = ['webhook-sender-001', 'webhook-sender-002'];
const RENAMED_TRACK = 'canary-renamed';
const DASHBOARD_UID = runbook.dashboardPolicy.evidence!.uid;
const CANARY_FILE = `${canaryAlertGroup.name}_alerts.yml`;

let live: CanaryStack;
let nullAm: ManagedProcess;
const tmp = mkdtempSync(join(tmpdir(), 'slogate-preflight-'));

interface Check {
  id: string;
  status: 'pass' | 'fail' | 'skipped';
  required: boolean;
  reason: string;
  details?: string[];
}
interface PreflightJson {
  ok: boolean;
  secret_fingerprint: string | null;
  start_time: string | null;
  checks: Check[];
}

function evidenceDir(name: string, withLayout = true): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  if (withLayout) for (const sub of EVIDENCE_DIRS) mkdirSync(join(d, sub), { recursive: true });
  return d;
}

function baseArgs(evidence: string, extra: string[] = []): string[] {
  return ['preflight', '--prometheus', live.stack.prometheusUrl, '--alertmanager', live.stack.alertmanagerUrl, '--evidence', evidence, '--instances', CANARY.join(','), '--json', ...extra];
}

/** The CLI as a child process (Grafana skipped: nock can't reach into it). */
async function preflight(args: string[], env: Record<string, string> = { WEBHOOK_SECRET: SECRET }) {
  const r = await slogateAsync([...args, '--skip', 'grafana'], { env });
  let json: PreflightJson | undefined;
  try {
    json = JSON.parse(r.stdout) as PreflightJson;
  } catch {
    json = undefined;
  }
  return { ...r, json: json!, check: (id: string) => json!.checks.find((c) => c.id === id)! };
}

/** The CLI in this process, so nock can answer for Grafana. */
async function preflightInProcess(args: string[]) {
  const r = await slogateInProcess(args);
  return { ...r, json: JSON.parse(r.out || 'null') as PreflightJson };
}

beforeAll(async () => {
  live = await startCanaryStack([
    { instance: CANARY[0] },
    { instance: CANARY[1] },
    // a third canary instance whose service renamed its delivery counter
    { instance: 'webhook-sender-009', track: RENAMED_TRACK, rename: { webhook_delivery_total: 'webhook_deliveries_total' } },
  ]);
  nullAm = await startAlertmanager({ dir: evidenceDir('null-am', false) });
  // two scrapes of every target, and a series of every SLO's every record: the burn-rate
  // records read the SLI group's, so they can lag it by an evaluation or two
  const wanted = runbook.slos.map((slo) => ({ slo: slo.name, records: new Set(sloRecordingGroups(slo, runbook.burnPolicy).flatMap((g) => g.rules.map((r) => r.record))) }));
  await waitFor(
    'canary counters with two samples and every SLO record',
    async () => {
      const inc = await instantQuery(live.stack.prometheusUrl, 'increase(webhook_delivery_total{job="webhook-sender",track="canary"}[1800s])');
      if (inc.length !== 2) return undefined;
      for (const w of wanted) {
        const have = await instantQuery(live.stack.prometheusUrl, `count by (__name__) ({__name__=~"${[...w.records].join('|')}",slo="${w.slo}"})`);
        if (have.length !== w.records.size) return undefined;
      }
      return true;
    },
    60_000,
  );
}, 90_000);

afterAll(async () => {
  await live?.stop();
  await nullAm?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('slogate preflight on a healthy canary', () => {
  it('passes every check, prints only the fingerprint, and --start-now writes T+0 once', async () => {
    const dir = evidenceDir('healthy');
    const dashboard = JSON.parse(readFileSync(join('generated/grafana/dashboards', `${DASHBOARD_UID}.json`), 'utf8'));
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    // Grafana's documented answer to GET /api/dashboards/uid/:uid
    const grafana = nock(GRAFANA, { reqheaders: { authorization: `Bearer ${GRAFANA_TOKEN}` } })
      .get(`/api/dashboards/uid/${DASHBOARD_UID}`)
      .reply(200, {
        dashboard: { ...dashboard, id: 12, version: 3 },
        meta: { type: 'db', canSave: true, canEdit: true, slug: 'webhooks-canary', url: `/d/${DASHBOARD_UID}/webhooks-canary`, version: 3, folderId: 0, folderUid: '', provisioned: false },
      });
    process.env.WEBHOOK_SECRET = SECRET;
    process.env.GRAFANA_TOKEN = GRAFANA_TOKEN;
    try {
      const r = await preflightInProcess([...baseArgs(dir, ['--grafana', GRAFANA, '--start-now'])]);
      expect(grafana.isDone()).toBe(true);
      const failed = r.json.checks.filter((c) => c.status !== 'pass');
      expect(failed.map((c) => `${c.id}: ${c.reason} ${c.details?.join('; ') ?? ''}`)).toEqual([]);
      expect(r.code).toBe(0);
      expect(r.json.ok).toBe(true);
      expect(r.json.checks.map((c) => c.id)).toEqual(['secret', 'prometheus', 'alert-rules', 'slo-rules', 'alertmanager', 'grafana', 'gate-queries', 'canary-targets', 'evidence', 'start-time']);
      expect(r.json.secret_fingerprint).toBe(FINGERPRINT);
      expect(r.out + r.err).not.toContain(SECRET);
      expect(r.out + r.err).not.toContain(GRAFANA_TOKEN);
      expect(r.json.checks.find((c) => c.id === 'alert-rules')!.reason).toMatch(/^12 of webhook_canary, 4 of webhook_service loaded exactly as generated, all healthy, evaluated webhook_canary \d+ s ago, webhook_service \d+ s ago$/);
      const written = readFileSync(join(dir, 'start_time.txt'), 'utf8');
      expect(written).toBe(`${r.json.start_time}\n`);
      expect(written).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
      expect(Math.abs(Date.parse(r.json.start_time!) - Date.now())).toBeLessThan(120_000);
    } finally {
      delete process.env.GRAFANA_TOKEN;
      delete process.env.WEBHOOK_SECRET;
      nock.cleanAll();
      nock.enableNetConnect();
    }
    // a second start would move T+0: refused, the file untouched
    const again = await preflight(baseArgs(dir, ['--start-now']));
    expect(again.code).toBe(1);
    expect(again.check('start-time')).toMatchObject({ status: 'fail', required: true });
    expect(again.check('start-time').reason).toMatch(/already holds T\+0/);
  }, 60_000);

  it('the text form names each check and ends with the verdict line', async () => {
    const r = await slogateAsync(['preflight', '--prometheus', live.stack.prometheusUrl, '--alertmanager', live.stack.alertmanagerUrl, '--evidence', evidenceDir('text'), '--instances', CANARY.join(','), '--skip', 'grafana'], {
      env: { WEBHOOK_SECRET: SECRET },
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}secret +WEBHOOK_SECRET is 64 characters/m);
    expect(r.stdout).toMatch(/^SKIP {2}grafana .*--skip grafana \(not required\)$/m);
    expect(r.stdout).toContain(`secret fingerprint (sha256): ${FINGERPRINT}`);
    expect(r.stdout).toMatch(/preflight passed/);
  }, 30_000);
});

describe('slogate preflight fails on what the checklist is for', () => {
  it('a short secret: fails, never prints it or a digest of it', async () => {
    const weak = 'hunter2-but-longer';
    const r = await preflight(baseArgs(evidenceDir('short')), { WEBHOOK_SECRET: weak });
    expect(r.code).toBe(1);
    expect(r.check('secret')).toMatchObject({ status: 'fail', reason: `WEBHOOK_SECRET is ${weak.length} characters, fewer than 32: generate a new one` });
    expect(r.json.secret_fingerprint).toBeNull();
    expect(r.stdout + r.stderr).not.toContain(weak);
    expect(r.stdout).not.toContain(createHash('sha256').update(weak).digest('hex'));
    // the other checks still ran
    expect(r.check('alert-rules').status).toBe('pass');
  }, 30_000);

  it('a placeholder secret and a missing one fail with their own reasons', async () => {
    const placeholder = await preflight(baseArgs(evidenceDir('placeholder')), { WEBHOOK_SECRET: '<generated_secret_goes_here_0123456789>' });
    expect(placeholder.check('secret').reason).toMatch(/placeholder: it is template syntax/);
    const missing = await preflight(baseArgs(evidenceDir('missing')), { WEBHOOK_SECRET: '' });
    expect(missing.check('secret').reason).toMatch(/WEBHOOK_SECRET is not set/);
    expect(missing.code).toBe(1);
  }, 30_000);

  it('an unreachable Alertmanager fails the routing check', async () => {
    const port = await freePort();
    const args = baseArgs(evidenceDir('no-am'));
    args[args.indexOf('--alertmanager') + 1] = `http://127.0.0.1:${port}`;
    const r = await preflight(args);
    expect(r.code).toBe(1);
    expect(r.check('alertmanager')).toMatchObject({ status: 'fail' });
    expect(r.check('alertmanager').reason).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is unreachable: ECONNREFUSED`));
  }, 30_000);

  it('an Alertmanager whose routing drops the critical alerts fails, naming the receiver', async () => {
    const args = baseArgs(evidenceDir('null-am-route'));
    args[args.indexOf('--alertmanager') + 1] = nullAm.url;
    const r = await preflight(args);
    expect(r.code).toBe(1);
    const am = r.check('alertmanager');
    expect(am.reason).toMatch(/^6 of 6 critical alerts reach no receiver/);
    expect(am.details![0]).toMatch(/ends at route → receiver "null", which has no integrations/);
  }, 30_000);

  it('a renamed metric: the gate queries find no series for the canary, before T+0', async () => {
    const args = baseArgs(evidenceDir('renamed'), ['--selector', `{job="webhook-sender",track="${RENAMED_TRACK}"}`]);
    args[args.indexOf('--instances') + 1] = 'webhook-sender-009';
    const r = await preflight(args);
    expect(r.code).toBe(1);
    const g = r.check('gate-queries');
    expect(g.status).toBe('fail');
    expect(g.details!.some((d) => d.startsWith('deliveries: no series for {job="webhook-sender",track="canary-renamed"}'))).toBe(true);
    // the latency histogram was not renamed: those queries still answer
    expect(g.details!.some((d) => d.startsWith('p95:'))).toBe(false);
    expect(r.check('canary-targets').status).toBe('pass');
  }, 30_000);

  it('a prometheus that is not there: fails, and the checks that need it are skipped, not passed', async () => {
    const port = await freePort();
    const args = baseArgs(evidenceDir('no-prom'), ['--start-now']);
    args[args.indexOf('--prometheus') + 1] = `http://127.0.0.1:${port}`;
    const r = await preflight(args);
    expect(r.code).toBe(1);
    expect(r.check('prometheus').status).toBe('fail');
    for (const id of ['alert-rules', 'slo-rules', 'gate-queries', 'canary-targets']) expect(r.check(id)).toMatchObject({ status: 'skipped', required: true });
    expect(r.check('start-time').reason).toMatch(/^not written: prometheus, alert-rules/);
    expect(existsSync(join(tmp, 'no-prom', 'start_time.txt'))).toBe(false);
  }, 30_000);

  it('an evidence folder without the runbook layout fails with the command that makes it', async () => {
    const dir = evidenceDir('bare', false);
    const r = await preflight(baseArgs(dir, ['--start-now']));
    expect(r.code).toBe(1);
    expect(r.check('evidence').reason).toBe(`${dir} lacks hourly, 6h, grafana, alerts, pii: mkdir -p ${dir}/{hourly,6h,grafana,alerts,pii}`);
    expect(existsSync(join(dir, 'start_time.txt'))).toBe(false);
  }, 30_000);

  it('bad flags are one line and exit 2', async () => {
    for (const extra of [['--phase', '7'], ['--selector', 'track=canary'], ['--instances', 'a,,b'], ['--skip', 'nothing']]) {
      const r = await slogateAsync([...baseArgs(evidenceDir('flags')), ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  }, 60_000);
});

describe('slogate preflight on loaded rules that are not the generated ones', () => {
  const original = () => readFileSync(join('generated/prometheus', CANARY_FILE), 'utf8');
  const canaryRules = (groups: { name: string; rules: { name: string }[] }[]) => groups.find((g) => g.name === canaryAlertGroup.name)?.rules ?? [];
  const restore = () => live.replaceRules(CANARY_FILE, original, (g) => canaryRules(g).length === 12);

  it('a missing rule', async () => {
    await live.replaceRules(
      CANARY_FILE,
      (t) => t.replace(/      - alert: WebhookCanaryPIILeak\n[\s\S]*?(?=      - alert: )/, ''),
      (g) => canaryRules(g).length === 11,
    );
    try {
      const r = await preflight(baseArgs(evidenceDir('missing-rule')));
      expect(r.code).toBe(1);
      expect(r.check('alert-rules').details).toEqual(['rule group webhook_canary lacks WebhookCanaryPIILeak']);
    } finally {
      await restore();
    }
  }, 60_000);

  it('a changed threshold', async () => {
    await live.replaceRules(
      CANARY_FILE,
      (t) => t.replace('< 0.9)\n', '< 0.8)\n'),
      (g) => (canaryRules(g) as { name: string; query?: string }[]).some((r) => r.query?.includes('< 0.8')),
    );
    try {
      const r = await preflight(baseArgs(evidenceDir('threshold')));
      expect(r.code).toBe(1);
      const d = r.check('alert-rules').details!;
      expect(d).toHaveLength(1);
      expect(d[0]).toMatch(/^rule group webhook_canary: WebhookCanarySuccessRateCritical differs in expr \(generated .*< 0\.9\).*, loaded .*< 0\.8\)/);
    } finally {
      await restore();
    }
  }, 60_000);

  it('a rule with an evaluation error', async () => {
    // two canary `up` series made identical: Prometheus refuses the duplicate label set at every evaluation
    await live.replaceRules(
      CANARY_FILE,
      (t) => t.replace('expr: up{job="webhook-sender"} == 0', 'expr: label_replace(up{job="webhook-sender"}, "instance", "same", "", "") == 0'),
      (g) => (canaryRules(g) as { name: string; health?: string }[]).some((r) => r.name === 'WebhookSenderDown' && r.health === 'err'),
    );
    try {
      const r = await preflight(baseArgs(evidenceDir('eval-error')));
      expect(r.code).toBe(1);
      const d = r.check('alert-rules').details!;
      expect(d.some((x) => /^rule group webhook_canary: WebhookSenderDown fails to evaluate: .+/.test(x))).toBe(true);
    } finally {
      await restore();
    }
  }, 60_000);
});

describe('slogate preflight on a stopped instance', () => {
  it('fails the targets check naming the instance that is down', async () => {
    await live.sims[1].stop();
    await waitFor(
      'webhook-sender-002 to be down',
      async () => ((await instantQuery(live.stack.prometheusUrl, `up{instance="${CANARY[1]}"}`))[0]?.value[1] === '0' ? true : undefined),
      15_000,
    );
    const r = await preflight(baseArgs(evidenceDir('stopped')));
    expect(r.code).toBe(1);
    expect(r.check('canary-targets')).toMatchObject({ status: 'fail', reason: '1 canary instance is not up', details: [`${CANARY[1]}: down (up = 0)`] });
  }, 60_000);
});
