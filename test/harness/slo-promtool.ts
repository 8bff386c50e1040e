// promtool unit tests made from an SLO definition: one scenario per burn condition (fires), a
// healthy one (silent), and a hard outage where the numerator's series disappears (pages for
// the whole outage). The error ratios are picked from each condition's own threshold, so any
// SLO with an event SLI gets its tests with no hand-written numbers.
import { stringify } from 'yaml';
import { parseMatcherKey } from '../../src/contract/selectors.ts';
import { errorBudget, errorRatioThreshold } from '../../src/slo/burn-rate.ts';
import { sloAlertName } from '../../src/slo/alerts.ts';
import { sloConditions } from '../../src/slo/rules.ts';
import { toNumber } from '../../src/promql/decimal.ts';
import { parseDuration } from '../../src/promql/duration.ts';
import type { BurnCondition, BurnPolicy, SloDef } from '../../src/slo/types.ts';

/** Events per minute in every scenario. */
const PER_MINUTE = 100_000;

/** A value satisfying a label matcher (a regex gets the first alternative that it matches). */
function valueFor(op: string, v: string): string | null {
  if (op === '=') return v;
  if (op === '!=' || op === '!~') return null; // a series without the label satisfies both
  const re = new RegExp(`^(?:${v})$`);
  const candidates = v.split('|').map((a) => a.replace(/[()^$]/g, '').replace(/\.\*|\.\+|\./g, '0').replace(/[?*+\\]/g, ''));
  const hit = candidates.find((c) => re.test(c));
  if (hit === undefined) throw new Error(`no sample value for =~"${v}"`);
  return hit;
}

function labelsOf(...sets: (Readonly<Record<string, string>> | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    for (const [k, v] of Object.entries(s ?? {})) {
      const { label, op } = parseMatcherKey(k);
      const value = valueFor(op, v);
      if (value !== null) out[label] = value;
    }
  }
  return out;
}

const series = (metric: string, labels: Record<string, string>) =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',')}}`;

/** Cumulative counter values per minute; null = no sample (the series is gone). */
function cumulative(perMinute: (m: number) => number | null, minutes: number, appearsOnFirstIncrement = false): string {
  const out: string[] = [];
  let total = 0;
  let seen = !appearsOnFirstIncrement;
  for (let m = 0; m <= minutes; m++) {
    const inc = m === 0 ? 0 : perMinute(m);
    if (inc === null) {
      out.push('_');
      continue;
    }
    total += inc;
    if (inc > 0) seen = true;
    out.push(seen ? String(total) : '_');
  }
  return out.join(' ');
}

interface Traffic {
  /** Error ratio of minute m; `gone` = the numerator's series has no samples that minute. */
  errorRatio: (m: number) => number | 'gone';
}

/** Input series of one scenario, in the shape of the SLO's SLI. */
export function inputSeries(slo: SloDef, t: Traffic, minutes: number, opts: { le?: string } = {}): { series: string; values: string }[] {
  const groupLabels = Object.fromEntries(slo.groupBy.map((g) => [g, 'canary']));
  const base = { ...labelsOf(slo.matchers), ...groupLabels, instance: 'i1' };
  const total = () => PER_MINUTE;
  const bad = (m: number) => {
    const r = t.errorRatio(m);
    return r === 'gone' ? PER_MINUTE : Math.round(PER_MINUTE * r);
  };
  const good = (m: number) => (t.errorRatio(m) === 'gone' ? null : PER_MINUTE - bad(m));
  const sli = slo.sli;
  if ('good' in sli) {
    return [
      { series: series(sli.total.metric, { ...base, ...labelsOf(sli.total.matchers) }), values: cumulative(total, minutes) },
      { series: series(sli.good.metric, { ...base, ...labelsOf(sli.good.matchers) }), values: cumulative(good, minutes) },
    ];
  }
  if ('bad' in sli) {
    return [
      { series: series(sli.total.metric, { ...base, ...labelsOf(sli.total.matchers) }), values: cumulative(total, minutes) },
      // an error counter appears on its first increment
      { series: series(sli.bad.metric, { ...base, ...labelsOf(sli.bad.matchers) }), values: cumulative(bad, minutes, true) },
    ];
  }
  if ('latency' in sli) {
    const m = { ...base, ...labelsOf(sli.latency.matchers) };
    const le = opts.le ?? String(sli.latency.le);
    return [
      { series: series(`${sli.latency.histogram}_count`, m), values: cumulative(total, minutes) },
      { series: series(`${sli.latency.histogram}_bucket`, { ...m, le }), values: cumulative(good, minutes) },
      { series: series(`${sli.latency.histogram}_bucket`, { ...m, le: '+Inf' }), values: cumulative(total, minutes) },
    ];
  }
  throw new Error(`slo ${slo.name}: raw SLIs have no generated inputs`);
}

const firing = (alert: string) => `count by (alertname) (ALERTS{alertname="${alert}",alertstate="firing"})`;

interface Check {
  alert: string;
  at: number;
  fires: boolean;
}

function scenario(slo: SloDef, name: string, traffic: Traffic, minutes: number, checks: Check[], le?: string) {
  return {
    name: `${slo.name}: ${name}`,
    interval: '1m',
    input_series: inputSeries(slo, traffic, minutes, { le }),
    promql_expr_test: checks.map((c) => ({
      expr: firing(c.alert),
      eval_time: `${c.at}m`,
      exp_samples: c.fires ? [{ labels: `{alertname="${c.alert}"}`, value: 1 }] : [],
    })),
  };
}

const minutesOf = (d: string) => parseDuration(d) / 60;
const roundUp = (m: number, step: number) => Math.ceil(m / step) * step;

/** The error ratio that trips this condition and no faster one (midway to the next threshold). */
function ratioFor(slo: SloDef, c: BurnCondition, all: BurnCondition[]): number {
  const own = toNumber(errorRatioThreshold(slo, c));
  const higher = all.map((x) => toNumber(errorRatioThreshold(slo, x))).filter((x) => x > own);
  const next = higher.length ? Math.min(...higher) : Math.min(1, own * 2);
  return Math.min(1, (own + next) / 2);
}

/** Error ratio over the window ending at minute t: `healthy` until `from`, 1 after (history starts at 0). */
function windowRatio(t: number, window: number, healthy: number, from: number): number {
  const start = Math.max(0, t - window);
  const bad = Math.max(0, t - Math.max(start, from));
  return (bad + healthy * (t - start - bad)) / (t - start);
}

/** First 5-minute mark, plus 10 minutes of slack for rate()'s extrapolation, by which a page condition holds. */
function pageDue(slo: SloDef, conditions: BurnCondition[], healthy: number, from: number, end: number): number {
  for (let t = from + 1; t <= end; t++) {
    const holds = conditions
      .filter((c) => c.tier === 'page')
      .some((c) => {
        const thr = toNumber(errorRatioThreshold(slo, c));
        return windowRatio(t, minutesOf(c.longWindow), healthy, from) > thr && windowRatio(t, minutesOf(c.shortWindow), healthy, from) > thr;
      });
    if (holds) return Math.min(end, roundUp(t + 10, 5));
  }
  throw new Error(`slo ${slo.name}: a total outage of ${end - from} minutes would not page`);
}

export interface SloPromtoolOptions {
  /** Write histogram buckets as Prometheus 3 does (`2.0`). */
  readonly normalizedLe?: boolean;
}

/**
 * The promtool test files (as objects) for one SLO, reading `ruleFile`: the burn conditions and
 * the outage evaluated every 5 minutes, the healthy days every 30 (the windows' lengths don't change).
 */
export function sloPromtoolTests(slo: SloDef, policy: BurnPolicy, ruleFile: string, o: SloPromtoolOptions = {}) {
  const conditions = sloConditions(slo, policy);
  const page = sloAlertName(slo, 'page');
  const ticket = sloAlertName(slo, 'ticket');
  const alertOf = (c: BurnCondition) => (c.tier === 'page' ? page : ticket);
  const sli = slo.sli;
  const le = o.normalizedLe && 'latency' in sli ? (Number.isInteger(sli.latency.le) ? sli.latency.le.toFixed(1) : String(sli.latency.le)) : undefined;
  const b = toNumber(errorBudget(slo));
  const fast = [];
  for (const c of conditions) {
    const r = ratioFor(slo, c, conditions);
    // long enough for the short window to fill, and well past it
    const at = roundUp(Math.max(minutesOf(c.shortWindow) * 2, 10), 5);
    const checks: Check[] = [{ alert: alertOf(c), at, fires: true }];
    // a ticket-speed burn must not page
    if (c.tier === 'ticket') checks.push({ alert: page, at, fires: false });
    fast.push(scenario(slo, `${c.tier} ${c.speed} (${c.errorBudgetPercent}% in ${c.longWindow}) fires at error ratio ${r}`, { errorRatio: () => r }, at, checks, le));
  }
  // hard outage: after an hour of healthy traffic the numerator's series disappears for three hours;
  // the page is due once a page condition's windows are past its threshold (worked out from the
  // traffic above), and must hold from then to the end
  const end = 240;
  const due = pageDue(slo, conditions, b / 2, 60, end);
  const marks = [...new Set([due, due + 30, due + 60, end].filter((m) => m <= end))];
  fast.push(
    scenario(
      slo,
      'outage where the good series vanishes pages for the whole outage',
      { errorRatio: (m) => (m > 60 ? 'gone' : b / 2) },
      end,
      [{ alert: page, at: 50, fires: false }, ...marks.map((at) => ({ alert: page, at, fires: true }))],
      le,
    ),
  );
  // healthy: half the budget's rate, past the longest window: nothing fires
  const longest = Math.max(...conditions.map((c) => minutesOf(c.longWindow)));
  const last = roundUp(longest + 60, 30);
  const healthy = scenario(
    slo,
    `healthy at error ratio ${b / 2} stays silent`,
    { errorRatio: () => b / 2 },
    last,
    [60, 360, 1440, last].flatMap((at) => [
      { alert: page, at, fires: false },
      { alert: ticket, at, fires: false },
    ]),
    le,
  );
  return [
    { rule_files: [ruleFile], evaluation_interval: '5m', tests: fast },
    { rule_files: [ruleFile], evaluation_interval: '30m', tests: [healthy] },
  ];
}

export const promtoolTestYaml = (doc: unknown): string => stringify(doc, { lineWidth: 0 });
