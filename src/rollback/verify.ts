// Rollback step 3: poll the canary's delivery rate per instance until every instance reads
// 0 (or the limit), or until the deadline. Records start, zero and result in the journal,
// and returns the drain timeline for the evidence folder and the rollback report.
import { toRfc3339 } from '../evidence/verdict.ts';
import { PrometheusClient, type PrometheusAuth } from '../prometheus/client.ts';
import { sumOf } from '../promql/query.ts';
import { lineChart } from '../charts/svg.ts';
import { describeSample, drainOutcome, isDrained, totalRate, type DrainOutcome, type DrainSample } from './drain.ts';
import type { RollbackJournal } from './journal.ts';

export interface VerifyOptions {
  prometheus: string;
  auth?: PrometheusAuth;
  /** The canary's checked `{...}` selector. */
  selector: string;
  /** Give up after this long. */
  deadlineMs: number;
  intervalMs: number;
  /** Rate window, e.g. `1m` (the runbook's). */
  rateWindow: string;
  /** The delivery counter (the runbook's `deliveryTotal`). */
  deliveryMetric: string;
  /** Deliveries per second per instance that still count as stopped. */
  maxRate: number;
  journal?: RollbackJournal;
  /** Called after every poll (progress). */
  onSample?: (s: DrainSample, line: string) => void;
  timeoutMs?: number;
}

export interface DrainTimeline {
  format: 'slogate-drain/1';
  selector: string;
  query: string;
  started: string;
  ended: string;
  deadline_seconds: number;
  max_rate: number;
  result: DrainOutcome['result'];
  drained_at: string | null;
  /** Seconds from the start of the verification to zero traffic. */
  drain_seconds: number | null;
  still_sending: { instance: string; rate: number }[];
  reason: string | null;
  samples: { t: string; total: number | null; per_instance: Record<string, number> | null; error?: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export function drainQuery(metric: string, selector: string, rateWindow: string): string {
  return sumOf('rate', metric, selector, rateWindow, ['instance']);
}

export async function verifyDrain(o: VerifyOptions): Promise<{ outcome: DrainOutcome; timeline: DrainTimeline }> {
  const query = drainQuery(o.deliveryMetric, o.selector, o.rateWindow);
  const startMs = Date.now();
  const endMs = startMs + o.deadlineMs;
  const started = startMs / 1000;
  await o.journal?.record('DRAIN VERIFY STARTED', started, `polling ${query} every ${o.intervalMs / 1000} s for up to ${o.deadlineMs / 1000} s`);
  const samples: DrainSample[] = [];
  const client = new PrometheusClient({ url: o.prometheus, auth: o.auth, timeoutMs: o.timeoutMs ?? 10_000, deadlineMs: o.deadlineMs + (o.timeoutMs ?? 10_000), retries: 0 });
  try {
    for (;;) {
      const pollAt = Date.now();
      let s: DrainSample;
      try {
        const r = await client.query(query, pollAt / 1000);
        const per: Record<string, number> = {};
        for (const x of r) per[x.metric.instance ?? ''] = x.value;
        s = { t: pollAt / 1000, perInstance: per, ...(r.length ? {} : { error: `nothing matches ${o.selector}` }) };
      } catch (err) {
        s = { t: pollAt / 1000, perInstance: null, error: (err as Error).message };
      }
      samples.push(s);
      o.onSample?.(s, describeSample(s, o.maxRate));
      if (isDrained(s, o.maxRate)) break;
      if (Date.now() + o.intervalMs > endMs) break;
      await sleep(pollAt + o.intervalMs - Date.now());
    }
  } finally {
    client.close();
  }
  const outcome = drainOutcome(samples, o.maxRate);
  const ended = Date.now() / 1000;
  if (outcome.result === 'drained') {
    await o.journal?.record('TRAFFIC AT ZERO', outcome.at, `every canary instance at or below ${o.maxRate} deliveries/s, ${Math.round(outcome.at - started)} s after the verification started`);
    await o.journal?.record('DRAIN VERIFIED', ended, 'canary webhook traffic stopped');
  } else if (outcome.result === 'flowing') {
    await o.journal?.record('DRAIN NOT VERIFIED', ended, `still sending at the deadline: ${outcome.sending.map((x) => `${x.instance} ${x.rate.toFixed(2)}/s`).join(', ')}`);
  } else {
    await o.journal?.record('DRAIN NOT VERIFIED', ended, `the delivery rate could not be read: ${outcome.reason}`);
  }
  return {
    outcome,
    timeline: {
      format: 'slogate-drain/1',
      selector: o.selector,
      query,
      started: toRfc3339(started),
      ended: toRfc3339(ended),
      deadline_seconds: o.deadlineMs / 1000,
      max_rate: o.maxRate,
      result: outcome.result,
      drained_at: outcome.result === 'drained' ? toRfc3339(outcome.at) : null,
      drain_seconds: outcome.result === 'drained' ? Math.round(outcome.at - started) : null,
      still_sending: outcome.result === 'flowing' ? outcome.sending : [],
      reason: outcome.result === 'unknown' ? outcome.reason : null,
      samples: samples.map((s) => ({ t: toRfc3339(s.t), total: totalRate(s), per_instance: s.perInstance, ...(s.error ? { error: s.error } : {}) })),
    },
  };
}

/** The drain as a picture: the canary's total delivery rate at each poll. */
export function drainChartSvg(t: DrainTimeline): string {
  const points = t.samples.map((x) => [Date.parse(x.t) / 1000, x.total ?? Number.NaN] as [number, number]);
  return lineChart({ title: `Canary delivery rate while draining (${t.result})`, unit: 'deliveries/s', points, yMin: 0, width: 900, height: 360 });
}
