// npm run bench:backtest — `slogate backtest` over 30 days at 1h steps (721 T+24h
// checkpoints) against a real Prometheus holding 31 days of backfilled per-minute history
// (BENCH_INSTANCES instances, default 2), against the naive loop in the same run: the gate's
// own evidence gathering once per point. Prints wall time and HTTP requests of each, their
// ratios, and whether the two timelines agree point by point.
import { decidePoint, runBacktest, summarize, type BacktestPoint } from '../src/backtest/index.ts';
import { gatherEvidence } from '../src/gate/index.ts';
import { runbook } from '../runbooks/webhook-delivery/index.ts';
import { BACKTEST_T0, HOUR, backtestHistory } from '../test/harness/backtest-history.ts';
import { scenarioSamples } from '../test/harness/history.ts';
import { startPrometheus } from '../test/harness/tsdb-servers.ts';

const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

const history = backtestHistory(DAYS + 1, INSTANCES);
let samples = 0;
const counted = (function* () {
  for (const s of scenarioSamples(history)) {
    samples++;
    yield s;
  }
})();
const loadStart = performance.now();
const server = await startPrometheus(counted);
console.log(`history: ${INSTANCES} instances x ${history.minutes} minutes (${DAYS + 1} days), ${samples} samples; backfill + start ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

const from = BACKTEST_T0 + 24 * HOUR;
const to = from + DAYS * 24 * HOUR;
const common = { runbook, prometheus: server.url, from, to, every: HOUR, checkpoint: '24h' as const, phase: 5 as const, concurrency: CONCURRENCY };

try {
  // warm the page cache once, so neither side pays for the first read of the blocks
  await runBacktest({ ...common, from: to - 2 * HOUR });

  const t1 = performance.now();
  const bt = await runBacktest(common);
  const btMs = performance.now() - t1;

  const t2 = performance.now();
  let naiveRequests = 0;
  const naive: BacktestPoint[] = [];
  for (let t = from; t <= to; t += HOUR) {
    const g = await gatherEvidence({ runbook, prometheus: server.url, start: t - 24 * HOUR, end: t, skip: ['pii'], series: true, concurrency: CONCURRENCY });
    naiveRequests += g.httpRequests;
    naive.push(decidePoint({ ...g.evidence, checkpoint: '24h', phase: 5, minDeliveries: runbook.gates.minDeliveries }, runbook));
  }
  const naiveMs = performance.now() - t2;

  const differ = bt.points.filter((p, i) => p.verdict !== naive[i]?.verdict || p.decidedBy !== naive[i]?.decidedBy).length;
  const s = summarize(bt.points);
  console.log(`\n30-day backtest, T+24h checkpoint, phase 5, every 1h: ${bt.points.length} points, concurrency ${CONCURRENCY}`);
  console.log(`  slogate backtest (one range fetch)   ${(btMs / 1000).toFixed(2).padStart(7)} s  ${String(bt.http_requests).padStart(5)} HTTP requests`);
  console.log(`  naive loop (gate evidence per point) ${(naiveMs / 1000).toFixed(2).padStart(7)} s  ${String(naiveRequests).padStart(5)} HTTP requests`);
  console.log(`  ratio: ${(naiveMs / btMs).toFixed(1)}x faster, ${(naiveRequests / bt.http_requests).toFixed(0)}x fewer requests`);
  console.log(`  timelines agree on verdict and deciding check at ${bt.points.length - differ} of ${bt.points.length} points`);
  console.log(`  verdicts: ${Object.entries(s.counts).filter(([, n]) => n).map(([v, n]) => `${v} ${n}`).join(', ')}; flips ${s.flips.length}`);
  if (differ) process.exitCode = 1;
} finally {
  await server.stop();
}
