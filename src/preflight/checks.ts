// The pre-flight checklist as named checks. Each evaluator is a pure function from what
// was fetched to a pass / fail / skipped result with a reason; run.ts does the fetching.
import type { Matchers } from '../contract/selectors.ts';
import type { AlertDef } from '../rules/alert.ts';
import { routeAlert, type AlertmanagerRouting } from './routing.ts';
import { MIN_SECRET_LENGTH, secretFingerprint, secretProblem } from './secret.ts';

export type PreflightStatus = 'pass' | 'fail' | 'skipped';

/** The checks, in checklist order. */
export const PREFLIGHT_CHECKS = {
  secret: 'webhook secret from the environment',
  prometheus: 'Prometheus reachable',
  'alert-rules': "the runbook's alert groups (webhook_canary …) loaded as generated, healthy, evaluated",
  'slo-rules': 'SLO recording rules loaded and producing series',
  alertmanager: "Alertmanager routes the canary's critical alerts to a receiver",
  grafana: 'Grafana dashboard answers',
  'gate-queries': "the gate's T+30m queries return series for the canary",
  'canary-targets': 'canary instances are scrape targets and up',
  evidence: "evidence folder in the runbook's layout",
  'start-time': 'start_time.txt written (--start-now)',
} as const;

export type CheckId = keyof typeof PREFLIGHT_CHECKS;
export const CHECK_IDS = Object.keys(PREFLIGHT_CHECKS) as CheckId[];

export interface CheckResult {
  id: CheckId;
  title: string;
  /** A required check must pass for exit 0; `--skip ID` makes it optional. */
  required: boolean;
  status: PreflightStatus;
  reason: string;
  /** One line per finding (a missing rule, a down instance ...). */
  details?: string[];
}

export type Outcome = Pick<CheckResult, 'status' | 'reason' | 'details'>;

export const pass = (reason: string, details?: string[]): Outcome => ({ status: 'pass', reason, ...(details?.length ? { details } : {}) });
export const fail = (reason: string, details?: string[]): Outcome => ({ status: 'fail', reason, ...(details?.length ? { details } : {}) });
export const skipped = (reason: string): Outcome => ({ status: 'skipped', reason });

/** Exit 0 only when every required check passed (a required check that was skipped did not). */
export function preflightPassed(checks: readonly CheckResult[]): boolean {
  return checks.every((c) => !c.required || c.status === 'pass');
}

// ---- secret ----------------------------------------------------------------------

export function secretCheck(secret: string | undefined, envName: string): Outcome & { fingerprint?: string } {
  const p = secretProblem(secret);
  // the digest of a short or guessable secret gives it away: only a good secret's is shown
  if (!p) {
    const fingerprint = secretFingerprint(secret!);
    return { ...pass(`${envName} is ${Buffer.byteLength(secret!, 'utf8')} characters (sha256 ${fingerprint})`), fingerprint };
  }
  if (p.kind === 'missing') return fail(`${envName} is not set: generate one (64 hex characters) and export it`);
  if (p.kind === 'short') return fail(`${envName} is ${p.length} characters, fewer than ${MIN_SECRET_LENGTH}: generate a new one`);
  return fail(`${envName} looks like a placeholder: ${p.why}`);
}

// ---- Alertmanager ------------------------------------------------------------------

/** Labels every firing instance of the alert carries for certain: its name and its rule labels. */
export function alertStaticLabels(a: AlertDef, ownerLabels: Matchers): Record<string, string> {
  return { alertname: a.name, ...(a.labels ?? {}), ...ownerLabels, severity: a.severity };
}

export function routingCheck(cfg: AlertmanagerRouting, alerts: readonly AlertDef[], ownerLabels: Matchers): Outcome {
  const critical = alerts.filter((a) => a.severity === 'critical');
  if (!critical.length) return fail('the runbook defines no critical alert, so none can be routed');
  const bad: string[] = [];
  const reached = new Set<string>();
  for (const a of critical) {
    const r = routeAlert(cfg, alertStaticLabels(a, ownerLabels));
    r.delivered.forEach((x) => reached.add(x));
    if (!r.delivered.length) {
      bad.push(`${a.name} ends at ${r.routes.join(', ')} → receiver ${r.dropped.map((d) => `"${d}"`).join(', ')}, which ${cfg.receivers.has(r.dropped[0] ?? '') ? 'has no integrations: the notification is dropped' : 'is not defined'}`);
    }
  }
  if (bad.length) return fail(`${bad.length} of ${critical.length} critical alerts reach no receiver that notifies anyone`, bad);
  return pass(`all ${critical.length} critical alerts reach ${[...reached].map((r) => `"${r}"`).join(', ')}`);
}

// ---- canary scrape targets ----------------------------------------------------------

export interface UpSample {
  instance: string;
  value: number;
}

/**
 * Every expected instance has an `up` series of 1. With no expected list, at least one
 * instance must match and all that match must be up.
 */
export function targetsCheck(up: readonly UpSample[], expected: readonly string[], selector: string): Outcome {
  const byInstance = new Map<string, number>();
  for (const s of up) byInstance.set(s.instance, Math.min(s.value, byInstance.get(s.instance) ?? Infinity));
  const down = [...byInstance].filter(([, v]) => v !== 1).map(([i]) => i).sort();
  const missing = expected.filter((i) => !byInstance.has(i));
  const details = [...missing.map((i) => `${i}: not a scrape target (no up series)`), ...down.map((i) => `${i}: down (up = 0)`)];
  if (!byInstance.size) return fail(`no scrape target matches up${selector}: the canary instances are not scraped, or the selector is wrong`, details);
  if (details.length) return fail(`${missing.length + down.length} canary instance${missing.length + down.length === 1 ? ' is' : 's are'} not up`, details);
  const n = expected.length || byInstance.size;
  return pass(`${n} canary instance${n === 1 ? '' : 's'} up${expected.length ? ` (${expected[0]} … ${expected[expected.length - 1]})` : ''}`);
}

// ---- the gate's queries ---------------------------------------------------------------

export interface QueryProbe {
  /** The gate's name for the query (GateQueries key). */
  name: string;
  expr: string;
  /** Series returned, or the error. */
  result: { series: number } | { error: string };
  /** Empty is normal for this query (a counter that appears on its first increment, no firing alert). */
  mayBeEmpty: boolean;
}

export function gateQueriesCheck(probes: readonly QueryProbe[], selector: string): Outcome {
  const problems: string[] = [];
  for (const p of probes) {
    if ('error' in p.result) problems.push(`${p.name}: ${p.result.error}`);
    else if (p.result.series === 0 && !p.mayBeEmpty) problems.push(`${p.name}: no series for ${selector} — a renamed metric, a wrong selector, or a counter not exported before its first delivery: ${p.expr}`);
  }
  if (problems.length) return fail(`${problems.length} of ${probes.length} gate queries would find nothing at T+30m`, problems);
  const empty = probes.filter((p) => 'series' in p.result && p.result.series === 0).map((p) => p.name);
  return pass(`${probes.length} gate queries answer with series${empty.length ? ` (${empty.join(', ')} empty for now, as expected until the first breaker open or firing alert)` : ''}`);
}

// ---- SLO recording rules -----------------------------------------------------------------

export interface LoadedRecording {
  group: string;
  record: string;
  health: string;
  lastError?: string;
}

export interface SloExpectation {
  slo: string;
  /** Groups and the records each must hold. */
  groups: readonly { name: string; records: readonly string[] }[];
}

/** Every SLO's recording groups are loaded, every rule healthy, and each record has series. */
export function sloRulesCheck(expected: readonly SloExpectation[], loaded: readonly LoadedRecording[], seriesByRecord: ReadonlyMap<string, ReadonlySet<string>>): Outcome {
  const problems: string[] = [];
  let records = 0;
  for (const e of expected) {
    for (const g of e.groups) {
      const inGroup = loaded.filter((l) => l.group === g.name);
      if (!inGroup.length) {
        problems.push(`${e.slo}: rule group ${g.name} is not loaded`);
        continue;
      }
      for (const rec of new Set(g.records)) {
        records++;
        const rules = inGroup.filter((l) => l.record === rec);
        if (!rules.length) problems.push(`${e.slo}: ${g.name} has no rule recording ${rec}`);
        for (const r of rules) if (r.health !== 'ok' || r.lastError) problems.push(`${e.slo}: ${rec} is ${r.health}${r.lastError ? `: ${r.lastError}` : ''}`);
        if (rules.length && !seriesByRecord.get(e.slo)?.has(rec)) problems.push(`${e.slo}: ${rec}{slo="${e.slo}"} has no series yet`);
      }
    }
  }
  if (problems.length) return fail(`${problems.length} problem${problems.length === 1 ? '' : 's'} with the SLO recording rules`, problems);
  return pass(`${expected.length} SLOs: ${records} records loaded, healthy and producing series`);
}

// ---- Grafana -------------------------------------------------------------------------------

/** GET /api/dashboards/uid/:uid answers `{ dashboard: { uid, title, ... }, meta: { ... } }`. */
export function grafanaCheck(uid: string, status: number, body: unknown): Outcome {
  if (status === 401 || status === 403) return fail(`Grafana refused the token (HTTP ${status}): set GRAFANA_TOKEN (or GRAFANA_API_KEY) to a token that can read dashboards`);
  if (status === 404) return fail(`Grafana has no dashboard with uid ${uid}: run slogate dashboards push`);
  if (status !== 200) return fail(`Grafana answered HTTP ${status} for dashboard ${uid}`);
  const doc = body as { dashboard?: { uid?: unknown; title?: unknown; version?: unknown }; meta?: unknown } | null;
  if (!doc || typeof doc !== 'object' || !doc.dashboard || typeof doc.meta !== 'object') return fail(`Grafana's answer for ${uid} is not its dashboard JSON (no dashboard and meta): a proxy or login page?`);
  if (doc.dashboard.uid !== uid) return fail(`Grafana answered dashboard uid ${JSON.stringify(doc.dashboard.uid)}, not ${uid}`);
  return pass(`dashboard ${uid} "${String(doc.dashboard.title ?? '')}"${typeof doc.dashboard.version === 'number' ? ` version ${doc.dashboard.version}` : ''}`);
}

// ---- evidence folder -----------------------------------------------------------------------

export function evidenceCheck(dir: string, exists: boolean, missingDirs: readonly string[], mkdirHint: string): Outcome {
  if (!exists) return fail(`${dir} does not exist: ${mkdirHint}`);
  if (missingDirs.length) return fail(`${dir} lacks ${missingDirs.join(', ')}: ${mkdirHint}`);
  return pass(`${dir} has the runbook's layout`);
}
