// Counting events from a counter's raw samples, so that a series born inside the window
// counts its first value: instrumentation that creates a counter on its first event
// exports 1, not 0 then 1, and `increase()` sees no increase in a single value.

/** One counter series' raw samples, `[unix seconds, value]`, in time order. */
export type RawSamples = readonly (readonly [number, number])[];

/**
 * The increments inside `(start, end]` of each series, as `[time, amount]` events. The
 * base is the last sample at or before `start`; a series with none was born in the window
 * and starts from 0. A drop is a counter reset: the new value is all increase.
 */
export function counterEvents(series: readonly RawSamples[], window: { start: number; end: number }): [number, number][] {
  const events: [number, number][] = [];
  for (const samples of series) {
    let prev = 0;
    for (const [t, v] of samples) {
      if (Number.isNaN(v)) continue;
      if (t <= window.start) {
        prev = v;
        continue;
      }
      if (t > window.end) break;
      const d = v >= prev ? v - prev : v;
      if (d > 0) events.push([t, d]);
      prev = v;
    }
  }
  return events.sort((a, b) => a[0] - b[0]);
}

/** The events' total, and the most in any `spanSeconds` inside the window (the window's total when it is shorter). */
export function countEvents(events: readonly (readonly [number, number])[], window: { start: number; end: number }, spanSeconds: number): { total: number; maxInSpan: number } {
  const total = events.reduce((s, [, d]) => s + d, 0);
  if (window.end - window.start <= spanSeconds) return { total, maxInSpan: total };
  // the busiest span ends at an event (or at the first span's end)
  let best = 0;
  let lo = 0;
  let sum = 0;
  let hi = 0;
  const ends = [window.start + spanSeconds, ...events.map(([t]) => t).filter((t) => t > window.start + spanSeconds)];
  for (const end of ends) {
    while (hi < events.length && events[hi][0] <= end) sum += events[hi++][1];
    while (lo < hi && events[lo][0] <= end - spanSeconds) sum -= events[lo++][1];
    best = Math.max(best, sum);
  }
  return { total, maxInSpan: best };
}
