// Synthetic metric history for the gate's integration tests and benchmark: per-minute
// counter and histogram samples of the delivery service, per instance, written as
// OpenMetrics (for `promtool tsdb create-blocks-from openmetrics`) or as
// VictoriaMetrics import JSON lines. Names, labels and buckets come from the contract.
import { DURATION_BUCKETS, SCRAPE_JOB, CANARY_TRACK, metrics } from '../../src/contract/metrics.ts';

/** What one instance did in one minute. */
export interface MinuteTraffic {
  deliveries: number;
  /** 0..1 */
  successRatio: number;
  latency: LatencyProfile;
  cbOpens?: number;
  /** The process restarted just before this minute: counters start again from 0. */
  reset?: boolean;
}

/** Share of deliveries per duration bucket upper bound (seconds); the rest lands above the last bucket. */
export type LatencyProfile = Readonly<Record<number, number>>;

export const latency = {
  /** p95 ≈ 406 ms. */
  fast: { 0.1: 0.6, 0.25: 0.3, 0.5: 0.08, 1: 0.02 },
  /** p95 ≈ 4.25 s: above the 2 s target, below the 5 s rollback. */
  slowish: { 1: 0.8, 5: 0.2 },
  /** p95 ≈ 9.5 s: above the 5 s rollback. */
  slow: { 1: 0.5, 10: 0.5 },
} as const satisfies Record<string, LatencyProfile>;

export interface InstanceSpec {
  instance: string;
  /** Traffic of the minute ending at T0 + m minutes (m >= 1); null: no scrape that minute. */
  minute: (m: number) => MinuteTraffic | null;
  labels?: Record<string, string>;
  /** Export the breaker counter at 0 from T0 (default), or only from its first open. */
  cbCounterFromStart?: boolean;
  /** First minute the instance is scraped (default 0): a canary instance added later. */
  fromMinute?: number;
  /** Histogram bucket bounds (default: the contract's). */
  buckets?: readonly number[];
  /** How `le` is written: `2` (Go client, default), or `2.0` (Python client, and Prometheus 3, which stores every bound that way). */
  leStyle?: 'go' | 'python' | 'prometheus3';
}

export interface AlertSpec {
  labels: Record<string, string>;
  /** Minutes after T0 during which the ALERTS sample exists (inclusive). */
  from: number;
  to: number;
}

export interface ScenarioHistory {
  name: string;
  /** T0, unix seconds. */
  t0: number;
  /** History length in minutes after T0. */
  minutes: number;
  instances: InstanceSpec[];
  alerts?: AlertSpec[];
  /** Scrape interval in seconds (default 60; 15 or 30 spread each minute's traffic evenly). */
  scrapeSeconds?: number;
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  /** Unix seconds. */
  t: number;
  value: number;
}

const CB_ENDPOINT = 'https://receiver.example.com/webhooks';

/** Integer split of n over shares that sums exactly to n (largest remainder). */
function split(n: number, shares: readonly number[]): number[] {
  const raw = shares.map((s) => s * n);
  const out = raw.map(Math.floor);
  let left = n - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]++;
    left--;
  }
  return out;
}

/** Every sample of a scenario, series by series, in time order. */
export function* scenarioSamples(s: ScenarioHistory): Generator<Sample> {
  const hist = metrics.deliveryDuration.name;
  const perMinute = Math.max(1, Math.round(60 / (s.scrapeSeconds ?? 60)));
  for (const inst of s.instances) {
    const bounds = [...(inst.buckets ?? DURATION_BUCKETS)];
    const le = (b: number) => (inst.leStyle && inst.leStyle !== 'go' && Number.isInteger(b) ? b.toFixed(1) : String(b));
    // the previous scrape's value of each series, to spread a minute over sub-minute scrapes
    const prev = new Map<string, number>();
    function* scrape(m: number, minuteSamples: Sample[], reset: boolean): Generator<Sample> {
      for (let k = 1; k <= perMinute; k++) {
        for (const x of minuteSamples) {
          const key = JSON.stringify(x.labels) + x.name;
          const from = m === 0 || reset ? 0 : (prev.get(key) ?? 0);
          const value = k === perMinute ? x.value : from + Math.round(((x.value - from) * k) / perMinute * 1000) / 1000;
          if (m === 0 && k < perMinute) continue;
          yield { ...x, t: x.t - 60 + (k * 60) / perMinute, value };
        }
      }
      for (const x of minuteSamples) prev.set(JSON.stringify(x.labels) + x.name, x.value);
    }
    const base = { job: SCRAPE_JOB, track: CANARY_TRACK, instance: inst.instance, scenario: s.name, ...inst.labels };
    let total = 0;
    let ok = 0;
    let cb = 0;
    let cbSeen = false;
    const cbFromStart = inst.cbCounterFromStart ?? true;
    let sum = 0;
    let buckets = bounds.map(() => 0);
    let inf = 0;
    const first = inst.fromMinute ?? 0;
    for (let m = first; m <= s.minutes; m++) {
      const t = s.t0 + m * 60;
      const traffic: MinuteTraffic | null = m === first ? { deliveries: 0, successRatio: 1, latency: latency.fast } : inst.minute(m);
      if (traffic === null) continue;
      const out: Sample[] = [];
      if (traffic.reset) {
        total = ok = cb = sum = inf = 0;
        buckets = bounds.map(() => 0);
      }
      const n = traffic.deliveries;
      total += n;
      ok += Math.round(n * traffic.successRatio);
      const shares = bounds.map((b) => (traffic.latency as Record<number, number>)[b] ?? 0);
      const per = split(n, [...shares, Math.max(0, 1 - shares.reduce((a, b) => a + b, 0))]);
      let lower = 0;
      for (let i = 0; i < bounds.length; i++) {
        buckets[i] += per[i];
        sum += per[i] * ((lower + bounds[i]) / 2);
        lower = bounds[i];
      }
      inf += per[bounds.length];
      sum += per[bounds.length] * bounds[bounds.length - 1] * 2;
      if (traffic.cbOpens) {
        cb += traffic.cbOpens;
        cbSeen = true;
      }
      out.push({ name: metrics.deliveryTotal.name, labels: base, t, value: total });
      out.push({ name: metrics.deliverySuccessTotal.name, labels: base, t, value: ok });
      let cum = 0;
      for (let i = 0; i < bounds.length; i++) {
        cum += buckets[i];
        out.push({ name: `${hist}_bucket`, labels: { ...base, le: le(bounds[i]) }, t, value: cum });
      }
      out.push({ name: `${hist}_bucket`, labels: { ...base, le: '+Inf' }, t, value: cum + inf });
      out.push({ name: `${hist}_count`, labels: base, t, value: cum + inf });
      out.push({ name: `${hist}_sum`, labels: base, t, value: Math.round(sum * 1000) / 1000 });
      // instrumented services export the breaker counter at 0 for their endpoint (see docs/gate.md)
      if (cbSeen || cbFromStart) out.push({ name: metrics.circuitBreakerOpens.name, labels: { ...base, endpoint: CB_ENDPOINT }, t, value: cb });
      yield* scrape(m, out, traffic.reset === true);
    }
  }
  for (const a of s.alerts ?? []) {
    for (let m = a.from; m <= a.to; m++) yield { name: 'ALERTS', labels: a.labels, t: s.t0 + m * 60, value: 1 };
  }
}

/** Deliveries and successes the scenario really had between T0 and T0 + minutes (for assertions). */
export function trueTotals(s: ScenarioHistory, minutes = s.minutes): { deliveries: number; successes: number } {
  let deliveries = 0;
  let successes = 0;
  for (const inst of s.instances) {
    for (let m = (inst.fromMinute ?? 0) + 1; m <= minutes; m++) {
      const tr = inst.minute(m);
      if (!tr) continue;
      deliveries += tr.deliveries;
      successes += Math.round(tr.deliveries * tr.successRatio);
    }
  }
  return { deliveries, successes };
}

function labelText(name: string, labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `${name}{${parts.join(',')}}`;
}

/** OpenMetrics text (timestamps in seconds), terminated by `# EOF`. */
export function toOpenMetrics(samples: Iterable<Sample>): string {
  const out: string[] = [];
  for (const s of samples) out.push(`${labelText(s.name, s.labels)} ${s.value} ${s.t}`);
  out.push('# EOF', '');
  return out.join('\n');
}

/** VictoriaMetrics `/api/v1/import` JSON lines: one line per series. */
export function toVictoriaImport(samples: Iterable<Sample>): string {
  const series = new Map<string, { metric: Record<string, string>; values: number[]; timestamps: number[] }>();
  for (const s of samples) {
    const key = labelText(s.name, s.labels);
    let e = series.get(key);
    if (!e) series.set(key, (e = { metric: { __name__: s.name, ...s.labels }, values: [], timestamps: [] }));
    e.values.push(s.value);
    e.timestamps.push(s.t * 1000);
  }
  return [...series.values()].map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** n instances named like the runbook's webhook-sender-NNN. */
export function instanceNames(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => `webhook-sender-${String(from + i).padStart(3, '0')}`);
}
