// Runs the pre-flight checklist: fetches what each check needs (concurrently), hands it to
// the pure evaluators in checks.ts, and writes start_time.txt only when every required
// check passed. Nothing here prints; the CLI renders the results.
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { instanceName, type Runbook } from '../contract/runbook.ts';
import { renderSelector } from '../contract/selectors.ts';
import { EVIDENCE_DIRS, layout } from '../evidence/layout.ts';
import { toRfc3339 } from '../evidence/verdict.ts';
import { gateQueries, type GateQueries } from '../gate/queries.ts';
import { PrometheusClient, type PrometheusAuth } from '../prometheus/client.ts';
import { sloRecordingGroups } from '../slo/rules.ts';
import {
  CHECK_IDS,
  PREFLIGHT_CHECKS,
  evidenceCheck,
  fail,
  gateQueriesCheck,
  grafanaCheck,
  pass,
  preflightPassed,
  routingCheck,
  secretCheck,
  skipped,
  sloRulesCheck,
  targetsCheck,
  type CheckId,
  type CheckResult,
  type LoadedRecording,
  type Outcome,
  type QueryProbe,
  type SloExpectation,
  type UpSample,
} from './checks.ts';
import { parseAlertmanagerConfig, RoutingConfigError } from './routing.ts';
import { alertRulesCheck, generatedGroups, parseRulesResponse, type LoadedGroup } from './rules-check.ts';
import type { ExpectedGroup } from '../rules/loaded.ts';
import { HttpTransport, TransportError } from '../http/transport.ts';

export interface PreflightOptions {
  runbook: Runbook;
  /** The phase (percent) about to start: its instances and first checkpoint. */
  phase: number;
  prometheus: string;
  auth?: PrometheusAuth;
  alertmanager?: string;
  grafana?: string;
  grafanaToken?: string;
  /** The secret's value (from the environment) and the variable's name for messages. */
  secret: string | undefined;
  secretEnv: string;
  /** The generated/ folder whose alert rule files must be loaded. */
  generatedDir: string;
  evidenceDir: string;
  /** The canary's `{...}` selector, checked. */
  selector: string;
  /** Instance names that must be up; empty: every matching target must be up. */
  expectedInstances: readonly string[];
  skip: ReadonlySet<CheckId>;
  startNow: boolean;
  /** A rule group evaluated longer ago than this many intervals is stale. */
  staleIntervals?: number;
  timeoutMs?: number;
  deadlineMs?: number;
  now?: () => Date;
}

export interface PreflightResult {
  ok: boolean;
  checks: CheckResult[];
  /** SHA-256 of the secret, as the runbook records it (null without a secret). */
  secretFingerprint: string | null;
  /** T+0 written by --start-now. */
  startTime: string | null;
}

/** The runbook's instance names for a phase (webhook-sender-001 … -005 at 5%). */
export function phaseInstances(rb: Runbook, phase: number): string[] {
  const p = rb.phases.find((x) => x.phase === phase);
  if (!p) return [];
  return Array.from({ length: p.instances.to - p.instances.from + 1 }, (_, i) => instanceName(rb.service.instancePattern, p.instances.from + i));
}

export const mkdirHint = (dir: string) => `mkdir -p ${dir}/{${EVIDENCE_DIRS.join(',')}}`;

/** Gate queries that are empty in a healthy canary: breaker counters appear on first open, no alert fires. */
const MAY_BE_EMPTY: ReadonlySet<keyof GateQueries> = new Set(['cbOpens', 'criticalAlerts']);
/** The gate's rules-health queries: about the ruler, not the canary's series (the alert-rules check covers them). */
const NOT_PROBED: ReadonlySet<keyof GateQueries> = new Set(['ruleEvaluations', 'ruleIterations']);
/** Queries that are a range selector (raw samples), not an instant vector. */
const RAW: ReadonlySet<keyof GateQueries> = new Set(['cbOpens']);

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The raw /api/v1/rules groups, for the recording rules' health. */
interface RawRuleGroup {
  name: string;
  rules?: { type?: string; name: string; health?: string; lastError?: string }[];
}

/** One GET through the shared transport (its timeout; a pre-flight probe is not retried). */
async function fetchJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number; body: unknown }> {
  const u = new URL(url);
  const transport = new HttpTransport({ url: u.origin + '/', timeoutMs, deadlineMs: timeoutMs, retries: 0, headers: { Accept: 'application/json' } });
  let res;
  try {
    res = await transport.send({ method: 'GET', path: u, headers, retryOn: () => false });
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    const why = err.kind === 'timeout' || err.kind === 'deadline' ? `no answer within ${timeoutMs / 1000} s` : (err.code ?? err.message);
    throw new Error(`${u.origin} is unreachable: ${why}`);
  } finally {
    transport.close();
  }
  let body: unknown = null;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = null;
  }
  return { status: res.status, body };
}

export async function runPreflight(o: PreflightOptions): Promise<PreflightResult> {
  const rb = o.runbook;
  const allAlerts = rb.alertGroups.flatMap((g) => g.alerts);
  const now = o.now ?? (() => new Date());
  const timeoutMs = o.timeoutMs ?? 10_000;
  const results = new Map<CheckId, Outcome>();
  const set = (id: CheckId, r: Outcome): void => {
    results.set(id, r);
  };

  // 1. the secret: from the environment, never printed
  const secret = secretCheck(o.secret, o.secretEnv);
  set('secret', secret);

  const client = new PrometheusClient({ url: o.prometheus, auth: o.auth, timeoutMs, deadlineMs: o.deadlineMs ?? 60_000, retries: 1 });
  try {
    // 2. Prometheus itself; everything that reads it is skipped when it can't answer
    let rules: { groups: RawRuleGroup[]; loaded: LoadedGroup[] } | null = null;
    try {
      const doc = (await client.getJson('api/v1/rules')) as { data?: { groups?: RawRuleGroup[] } };
      const loaded = parseRulesResponse(doc, `${client.displayUrl}/api/v1/rules`);
      rules = { groups: doc.data!.groups!, loaded };
      set('prometheus', pass(`${client.displayUrl} answers (${loaded.length} rule groups loaded)`));
    } catch (err) {
      set('prometheus', fail(errText(err)));
    }
    const promDown = rules ? null : 'Prometheus did not answer (see the prometheus check)';

    const tasks: Promise<void>[] = [];
    const sel = o.selector;

    // 3. the runbook's alert rules (webhook_canary among them), as generated
    tasks.push(
      (async () => {
        if (promDown) return set('alert-rules', skipped(promDown));
        set('alert-rules', await alertRulesOutcome(o, rules!.loaded, now()));
      })(),
    );

    // 4. SLO recording rules
    tasks.push(
      (async () => {
        if (promDown) return set('slo-rules', skipped(promDown));
        const expected: SloExpectation[] = rb.slos.map((slo) => ({
          slo: slo.name,
          groups: sloRecordingGroups(slo, rb.burnPolicy).map((g) => ({ name: g.name, records: g.rules.map((r) => r.record) })),
        }));
        const loaded: LoadedRecording[] = rules!.groups.flatMap((g) =>
          (g.rules ?? []).filter((r) => r.type === 'recording').map((r) => ({ group: g.name, record: r.name, health: r.health ?? 'unknown', lastError: r.lastError || undefined })),
        );
        const series = new Map<string, Set<string>>();
        try {
          await Promise.all(
            expected.map(async (e) => {
              const names = [...new Set(e.groups.flatMap((g) => g.records))];
              const q = `count by (__name__) ({__name__=~"${names.join('|')}",slo="${e.slo}"})`;
              const r = await client.query(q, now().getTime() / 1000);
              series.set(e.slo, new Set(r.map((s) => s.metric.__name__)));
            }),
          );
        } catch (err) {
          return set('slo-rules', fail(`could not query the SLO records: ${errText(err)}`));
        }
        set('slo-rules', sloRulesCheck(expected, loaded, series));
      })(),
    );

    // 5. the queries the gate runs at the phase's first checkpoint (T+30m at 5%)
    tasks.push(
      (async () => {
        if (promDown) return set('gate-queries', skipped(promDown));
        const first = rb.phases.find((p) => p.phase === o.phase)?.checkpoints[0];
        if (!first) return set('gate-queries', skipped(`the ${o.phase}% phase has no checkpoints`));
        const q = gateQueries(rb, sel, rb.checkpoints[first].minutes * 60, allAlerts);
        const t = now().getTime() / 1000;
        const probes: QueryProbe[] = await Promise.all(
          (Object.entries(q) as [keyof GateQueries, string][]).filter(([name]) => !NOT_PROBED.has(name)).map(async ([name, expr]) => {
            try {
              const r = RAW.has(name) ? await client.queryRaw(expr, t) : await client.query(expr, t);
              return { name, expr, mayBeEmpty: MAY_BE_EMPTY.has(name), result: { series: r.length } };
            } catch (err) {
              return { name, expr, mayBeEmpty: MAY_BE_EMPTY.has(name), result: { error: errText(err) } };
            }
          }),
        );
        set('gate-queries', gateQueriesCheck(probes, sel));
      })(),
    );

    // 6. canary scrape targets
    tasks.push(
      (async () => {
        if (promDown) return set('canary-targets', skipped(promDown));
        const upSel = renderSelector(sel);
        try {
          // `up` is Prometheus's own series, whatever the service's contract names
          const r = await client.query(`${rb.metrics.up?.name ?? 'up'}${upSel}`, now().getTime() / 1000);
          const up: UpSample[] = r.map((s) => ({ instance: s.metric.instance ?? '', value: s.value }));
          set('canary-targets', targetsCheck(up, o.expectedInstances, upSel));
        } catch (err) {
          set('canary-targets', fail(errText(err)));
        }
      })(),
    );

    // 7. Alertmanager routing
    tasks.push(
      (async () => {
        if (!o.alertmanager) return set('alertmanager', fail('no --alertmanager URL given (or --skip alertmanager)'));
        try {
          const base = o.alertmanager.replace(/\/+$/, '');
          const r = await fetchJson(`${base}/api/v2/status`, {}, timeoutMs);
          const original = (r.body as { config?: { original?: unknown } } | null)?.config?.original;
          if (r.status !== 200 || typeof original !== 'string') return set('alertmanager', fail(`${base}/api/v2/status answered HTTP ${r.status} without Alertmanager's config`));
          set('alertmanager', routingCheck(parseAlertmanagerConfig(original), allAlerts, rb.ownerLabels));
        } catch (err) {
          set('alertmanager', fail(err instanceof RoutingConfigError ? `Alertmanager's configuration: ${err.message}` : errText(err)));
        }
      })(),
    );

    // 8. Grafana dashboard
    tasks.push(
      (async () => {
        if (!o.grafana) return set('grafana', fail('no --grafana URL given (or --skip grafana)'));
        const base = o.grafana.replace(/\/+$/, '');
        try {
          const uid = rb.dashboardPolicy.evidence?.uid;
          if (!uid) return set('grafana', fail('the runbook names no evidence dashboard to check (dashboardPolicy.evidence)'));
          const r = await fetchJson(`${base}/api/dashboards/uid/${encodeURIComponent(uid)}`, o.grafanaToken ? { Authorization: `Bearer ${o.grafanaToken}` } : {}, timeoutMs);
          const out = grafanaCheck(uid, r.status, r.body);
          set('grafana', !o.grafanaToken && out.status === 'fail' ? { ...out, reason: `${out.reason} (no GRAFANA_TOKEN in the environment)` } : out);
        } catch (err) {
          set('grafana', fail(errText(err)));
        }
      })(),
    );

    await Promise.all(tasks);
  } finally {
    client.close();
  }

  // 9. evidence folder
  const dir = o.evidenceDir;
  const isDir = existsSync(dir) && statSync(dir).isDirectory();
  const missingDirs = isDir ? EVIDENCE_DIRS.filter((d) => !(existsSync(path.join(dir, d)) && statSync(path.join(dir, d)).isDirectory())) : [];
  set('evidence', evidenceCheck(dir, isDir, missingDirs, mkdirHint(dir)));

  // 10. T+0: written last, and only when everything else that is required passed
  const required = (id: CheckId) => !o.skip.has(id) && (id !== 'start-time' || o.startNow);
  let startTime: string | null = null;
  if (!o.startNow) set('start-time', skipped('give --start-now to record T+0 once every check passes'));
  else {
    const startFile = path.join(dir, layout.startTime);
    const others = CHECK_IDS.filter((id) => id !== 'start-time' && required(id) && results.get(id)?.status !== 'pass');
    if (others.length) set('start-time', fail(`not written: ${others.join(', ')} did not pass`));
    else if (existsSync(startFile)) {
      const was = (await readFile(startFile, 'utf8').catch(() => '')).trim();
      set('start-time', fail(`${startFile} already holds T+0 ${was || '(empty)'}: a second start would move every checkpoint; remove it only if that canary never ran`));
    } else {
      startTime = toRfc3339(Math.floor(now().getTime() / 1000));
      try {
        await writeFile(startFile, startTime + '\n', { flag: 'wx' });
        set('start-time', pass(`T+0 ${startTime} written to ${startFile}`));
      } catch (err) {
        startTime = null;
        set('start-time', fail(`cannot write ${startFile}: ${(err as NodeJS.ErrnoException).code ?? errText(err)}`));
      }
    }
  }

  const checks: CheckResult[] = CHECK_IDS.map((id) => {
    const r = o.skip.has(id) && id !== 'start-time' ? skipped(`--skip ${id}`) : results.get(id)!;
    return { id, title: PREFLIGHT_CHECKS[id], required: required(id), ...r };
  });
  return { ok: preflightPassed(checks), checks, secretFingerprint: secret.fingerprint ?? null, startTime };
}

async function alertRulesOutcome(o: PreflightOptions, loaded: readonly LoadedGroup[], now: Date): Promise<Outcome> {
  const expected: ExpectedGroup[] = [];
  for (const g of o.runbook.alertGroups) {
    const file = path.join(o.generatedDir, 'prometheus', `${g.name}_alerts.yml`);
    let found: ExpectedGroup[];
    try {
      found = generatedGroups(parse(await readFile(file, 'utf8')), [g.name]);
    } catch (err) {
      return fail(`cannot read the generated rules ${file}: ${(err as NodeJS.ErrnoException).code ?? errText(err)} (run slogate generate)`);
    }
    if (!found.length) return fail(`${file} has no group ${g.name} (run slogate generate)`);
    expected.push(...found);
  }
  return alertRulesCheck(expected, loaded, now.getTime() / 1000, o.staleIntervals ?? 3);
}
