// `slo status` as pure functions: from the SLO recording rules' current values (per
// group, e.g. per track) and the firing alerts, each SLO's objective, achieved
// availability, budget left (percent and time at the current burn), burn rate per policy
// window, and whether it breaks the daily check.
import { parseDuration } from '../promql/duration.ts';
import { burnFactor, decimal, errorBudget, timeToExhaustion } from './burn-rate.ts';
import { toNumber } from '../promql/decimal.ts';
import type { BurnCondition, SloDef } from './types.ts';

/** What the recording rules say for one group of one SLO (NaN or missing: no data). */
export interface SloRecords {
  /** `slo:sli_error:ratio_rate<period>`. */
  periodErrorRatio: number | undefined;
  /** `slo:period_error_budget_remaining:ratio`. */
  budgetRemaining: number | undefined;
  /** `slo:burn_rate:ratio_rate<w>` by window. */
  burnRates: ReadonlyMap<string, number>;
}

export interface FiringAlert {
  alertname: string;
  severity: string;
}

export interface TierStatus {
  severity: BurnCondition['severity'];
  long_window: string;
  short_window: string;
  /** Burn factor the tier alerts above. */
  threshold: number;
  long_burn: number | null;
  short_burn: number | null;
  /** Both windows above the threshold: the tier's condition holds now. */
  burning: boolean;
}

export interface SloGroupStatus {
  slo: string;
  display_name: string;
  /** Labels of the group (the SLO's groupBy), e.g. { track: "canary" }. */
  group: Record<string, string>;
  objective_percent: number;
  window: string;
  achieved_percent: number | null;
  error_ratio: number | null;
  budget_remaining_percent: number | null;
  exhausted: boolean;
  /** Burn rate of the current-burn window (the page tier's long window). */
  current_burn_rate: number | null;
  current_burn_window: string;
  /** Hours until the remaining budget is gone at the current burn; null when not burning (or no data). */
  hours_to_exhaustion: number | null;
  tiers: TierStatus[];
  alerts_firing: FiringAlert[];
  /** A page-level (critical) burn: its alert fires, or its two windows are over the threshold. */
  page_burn: boolean;
  /** Why this group can't be judged (no series). */
  problem: string | null;
}

const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** The window "current burn" is read from: the fastest page tier's long window. */
export function currentBurnWindow(policy: readonly BurnCondition[]): string {
  const pages = policy.filter((p) => p.severity === 'critical');
  const from = pages.length ? pages : policy;
  return [...from].sort((a, b) => parseDuration(a.longWindow) - parseDuration(b.longWindow))[0].longWindow;
}

/** `policy`: the SLO's burn conditions (`sloConditions`). */
export function sloGroupStatus(slo: SloDef, policy: readonly BurnCondition[], group: Record<string, string>, r: SloRecords, alerts: readonly FiringAlert[]): SloGroupStatus {
  const errorRatio = finite(r.periodErrorRatio);
  const remaining = finite(r.budgetRemaining);
  const cw = currentBurnWindow(policy);
  const current = finite(r.burnRates.get(cw));
  const tiers: TierStatus[] = policy.map((p) => {
    const threshold = toNumber(burnFactor(p, slo.timeWindow));
    const long = finite(r.burnRates.get(p.longWindow));
    const short = finite(r.burnRates.get(p.shortWindow));
    return { severity: p.severity, long_window: p.longWindow, short_window: p.shortWindow, threshold, long_burn: long, short_burn: short, burning: long !== null && short !== null && long > threshold && short > threshold };
  });
  let hours: number | null = null;
  if (remaining !== null && current !== null && current > 0) {
    hours = remaining <= 0 ? 0 : (remaining * timeToExhaustion(current, slo.timeWindow)) / 3600;
  }
  const pageAlert = alerts.some((a) => a.severity === 'critical');
  const problem = errorRatio === null || remaining === null ? `no ${slo.timeWindow} SLI or budget series for ${slo.name}${Object.keys(group).length ? ` ${JSON.stringify(group)}` : ''}: the SLO recording rules are not loaded, or there was no traffic` : null;
  return {
    slo: slo.name,
    display_name: slo.displayName,
    group,
    objective_percent: slo.objective,
    window: slo.timeWindow,
    achieved_percent: errorRatio === null ? null : (1 - errorRatio) * 100,
    error_ratio: errorRatio,
    budget_remaining_percent: remaining === null ? null : remaining * 100,
    exhausted: remaining !== null && remaining <= 0,
    current_burn_rate: current,
    current_burn_window: cw,
    hours_to_exhaustion: hours,
    tiers,
    alerts_firing: [...alerts].sort((a, b) => a.alertname.localeCompare(b.alertname)),
    page_burn: pageAlert || tiers.some((t) => t.severity === 'critical' && t.burning),
    problem,
  };
}

export type SloVerdict = 'ok' | 'breach' | 'unknown';

/** The daily check: breach when any budget is gone or any page-level burn is on; unknown when a group can't be read. */
export function sloVerdict(groups: readonly SloGroupStatus[]): SloVerdict {
  if (groups.some((g) => g.exhausted || g.page_burn)) return 'breach';
  if (!groups.length || groups.some((g) => g.problem)) return 'unknown';
  return 'ok';
}

/** The budget as a ratio, for messages ("1% of requests may fail"). */
export const budgetText = (slo: SloDef) => decimal(errorBudget(slo));

/** Where `slo status --out` writes into an evidence folder; the report reads them. */
export const SLO_STATUS_FILE = 'slo/slo_status.json';
export const burnDownFile = (slo: string, group: Record<string, string>) => `slo/${[slo, ...Object.values(group)].join('_')}_burndown.svg`;
