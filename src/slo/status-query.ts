// Reads what `slo status` needs from Prometheus: the SLO recording rules' current values,
// the firing alerts of each SLO, and (for the report) the budget burn-down over the period.
import { selector } from '../contract/selectors.ts';
import type { PrometheusClient } from '../prometheus/client.ts';
import { parseDuration } from '../promql/duration.ts';
import { decimal, errorBudget } from './burn-rate.ts';
import { BUDGET_REMAINING_RECORD, burnRateRecord, sliErrorRecord, sloConditions } from './rules.ts';
import { eventSeries } from './sli.ts';
import { sloGroupStatus, type FiringAlert, type SloGroupStatus } from './status.ts';
import type { BurnPolicy, SloDef } from './types.ts';

const keyOf = (slo: SloDef, labels: Record<string, string>) => JSON.stringify(slo.groupBy.map((l) => [l, labels[l] ?? '']));
const groupOf = (slo: SloDef, labels: Record<string, string>) => Object.fromEntries(slo.groupBy.filter((l) => labels[l] !== undefined).map((l) => [l, labels[l]]));

/** Every group of one SLO, judged at `time` (unix seconds). */
export async function fetchSloStatus(client: PrometheusClient, slo: SloDef, burnPolicy: BurnPolicy, time: number): Promise<SloGroupStatus[]> {
  const sel = selector({ slo: slo.name });
  const policy = sloConditions(slo, burnPolicy);
  const windows = [...new Set(policy.flatMap((p) => [p.longWindow, p.shortWindow]))];
  const [remaining, period, alerts, ...burns] = await Promise.all([
    client.query(`${BUDGET_REMAINING_RECORD}${sel}`, time),
    client.query(`${sliErrorRecord(slo.timeWindow)}${sel}`, time),
    client.query(`ALERTS${selector({ alertstate: 'firing', slo: slo.name })}`, time),
    ...windows.map((w) => client.query(`${burnRateRecord(w)}${sel}`, time)),
  ]);
  const groups = new Map<string, { group: Record<string, string>; remaining?: number; period?: number; burns: Map<string, number> }>();
  const at = (labels: Record<string, string>) => {
    const k = keyOf(slo, labels);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { group: groupOf(slo, labels), burns: new Map() }));
    return g;
  };
  for (const s of remaining) at(s.metric).remaining = s.value;
  for (const s of period) at(s.metric).period = s.value;
  windows.forEach((w, i) => {
    for (const s of burns[i]) at(s.metric).burns.set(w, s.value);
  });
  if (!groups.size) groups.set('none', { group: {}, burns: new Map() });
  return [...groups.values()]
    .sort((a, b) => JSON.stringify(a.group).localeCompare(JSON.stringify(b.group)))
    .map((g) => {
      // an alert belongs to every group whose labels it carries (an aggregated alert to all)
      const own: FiringAlert[] = alerts
        .filter((a) => slo.groupBy.every((l) => a.metric[l] === undefined || a.metric[l] === g.group[l]))
        .map((a) => ({ alertname: a.metric.alertname ?? '', severity: a.metric.severity ?? '' }));
      const unique = [...new Map(own.map((a) => [`${a.alertname}/${a.severity}`, a])).values()];
      return sloGroupStatus(slo, policy, g.group, { periodErrorRatio: g.period, budgetRemaining: g.remaining, burnRates: g.burns }, unique);
    });
}

export interface BurnDown {
  slo: string;
  group: Record<string, string>;
  /** [unix seconds, budget remaining in percent] from the start of the period to `end`. */
  points: [number, number][];
}

/**
 * The budget left over the period, step by step: 100% at the start of the window, minus
 * each step's failures against the budget the whole window's traffic allows. Read from the
 * SLI counters with one range query each for good and total.
 */
export async function fetchBurnDown(client: PrometheusClient, slo: SloDef, end: number, points = 120): Promise<BurnDown[]> {
  const period = parseDuration(slo.timeWindow);
  const step = Math.max(60, Math.ceil(period / points / 60) * 60);
  const start = end - period + step;
  const e = eventSeries(slo);
  if (!e) return []; // a raw error-ratio SLI has no event counts to burn down from
  const by = slo.groupBy.length ? ` by (${slo.groupBy.join(', ')}) ` : '';
  const q = (series: string) => `sum${by}(increase(${series}[${step}s]))`;
  const [num, total] = await Promise.all([client.queryRange(q(e.numerator), start, end, step), client.queryRange(q(e.total), start, end, step)]);
  // good = total - bad for an error-counter SLI
  const good = e.kind === 'good' ? num : total.map((t) => {
    const b = num.find((x) => keyOf(slo, x.metric) === keyOf(slo, t.metric));
    const badAt = new Map((b?.points ?? []).map(([ts, v]) => [ts, v]));
    return { ...t, points: t.points.map(([ts, v]) => [ts, v - (badAt.get(ts) ?? 0)] as [number, number]) };
  });
  const budget = Number(decimal(errorBudget(slo)));
  return total.map((t) => {
    const k = keyOf(slo, t.metric);
    const g = good.find((x) => keyOf(slo, x.metric) === k);
    const goodAt = new Map((g?.points ?? []).map(([ts, v]) => [ts, v]));
    const all = t.points.reduce((a, [, v]) => a + (Number.isFinite(v) ? v : 0), 0);
    let bad = 0;
    const out: [number, number][] = [];
    for (const [ts, v] of t.points) {
      if (Number.isFinite(v)) bad += Math.max(0, v - (goodAt.get(ts) ?? 0));
      out.push([ts, all > 0 ? (1 - bad / (budget * all)) * 100 : 100]);
    }
    return { slo: slo.name, group: groupOf(slo, t.metric), points: out };
  });
}
