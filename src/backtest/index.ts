// Public API of the backtest: what would the gate have said at every point of a range?
import type { CheckpointName, Runbook } from '../contract/runbook.ts';
import { checkpointRule, type PhaseNumber } from '../gate/decide.ts';
import { redactUrl } from '../prometheus/client.ts';
import { backtestTimeline, changedVerdicts, checkpointSeconds, summarize, withThreshold } from './evaluate.ts';
import { iso, type BacktestReport } from './output.ts';
import { fetchRangeData, type RangeFetchOptions } from './range.ts';

export * from './evaluate.ts';
export { backtestSvg, backtestTable, type BacktestReport } from './output.ts';
export { fetchRangeData, chunkedRange, MAX_POINTS_PER_QUERY, type RangeData, type RangeFetchOptions, type Fetched } from './range.ts';

export interface BacktestOptions extends Omit<RangeFetchOptions, 'windowSeconds'> {
  checkpoint: CheckpointName;
  phase: PhaseNumber;
  minDeliveries?: number;
  /** `successRate.target=94`: rerun with this one threshold changed. */
  set?: string;
}

/** Thrown for a --set that names no threshold or no number. */
export class BacktestSetError extends Error {}

/** Fetches the range once and decides every point (twice with `set`, from the same data). */
export async function runBacktest(o: BacktestOptions): Promise<BacktestReport> {
  const rb = o.runbook;
  let changed: Runbook | undefined;
  if (o.set !== undefined) {
    const r = withThreshold(rb, o.set);
    if ('error' in r) throw new BacktestSetError(r.error);
    changed = r;
  }
  const windowSeconds = checkpointSeconds(rb, o.checkpoint);
  const data = await fetchRangeData({ ...o, windowSeconds });
  const settings = { runbook: rb, checkpoint: o.checkpoint, phase: o.phase, minDeliveries: o.minDeliveries };
  const points = backtestTimeline(data, settings);
  const rule = checkpointRule(rb, o.phase, o.checkpoint);
  if ('error' in rule) throw new BacktestSetError(rule.error);
  const green = rule.final ? 'promote' : 'continue';
  const report: BacktestReport = {
    source: redactUrl(o.prometheus),
    selector: data.selector,
    checkpoint: o.checkpoint,
    phase: o.phase,
    from: iso(o.from),
    to: iso(o.to),
    every_seconds: o.every,
    window_seconds: windowSeconds,
    http_requests: data.httpRequests,
    pii: 'not backtested',
    summary: summarize(points, green),
    points,
  };
  if (changed) {
    const minDeliveries = o.set!.trim().startsWith('minDeliveries=') ? changed.gates.minDeliveries : o.minDeliveries;
    const after = backtestTimeline(data, { ...settings, runbook: changed, minDeliveries });
    report.sensitivity = { set: o.set!, summary: summarize(after, green), changed: changedVerdicts(points, after) };
  }
  return report;
}
