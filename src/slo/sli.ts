// SLI queries from a definition: events per second (bad and total) and error ratios per window.
// Ratios stay defined when the numerator's series is absent: counters appear on first increment,
// and in a hard outage a `code="200"` series goes away; without a zero in its place the ratio would
// have no value and the page would stop. The zero is `0 * total`, so it carries the right labels.
import { matcherKey, selector, type Matchers } from '../contract/selectors.ts';
import type { SeriesRef, SliDef, SloDef } from './types.ts';

/** Placeholder for the range in a raw error-ratio query. */
export const WINDOW_PLACEHOLDER = '{{window}}';

/**
 * A regex matching a bucket bound as every client and Prometheus version writes it: the Go client
 * writes `2`, Prometheus 3 (and the Python and Java clients) `2.0`. Non-integral bounds look the same
 * everywhere (`0.25`); exponent forms (`1e-05`) too.
 */
export function bucketBoundPattern(le: number): string {
  if (!Number.isFinite(le)) return '\\+Inf';
  const go = goFloat(le);
  const escaped = go.replace(/[.+]/g, (c) => `\\${c}`);
  return /^-?\d+$/.test(go) ? `${escaped}(\\.0)?` : escaped;
}

/** Go's `strconv.FormatFloat(x, 'g', -1, 64)`, how client_golang writes `le` (`1e-05`, `1e+06`, `2.5`). */
export function goFloat(x: number): string {
  const [mant, e] = x.toExponential().split('e');
  const exp = Number(e);
  // shortest form: plain digits for exponents -4..5, d.ddde±XX otherwise
  if (exp >= -4 && exp < 6) return String(x);
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** The `le` matcher for a bucket bound, in both forms: `le=~"2(\\.0)?"`. */
export const bucketMatcher = (le: number): Matchers => ({ [matcherKey('le', '=~')]: bucketBoundPattern(le) });

interface EventSeries {
  readonly kind: 'good' | 'bad';
  readonly numerator: string;
  readonly total: string;
}

const ref = (slo: SloDef, r: SeriesRef): string => `${r.metric}${selector(slo.matchers, r.matchers ?? {})}`;

export const isRaw = (sli: SliDef): sli is Extract<SliDef, { raw: unknown }> => 'raw' in sli;

/** The numerator and total selectors of an event-based SLI; null for a raw ratio query. */
export function eventSeries(slo: SloDef): EventSeries | null {
  const sli = slo.sli;
  if ('good' in sli) return { kind: 'good', numerator: ref(slo, sli.good), total: ref(slo, sli.total) };
  if ('bad' in sli) return { kind: 'bad', numerator: ref(slo, sli.bad), total: ref(slo, sli.total) };
  if ('latency' in sli) {
    const m = sli.latency.matchers ?? {};
    return {
      kind: 'good',
      numerator: ref(slo, { metric: `${sli.latency.histogram}_bucket`, matchers: { ...m, ...bucketMatcher(sli.latency.le) } }),
      total: ref(slo, { metric: `${sli.latency.histogram}_count`, matchers: m }),
    };
  }
  return null;
}

function sumRate(slo: SloDef, series: string, window: string): string {
  const by = slo.groupBy.length ? ` by (${slo.groupBy.join(', ')}) ` : '';
  return `sum${by}(rate(${series}[${window}]))`;
}

/**
 * Numerator events per second, 0 (with the total's labels) where its series is absent. The zero
 * needs only the total's label sets, so it reads the total over `fill`, the shortest window: a
 * day-long range over every series just to multiply it by 0 would cost as much as the ratio.
 */
function numeratorRate(slo: SloDef, e: EventSeries, window: string, fill = window): string {
  return `(${sumRate(slo, e.numerator, window)} or 0 * ${sumRate(slo, e.total, fill)})`;
}

/** Total events per second over the window. */
export function totalRateExpr(slo: SloDef, window: string): string | null {
  const e = eventSeries(slo);
  return e && sumRate(slo, e.total, window);
}

/** Bad events per second over the window. */
export function errorRateExpr(slo: SloDef, window: string): string | null {
  const e = eventSeries(slo);
  if (!e) return null;
  return e.kind === 'bad' ? numeratorRate(slo, e, window) : `${sumRate(slo, e.total, window)} - ${numeratorRate(slo, e, window)}`;
}

/** The SLI error ratio (0..1) over a window, straight from the service's series (`fill`: see numeratorRate). */
export function sliErrorExpr(slo: SloDef, window: string, fill = window): string {
  const sli = slo.sli;
  if (isRaw(sli)) return `(${sli.raw.errorRatioQuery.split(WINDOW_PLACEHOLDER).join(window)})`;
  const e = eventSeries(slo)!;
  const total = sumRate(slo, e.total, window);
  return e.kind === 'bad' ? `${numeratorRate(slo, e, window, fill)} / ${total}` : `1 - (${numeratorRate(slo, e, window, fill)} / ${total})`;
}

/** Queries for OpenSLO's ratioMetric: the bare series of each side (a raw SLI has none). */
export function openSloQueries(slo: SloDef): { good?: string; bad?: string; total: string } | null {
  const e = eventSeries(slo);
  if (!e) return null;
  return e.kind === 'good' ? { good: e.numerator, total: e.total } : { bad: e.numerator, total: e.total };
}
