// Definition-time checks for SLOs: the schema, then everything a later step (Prometheus, the
// OpenSLO output, oslo) would refuse, each as one line naming the SLO. And the OpenSLO v1 schema.
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { MetricDef } from '../contract/metrics.ts';
import { parseMatcherKey } from '../contract/selectors.ts';
import { analyzePromql } from '../promql/parse.ts';
import { resultLabels } from '../promql/labels.ts';
import { parseDuration } from '../promql/duration.ts';
import { div, rational, toNumber } from '../promql/decimal.ts';
import { errorBudget } from './burn-rate.ts';
import { sloAlertName } from './alerts.ts';
import { openSloNames } from './openslo.ts';
import { WINDOW_PLACEHOLDER } from './sli.ts';
import { windowsSpecFor } from './windows.ts';
import type { AlertWindowsSpec, BurnPolicy, SloDef } from './types.ts';

const require = createRequire(import.meta.url);
const ajv = new Ajv({ allErrors: true, strict: true });
const defSchema = require('../../schemas/slo-definition.schema.json');
const validateDefinition: ValidateFunction = ajv.compile(defSchema);
const SLI_KINDS = ['good', 'bad', 'latency', 'raw'] as const;
const sliValidators = Object.fromEntries(
  (['sliGoodTotal', 'sliBadTotal', 'sliLatency', 'sliRaw'] as const).map((d, i) => [SLI_KINDS[i], ajv.getSchema(`${defSchema.$id}#/definitions/${d}`)!]),
) as Record<(typeof SLI_KINDS)[number], ValidateFunction>;

// the OpenSLO schema says "exactly one of" with required-only branches, which strict mode flags
const openSloAjv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
const validateOpenSlo: ValidateFunction = openSloAjv.compile(require('../../schemas/openslo-v1.schema.json'));

function describe(errors: ErrorObject[] | null | undefined, prefix = ''): string[] {
  return (errors ?? []).map((e) => {
    const at = prefix + e.instancePath || '/';
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    return `${at} ${e.message ?? 'is invalid'}${extra}`;
  });
}

const MAX_OPENSLO_NAME = 63;
const MAX_ALERT_NAME = 40;
/** Labels the generated series carry themselves; an SLI grouped by one would be overwritten. */
const RESERVED_LABELS = new Set(['slo', 'service', 'window', 'sloth_id', 'sloth_service', 'sloth_slo', 'sloth_window', 'severity', 'tier', 'long_window', 'short_window']);

/** Problems of one SLO definition; `metrics` (the runbook's contract) lets a latency bound be checked against its buckets. */
export function checkSloDefinition(def: unknown, policy: BurnPolicy, metrics: readonly MetricDef[] = []): string[] {
  const name = (def as { name?: unknown })?.name;
  const at = `slo ${typeof name === 'string' && name ? name : '(unnamed)'}`;
  const out: string[] = [];
  if (!validateDefinition(def)) out.push(...describe(validateDefinition.errors));
  const sli = (def as { sli?: unknown })?.sli;
  if (sli && typeof sli === 'object') {
    const kinds = SLI_KINDS.filter((k) => k in sli);
    if (kinds.length !== 1) out.push(`/sli must have exactly one of good (with total), bad (with total), latency or raw; found ${kinds.join(', ') || 'none'}`);
    else if (!sliValidators[kinds[0]](sli)) out.push(...describe(sliValidators[kinds[0]].errors, '/sli'));
  }
  if (out.length) return out.map((m) => `${at}: ${m}`);
  return semanticProblems(def as SloDef, policy, metrics).map((m) => `${at}: ${m}`);
}

function semanticProblems(slo: SloDef, policy: BurnPolicy, metrics: readonly MetricDef[]): string[] {
  const out: string[] = [];
  // a budget of 0 would divide by zero in every burn rate
  const budget = toNumber(errorBudget(slo));
  const target = toNumber(div(rational(slo.objective), rational(100)));
  if (!(budget > 0) || !(target < 1)) {
    out.push(`objective ${slo.objective} leaves no error budget (it rounds to 100% at 15 significant digits); use a lower objective`);
  }
  const long = openSloNames(slo).reduce((a, b) => (b.length > a.length ? b : a));
  if (long.length > MAX_OPENSLO_NAME) {
    out.push(`name is ${slo.name.length} characters; at most ${slo.name.length - (long.length - MAX_OPENSLO_NAME)} so that the OpenSLO names made from it (${long}) stay within ${MAX_OPENSLO_NAME}`);
  }
  for (const tier of ['page', 'ticket'] as const) {
    if (slo.alerts?.[tier]?.disable) continue;
    const alert = sloAlertName(slo, tier);
    if (alert.length > MAX_ALERT_NAME || !/^[A-Z][a-zA-Z0-9]*$/.test(alert)) {
      out.push(`${tier} alert name ${alert} must be CamelCase of at most ${MAX_ALERT_NAME} characters (it is ${alert.length}); set alerts.${tier}.name`);
    }
  }
  out.push(...periodProblems(slo, policy));
  for (const l of slo.groupBy) if (RESERVED_LABELS.has(l)) out.push(`groupBy label "${l}" is one the SLO rules set themselves; rename it in the query`);
  out.push(...matcherProblems(slo));
  out.push(...sliProblems(slo, metrics));
  return out;
}

function periodProblems(slo: SloDef, policy: BurnPolicy): string[] {
  const spec = windowsSpecFor(slo, policy);
  if (!spec) {
    const known = policy.windows.map((w) => w.sloPeriod).join(', ');
    return [`no burn-rate windows for period ${slo.timeWindow} (known periods: ${known}); use one of them or give the SLO its own alertWindows`];
  }
  return slo.alertWindows ? ownWindowProblems(slo, slo.alertWindows) : [];
}

function ownWindowProblems(slo: SloDef, spec: AlertWindowsSpec): string[] {
  const out: string[] = [];
  const period = parseDuration(slo.timeWindow);
  if (parseDuration(spec.sloPeriod) !== period) out.push(`alertWindows.sloPeriod ${spec.sloPeriod} is not the SLO's period ${slo.timeWindow}`);
  for (const tier of ['page', 'ticket'] as const) {
    for (const speed of ['quick', 'slow'] as const) {
      const w = spec[tier][speed];
      const where = `alertWindows.${tier}.${speed}`;
      if (parseDuration(w.shortWindow) >= parseDuration(w.longWindow)) out.push(`${where}: shortWindow ${w.shortWindow} must be shorter than longWindow ${w.longWindow}`);
      if (parseDuration(w.longWindow) > period) out.push(`${where}: longWindow ${w.longWindow} is longer than the period ${slo.timeWindow}`);
    }
  }
  return out;
}

function matcherProblems(slo: SloDef): string[] {
  const out: string[] = [];
  const all: [string, Readonly<Record<string, string>>][] = [['matchers', slo.matchers]];
  const s = slo.sli;
  if ('good' in s) all.push(['sli.good.matchers', s.good.matchers ?? {}], ['sli.total.matchers', s.total.matchers ?? {}]);
  if ('bad' in s) all.push(['sli.bad.matchers', s.bad.matchers ?? {}], ['sli.total.matchers', s.total.matchers ?? {}]);
  if ('latency' in s) all.push(['sli.latency.matchers', s.latency.matchers ?? {}]);
  for (const [where, m] of all) {
    for (const [k, v] of Object.entries(m)) {
      const { label, op } = parseMatcherKey(k);
      if (op !== '=~' && op !== '!~') continue;
      // RE2 (Prometheus) has no lookaround or backreferences; JavaScript catches the rest of the syntax
      if (/\(\?[=!<]|\\[1-9]/.test(v)) out.push(`${where}: ${label}${op}"${v}": lookarounds and backreferences are not RE2 (Prometheus) syntax`);
      else {
        try {
          new RegExp(`^(?:${v})$`);
        } catch (e) {
          out.push(`${where}: ${label}${op}"${v}" is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
        }
      }
    }
  }
  return out;
}

function sliProblems(slo: SloDef, metrics: readonly MetricDef[]): string[] {
  const s = slo.sli;
  if ('latency' in s) {
    const h = metrics.find((m) => m.name === s.latency.histogram && m.type === 'histogram');
    if (h?.buckets && !h.buckets.includes(s.latency.le)) {
      return [`sli.latency.le ${s.latency.le} is not a bucket of ${h.name} (buckets: ${h.buckets.join(', ')})`];
    }
    return [];
  }
  if (!('raw' in s)) return [];
  const q = s.raw.errorRatioQuery;
  if (!q.includes(WINDOW_PLACEHOLDER)) return [`sli.raw.errorRatioQuery must use ${WINDOW_PLACEHOLDER} where the range goes, e.g. rate(x[${WINDOW_PLACEHOLDER}])`];
  const expr = q.split(WINDOW_PLACEHOLDER).join('5m');
  const info = analyzePromql(expr);
  if (info.problems.length) {
    const p = info.problems[0];
    return [`sli.raw.errorRatioQuery: PromQL error at line ${p.line}, column ${p.column}: ${p.message}`];
  }
  const shape = resultLabels(expr);
  if (shape.kind === 'scalar') return ['sli.raw.errorRatioQuery is a number, not a ratio per series'];
  if (shape.kind === 'unknown') return [`sli.raw.errorRatioQuery: can't tell which labels the result keeps: ${shape.why}`];
  const want = [...slo.groupBy].sort().join(', ');
  const got = [...shape.labels].sort().join(', ');
  return want === got ? [] : [`sli.raw.errorRatioQuery keeps labels (${got}), but groupBy is (${want}); aggregate with sum by (${want})`];
}

export function checkOpenSlo(doc: unknown, where: string): string[] {
  if (validateOpenSlo(doc)) return [];
  // an "if/then" failure repeats the error inside it: keep the inner one
  const errors = (validateOpenSlo.errors ?? []).filter((e) => e.keyword !== 'if');
  return describe(errors).map((m) => `${where}: OpenSLO schema: ${m}`);
}
