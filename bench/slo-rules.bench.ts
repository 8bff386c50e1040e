// npm run bench:slo-rules — how long a real Prometheus takes to evaluate the availability SLO's
// rule groups, before (the period ratio from raw `rate(...[30d])` over every series) and after
// (the period ratio summed from two recorded per-5m event-rate series), over the same history:
// BENCH_SERIES raw counter series (default 1000: 500 instances x total/success) of BENCH_DAYS days
// (default 3) at one sample per BENCH_STEP seconds (default 60), with uneven traffic (a busy day,
// a quiet night, an error burst at night). Prints `prometheus_rule_group_last_duration_seconds`
// per group (median over BENCH_EVALS evaluations), each period rule's own evaluation time, and
// the period ratio three ways: raw (the truth), ours (event-weighted), and Sloth's average of ratios.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runbook } from '../runbooks/webhook-delivery/index.ts';
import { buildArtefacts } from '../src/generate/artefacts.ts';
import { freePort } from '../test/harness/tsdb-servers.ts';

const run = promisify(execFile);
const SERIES = Number(process.env.BENCH_SERIES ?? 1000);
const DAYS = Number(process.env.BENCH_DAYS ?? 3);
const STEP = Number(process.env.BENCH_STEP ?? 60);
const EVALS = Number(process.env.BENCH_EVALS ?? 6);
const INTERVAL_S = 10;
const slo = runbook.slos.find((s) => s.name === 'webhook-delivery-availability')!;
const instances = Math.max(1, Math.round(SERIES / 2));
const CANARY_SHARE = 0.05;

/** Deliveries per second of one instance at time t (seconds into the day): busy days, quiet nights. */
const load = (t: number) => (((t % 86400) / 3600 >= 8 && (t % 86400) / 3600 < 20) ? 2 : 0.1);
/** Error ratio at time t: 0.1% by day, 20% in a two-hour burst each night. */
const errors = (t: number) => (((t % 86400) / 3600 >= 2 && (t % 86400) / 3600 < 4) ? 0.2 : 0.001);

async function writeHistory(file: string, end: number): Promise<{ rawRatio: number }> {
  const out = createWriteStream(file);
  const write = (line: string) => (out.write(line) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  const start = end - DAYS * 86400;
  let bad = 0;
  let all = 0;
  for (let i = 0; i < instances; i++) {
    const track = i < Math.max(1, Math.round(instances * CANARY_SHARE)) ? 'canary' : 'stable';
    const labels = `job="webhook-sender",track="${track}",instance="webhook-sender-${String(i + 1).padStart(4, '0')}"`;
    let total = 0;
    let ok = 0;
    const lines: string[] = [];
    for (let t = start; t <= end; t += STEP) {
      const n = load(t) * STEP;
      total += n;
      ok += n * (1 - errors(t));
      lines.push(`webhook_delivery_total{${labels}} ${total.toFixed(3)} ${t}\nwebhook_delivery_success_total{${labels}} ${ok.toFixed(3)} ${t}\n`);
      if (lines.length >= 500) await write(lines.splice(0).join(''));
    }
    await write(lines.join(''));
    bad += total - ok;
    all += total;
  }
  // the recorded series the new rules keep (one per track), as they would exist after the period:
  // per-5m event rates, and the 5m ratio Sloth's optimisation averages
  for (const track of ['canary', 'stable']) {
    const n = track === 'canary' ? Math.max(1, Math.round(instances * CANARY_SHARE)) : instances - Math.max(1, Math.round(instances * CANARY_SHARE));
    const labels = `slo="${slo.name}",service="${slo.service}",window="5m",track="${track}"`;
    const lines: string[] = [];
    for (let t = start + 300; t <= end; t += STEP) {
      // the 5m window ending at t
      const rate = n * load(t - 1);
      const errRate = rate * errors(t - 1);
      lines.push(
        `slo:sli_error_events:rate5m{${labels}} ${errRate} ${t}\nslo:sli_total_events:rate5m{${labels}} ${rate} ${t}\nslo:sli_error:ratio_rate5m{${labels}} ${errors(t - 1)} ${t}\n`,
      );
      if (lines.length >= 500) await write(lines.splice(0).join(''));
    }
    await write(lines.join(''));
  }
  await write('# EOF\n');
  await new Promise<void>((r) => out.end(() => r()));
  return { rawRatio: bad / all };
}

interface Running {
  url: string;
  proc: ChildProcess;
}

async function startPrometheus(data: string, ruleFile: string, dir: string): Promise<Running> {
  const port = await freePort();
  const config = join(dir, `prometheus-${port}.yml`);
  await writeFile(config, `global:\n  evaluation_interval: ${INTERVAL_S}s\nrule_files:\n  - ${JSON.stringify(ruleFile)}\n`);
  const proc = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${data}`, '--storage.tsdb.retention.time=100y', `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)) return { url, proc };
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('prometheus did not start');
}

async function stop(p: Running): Promise<void> {
  const exited = new Promise<void>((r) => p.proc.once('exit', () => r()));
  p.proc.kill('SIGTERM');
  await exited;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Per group: last durations over EVALS evaluations; per period rule: its evaluation time. */
async function measure(p: Running): Promise<{ groups: Map<string, number[]>; periodRule: number[]; period: Record<string, number>; avgOfRatios: Record<string, number> }> {
  const groups = new Map<string, number[]>();
  const periodRule: number[] = [];
  let lastEval = '';
  let seen = 0;
  while (seen < EVALS + 1) {
    await new Promise((r) => setTimeout(r, 1000));
    const rules = (await (await fetch(`${p.url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; lastEvaluation: string; rules: { name: string; labels?: Record<string, string>; evaluationTime: number }[] }[] };
    };
    const sli = rules.data.groups.find((g) => g.name.endsWith(':sli'));
    if (!sli || sli.lastEvaluation.startsWith('0001') || sli.lastEvaluation === lastEval) continue;
    lastEval = sli.lastEvaluation;
    seen++;
    if (seen === 1) continue; // the first evaluation warms caches
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    for (const m of metrics.matchAll(/^prometheus_rule_group_last_duration_seconds\{rule_group="[^"]*;([^"]+)"\} (\S+)$/gm)) {
      if (!groups.has(m[1])) groups.set(m[1], []);
      groups.get(m[1])!.push(Number(m[2]));
    }
    const period = sli.rules.find((r) => r.name === `slo:sli_error:ratio_rate${slo.timeWindow}`);
    if (period) periodRule.push(period.evaluationTime);
  }
  const q = async (expr: string) => {
    const body = (await (await fetch(`${p.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return Object.fromEntries(body.data.result.map((r) => [r.metric.track ?? '', Number(r.value[1])]));
  };
  return {
    groups,
    periodRule,
    period: await q(`slo:sli_error:ratio_rate${slo.timeWindow}{slo="${slo.name}"}`),
    avgOfRatios: await q(`avg_over_time(slo:sli_error:ratio_rate5m{slo="${slo.name}"}[${slo.timeWindow}])`),
  };
}

const ms = (s: number) => `${(s * 1000).toFixed(1)} ms`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'slogate-bench-slo-'));
  try {
    const end = Math.floor(Date.now() / 1000) - 60;
    const om = join(dir, 'history.om');
    const t0 = Date.now();
    const { rawRatio } = await writeHistory(om, end);
    const data = join(dir, 'data');
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, data], { maxBuffer: 64 * 1024 * 1024 });
    await rm(om);
    console.log(`history: ${SERIES} raw series (${instances} instances), ${DAYS} days at ${STEP}s, backfilled in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    const after = join(dir, 'after.yml');
    await writeFile(after, buildArtefacts(runbook).find((a) => a.path === `prometheus/slo_${slo.name}.yml`)!.content);
    const variants = [
      { name: 'before', file: join(import.meta.dirname, 'fixtures', `slo_${slo.name}.before.yml`) },
      { name: 'after', file: after },
    ];
    const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
    for (const v of variants) {
      const copy = join(dir, `data-${v.name}`);
      await cp(data, copy, { recursive: true });
      const p = await startPrometheus(copy, v.file, dir);
      try {
        results[v.name] = await measure(p);
      } finally {
        await stop(p);
        await rm(copy, { recursive: true, force: true });
      }
    }
    console.log(`\nprometheus_rule_group_last_duration_seconds, median of ${EVALS} evaluations every ${INTERVAL_S}s`);
    console.log('| group | before | after | after/before |');
    console.log('|---|---|---|---|');
    const names = [...new Set([...results.before.groups.keys(), ...results.after.groups.keys()])].sort();
    for (const g of names) {
      const b = results.before.groups.get(g);
      const a = results.after.groups.get(g);
      console.log(`| ${g} | ${b ? ms(median(b)) : '—'} | ${a ? ms(median(a)) : '—'} | ${a && b ? (median(a) / median(b)).toFixed(3) : '—'} |`);
    }
    const pb = median(results.before.periodRule);
    const pa = median(results.after.periodRule);
    console.log(`| the ${slo.timeWindow} ratio rule alone (evaluationTime) | ${ms(pb)} | ${ms(pa)} | ${(pa / pb).toFixed(4)} |`);
    console.log(`\nperiod error ratio over the ${DAYS}-day history (all tracks together: ${rawRatio.toFixed(6)} bad/all):`);
    for (const track of Object.keys(results.before.period).sort()) {
      const r = results.after;
      console.log(
        `  ${track}: raw rate() ${results.before.period[track].toFixed(6)}, recorded sums (ours) ${r.period[track]?.toFixed(6)}, ` +
          `average of 5m ratios (Sloth's optimised form) ${r.avgOfRatios[track]?.toFixed(6)}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
