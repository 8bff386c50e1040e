// OpenSLO v1 documents from an SLO definition: the SLO (with its group-by labels as indicator
// metadata) and its alerting as AlertPolicy, AlertCondition and AlertNotificationTarget objects.
// Validated against schemas/openslo-v1.schema.json.
import { div, rational, toNumber } from '../promql/decimal.ts';
import { decimal, burnFactor } from './burn-rate.ts';
import { sloAlertName } from './alerts.ts';
import { sliErrorRecord, sloConditions } from './rules.ts';
import { isRaw, openSloQueries } from './sli.ts';
import { sloFilter } from './labels.ts';
import { shortestWindow, windowsSpecFor } from './windows.ts';
import type { AlertTier, BurnCondition, BurnPolicy, SloDef } from './types.ts';

type Doc = Record<string, unknown>;
const API = 'openslo/v1';
const source = (query: string) => ({ metricSource: { type: 'Prometheus', spec: { query } } });

/** Names of every OpenSLO object made from the SLO (each must be an RFC 1123 name of at most 63 characters). */
export function openSloNames(slo: Pick<SloDef, 'name'>): string[] {
  const conditions = ['page-quick', 'page-slow', 'ticket-quick', 'ticket-slow'].map((c) => `${slo.name}-${c}`);
  return [slo.name, `${slo.name}-sli`, `${slo.name}-page`, `${slo.name}-ticket`, ...conditions];
}

const conditionName = (slo: SloDef, c: BurnCondition) => `${slo.name}-${c.tier}-${c.speed}`;

function indicator(slo: SloDef, policy: BurnPolicy): Doc {
  const metadata: Doc = { name: `${slo.name}-sli` };
  // OpenSLO has no group-by field: the labels the SLI is kept apart by travel as indicator labels
  if (slo.groupBy.length) metadata.labels = { groupBy: [...slo.groupBy] };
  if (isRaw(slo.sli)) {
    const spec = windowsSpecFor(slo, policy);
    const w = spec ? shortestWindow(spec) : '5m';
    return { metadata, spec: { ratioMetric: { counter: false, rawType: 'failure', raw: source(`${sliErrorRecord(w)}${sloFilter(slo)}`) } } };
  }
  const q = openSloQueries(slo)!;
  const ratio: Doc = { counter: true };
  if (q.good) ratio.good = source(q.good);
  if (q.bad) ratio.bad = source(q.bad);
  ratio.total = source(q.total);
  return { metadata, spec: { ratioMetric: ratio } };
}

function tierEnabled(slo: SloDef, tier: AlertTier): boolean {
  return !slo.alerts?.[tier]?.disable;
}

/** The SLO and its alerting, as a list of OpenSLO v1 documents (one YAML stream). */
export function openSloDocuments(slo: SloDef, policy: BurnPolicy): Doc[] {
  const conditions = sloConditions(slo, policy).filter((c) => tierEnabled(slo, c.tier));
  const sloDoc: Doc = {
    apiVersion: API,
    kind: 'SLO',
    metadata: { name: slo.name, displayName: slo.displayName },
    spec: {
      description: slo.description,
      service: slo.service,
      indicator: indicator(slo, policy),
      timeWindow: [{ duration: slo.timeWindow, isRolling: true }],
      budgetingMethod: 'Occurrences',
      objectives: [{ displayName: slo.displayName, target: toNumber(div(rational(slo.objective), rational(100))) }],
      ...(conditions.length ? { alertPolicies: conditions.map((c) => ({ alertPolicyRef: conditionName(slo, c) })) } : {}),
    },
  };
  const tiers = [...new Set(conditions.map((c) => c.tier))];
  const targets: Doc[] = tiers.map((tier) => ({
    apiVersion: API,
    kind: 'AlertNotificationTarget',
    metadata: { name: `${slo.name}-${tier}` },
    spec: {
      description: `Prometheus alert ${sloAlertName(slo, tier)} (severity ${policy.severity[tier]}), routed by Alertmanager.`,
      target: 'alertmanager',
    },
  }));
  const alertConditions: Doc[] = conditions.map((c) => ({
    apiVersion: API,
    kind: 'AlertCondition',
    metadata: { name: conditionName(slo, c), displayName: `${c.tier} ${c.speed}: ${c.errorBudgetPercent}% of the budget in ${c.longWindow}` },
    spec: {
      description:
        `Burn rate over ${c.longWindow} above ${decimal(burnFactor(c, slo.timeWindow))}, confirmed over the last ${c.shortWindow} ` +
        `(Prometheus checks both windows; OpenSLO's alertAfter carries the short one).`,
      severity: c.severity,
      condition: { kind: 'burnrate', op: 'gt', threshold: Number(decimal(burnFactor(c, slo.timeWindow))), lookbackWindow: c.longWindow, alertAfter: c.shortWindow },
    },
  }));
  const policies: Doc[] = conditions.map((c) => ({
    apiVersion: API,
    kind: 'AlertPolicy',
    metadata: { name: conditionName(slo, c) },
    spec: {
      description: `${c.tier === 'page' ? 'Page' : 'Ticket'} when ${slo.name} spends ${c.errorBudgetPercent}% of its ${slo.timeWindow} budget within ${c.longWindow}.`,
      alertWhenNoData: false,
      alertWhenBreaching: true,
      alertWhenResolved: false,
      conditions: [{ conditionRef: conditionName(slo, c) }],
      notificationTargets: [{ targetRef: `${slo.name}-${c.tier}` }],
    },
  }));
  return [sloDoc, ...targets, ...alertConditions, ...policies];
}
