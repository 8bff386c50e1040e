// Hourly snapshots from one range query per metric: the queries are evaluated every
// hour with a one-hour range, so the point at T+0+(h+1)h is hour h's total. Slicing
// and the per-hour summary are pure, so they are tested without a server.
import { iso, round } from '../gate/format.ts';

export type Point = [number, number];

/** What the hourly range queries returned (each at step 1h, range [1h]). */
export interface HourlyInput {
  window: { start: number; end: number };
  /** `sum(increase(deliveries[1h]))`; absent when no series matched. */
  deliveries: readonly Point[] | null;
  successes: readonly Point[] | null;
  cbOpens: readonly Point[] | null;
  /** `histogram_quantile(q, sum by (le)(increase(duration_bucket[1h])))`, in seconds: Prometheus computes it, as for the gate. */
  p95Seconds: readonly Point[] | null;
}

export interface HourlySnapshot {
  hour: number;
  label: string;
  window: { start: string; end: string };
  deliveries: number | null;
  successes: number | null;
  /** Percent. */
  success_rate: number | null;
  p95_ms: number | null;
  cb_opens: number | null;
}

export const HOUR = 3600;

/** Hours that have finished inside the window (0-based, hour h = [start+h, start+h+1)). */
export function finishedHours(window: { start: number; end: number }): number {
  return Math.max(0, Math.floor((window.end - window.start + 1e-6) / HOUR));
}

/** The evaluation times of the hourly queries: the end of each finished hour. */
export function hourlySteps(window: { start: number; end: number }): { start: number; end: number; step: number } | null {
  const n = finishedHours(window);
  if (n === 0) return null;
  return { start: window.start + HOUR, end: window.start + n * HOUR, step: HOUR };
}

function byHour(window: { start: number }, points: readonly Point[] | null): Map<number, number> {
  const m = new Map<number, number>();
  for (const [t, v] of points ?? []) m.set(Math.round((t - window.start) / HOUR) - 1, v);
  return m;
}

/** One snapshot per finished hour; an hour without samples has null values, not zeros. */
export function hourlySnapshots(input: HourlyInput): HourlySnapshot[] {
  const n = finishedHours(input.window);
  const del = byHour(input.window, input.deliveries);
  const ok = byHour(input.window, input.successes);
  const cb = byHour(input.window, input.cbOpens);
  const p95s = byHour(input.window, input.p95Seconds);
  const out: HourlySnapshot[] = [];
  for (let h = 0; h < n; h++) {
    const d = del.get(h);
    const s = ok.get(h);
    const c = cb.get(h);
    const rate = d !== undefined && s !== undefined && d > 0 ? (s / d) * 100 : null;
    const p95 = p95s.get(h) ?? Number.NaN;
    out.push({
      hour: h,
      label: `T+${h}h`,
      window: { start: iso(input.window.start + h * HOUR), end: iso(input.window.start + (h + 1) * HOUR) },
      deliveries: d === undefined || Number.isNaN(d) ? null : round(d, 2),
      successes: s === undefined || Number.isNaN(s) ? null : round(s, 2),
      success_rate: rate === null || Number.isNaN(rate) ? null : round(rate, 4),
      p95_ms: Number.isFinite(p95) ? round(p95 * 1000, 1) : null,
      // opens are whole events; increase() extrapolates to the hour's edges
      cb_opens: c === undefined || Number.isNaN(c) ? null : Math.round(c),
    });
  }
  return out;
}

/** Hours grouped into the runbook's 6-hour bundles; only complete bundles. */
export function bundleGroups(hours: number, perBundle = 6): number[][] {
  const out: number[][] = [];
  for (let b = 0; (b + 1) * perBundle <= hours; b++) out.push(Array.from({ length: perBundle }, (_, i) => b * perBundle + i));
  return out;
}
