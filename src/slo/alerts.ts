// Page and ticket alerts for every SLO, from its burn conditions: one generator, also used by
// the canary's two burn alerts (alerts/webhook-canary.ts) with the canary's track and its own names.
import type { Matchers } from '../contract/selectors.ts';
import type { AlertDef, AlertGroupDef } from '../rules/alert.ts';
import { decimal, errorRatioThreshold } from './burn-rate.ts';
import type { SloLabelOptions } from './labels.ts';
import { alertGroupName, burnRateAlertExpr, sloConditions } from './rules.ts';
import type { AlertTier, BurnCondition, BurnPolicy, SloDef } from './types.ts';

const camel = (kebab: string): string =>
  kebab
    .split('-')
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');

const TIER_SUFFIX: Record<AlertTier, string> = { page: 'Page', ticket: 'Ticket' };
/** Alert names are at most this long (the runbook's rule for every alert). */
const MAX_ALERT_NAME = 40;

/**
 * The alert name of an SLO's tier: its own, else `<SloName>BurnPage` / `<SloName>BurnTicket`, or
 * `<SloName>Page` / `<SloName>Ticket` when that would pass 40 characters (validation reports what's still too long).
 */
export function sloAlertName(slo: SloDef, tier: AlertTier): string {
  const own = slo.alerts?.[tier]?.name;
  if (own) return own;
  const long = `${camel(slo.name)}Burn${TIER_SUFFIX[tier]}`;
  return long.length <= MAX_ALERT_NAME ? long : `${camel(slo.name)}${TIER_SUFFIX[tier]}`;
}

export interface BurnAlertOptions extends SloLabelOptions {
  readonly name: string;
  readonly severity: AlertDef['severity'];
  readonly conditions: readonly BurnCondition[];
  /** Further matchers on the recorded SLI, e.g. the canary's track. */
  readonly matchers?: Matchers;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly summary: string;
  /** Who the alert is about, in the generated description (default: the SLO's name). */
  readonly subject?: string;
  /** A description of its own (templated with `$value`) instead of the generated one. */
  readonly description?: string;
}

const share = (c: BurnCondition, slo: SloDef) => `${c.errorBudgetPercent}% of the ${slo.timeWindow} budget within ${c.longWindow} (error ratio above ${decimal(errorRatioThreshold(slo, c))} over ${c.longWindow} and ${c.shortWindow})`;

/** One multiwindow, multi-burn-rate alert over the given conditions. */
export function burnAlert(slo: SloDef, o: BurnAlertOptions): AlertDef {
  const subject = o.subject ?? slo.name;
  return {
    name: o.name,
    severity: o.severity,
    expr: burnRateAlertExpr(slo, o.conditions, o.matchers ?? {}, o),
    ...(o.for ? { for: o.for } : {}),
    summary: o.summary,
    description:
      o.description ??
      `Error ratio of ${subject} over the long window is {{ $value | humanizePercentage }}: at this rate it spends ` +
      `${o.conditions.map((c) => share(c, slo)).join(', or ')}.`,
    ...(o.labels && Object.keys(o.labels).length ? { labels: o.labels } : {}),
  };
}

const SUMMARY: Record<AlertTier, (slo: SloDef) => string> = {
  page: (slo) => `The ${slo.displayName} SLO burns its error budget fast enough to page.`,
  ticket: (slo) => `The ${slo.displayName} SLO burns its error budget steadily enough for a ticket.`,
};

/** The SLO's page alert (page quick OR page slow) and ticket alert (ticket quick OR ticket slow). */
export function sloAlerts(slo: SloDef, policy: BurnPolicy, o: SloLabelOptions = {}): AlertDef[] {
  const conditions = sloConditions(slo, policy);
  return (['page', 'ticket'] as const)
    .filter((tier) => !slo.alerts?.[tier]?.disable)
    .map((tier) =>
      burnAlert(slo, {
        ...o,
        name: sloAlertName(slo, tier),
        severity: policy.severity[tier],
        conditions: conditions.filter((c) => c.tier === tier),
        for: policy.for?.[tier],
        labels: { ...(o.slothCompatible ? { sloth_severity: tier } : {}), ...(slo.alerts?.[tier]?.labels ?? {}) },
        summary: SUMMARY[tier](slo),
      }),
    );
}

/** The SLO's own alert group, `slo:<name>:alerts`. */
export function sloAlertGroup(slo: SloDef, policy: BurnPolicy, o: SloLabelOptions = {}): AlertGroupDef {
  return { name: alertGroupName(slo), alerts: sloAlerts(slo, policy, o) };
}
