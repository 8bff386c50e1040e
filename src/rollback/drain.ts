// Rollback step 3 as data: polls of the canary's delivery rate, per instance, and what they
// say. Pure; verify.ts does the polling.

export interface DrainSample {
  /** Unix seconds. */
  t: number;
  /** Deliveries per second per instance; null when the backend could not answer. */
  perInstance: Record<string, number> | null;
  /** Why the poll has no numbers (backend error, or no series). */
  error?: string;
}

export type DrainOutcome =
  /** Every canary instance reports a rate at or below the limit. */
  | { result: 'drained'; at: number }
  /** Still sending at the deadline. */
  | { result: 'flowing'; sending: { instance: string; rate: number }[] }
  /** No poll could tell (backend down, or no canary series at all). */
  | { result: 'unknown'; reason: string };

export const totalRate = (s: DrainSample): number | null => (s.perInstance ? Object.values(s.perInstance).reduce((a, b) => a + b, 0) : null);

/** Instances above the limit in one sample, highest first. */
export function sendingInstances(s: DrainSample, maxRate: number): { instance: string; rate: number }[] {
  return Object.entries(s.perInstance ?? {})
    .filter(([, r]) => !(r <= maxRate))
    .map(([instance, rate]) => ({ instance, rate }))
    .sort((a, b) => b.rate - a.rate || a.instance.localeCompare(b.instance));
}

/** A sample proves the drain when it has series and none is above the limit (NaN is not 0). */
export function isDrained(s: DrainSample, maxRate: number): boolean {
  return s.perInstance !== null && Object.keys(s.perInstance).length > 0 && sendingInstances(s, maxRate).length === 0;
}

/** What the polls so far say at the deadline. */
export function drainOutcome(samples: readonly DrainSample[], maxRate: number): DrainOutcome {
  const drained = samples.find((s) => isDrained(s, maxRate));
  if (drained) return { result: 'drained', at: drained.t };
  const lastKnown = [...samples].reverse().find((s) => s.perInstance !== null && Object.keys(s.perInstance).length > 0);
  if (lastKnown) return { result: 'flowing', sending: sendingInstances(lastKnown, maxRate) };
  const last = samples[samples.length - 1];
  return { result: 'unknown', reason: last?.error ?? 'no poll was made' };
}

export function describeSample(s: DrainSample, maxRate: number, fmt = (n: number) => n.toFixed(2)): string {
  if (!s.perInstance) return `no answer: ${s.error}`;
  if (!Object.keys(s.perInstance).length) return `no canary delivery series: ${s.error ?? 'nothing matches the selector'}`;
  const sending = sendingInstances(s, maxRate);
  if (!sending.length) return `${fmt(totalRate(s)!)} deliveries/s: traffic stopped on all ${Object.keys(s.perInstance).length} instances`;
  const shown = sending.slice(0, 5).map((x) => `${x.instance} ${fmt(x.rate)}/s`);
  return `${fmt(totalRate(s)!)} deliveries/s from ${sending.length} instance${sending.length === 1 ? '' : 's'} (${shown.join(', ')}${sending.length > 5 ? ', …' : ''})`;
}
