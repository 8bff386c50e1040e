// `npm run demo`: the whole canary loop on this machine, narrated for a person watching.
// Two simulated canary instances, a real Prometheus and Alertmanager, the generated rules
// (test variant: `for` durations 60x shorter), then `slogate gate` and `slogate pii-scan`.
// Everything is stopped and removed at the end, also on failure or Ctrl-C.
// `npm run demo -- --hold` keeps the stack up at the end until Ctrl-C, to explore it.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runbook } from '../runbooks/webhook-delivery/index.ts';
import { instanceName } from '../src/cli/commands/simulate.ts';
import { CANARY_TRACK, metrics } from '../src/contract/metrics.ts';
import { successRateCriticalAlert } from '../runbooks/webhook-delivery/alerts.ts';
import { DEFAULT_CANARY_SELECTOR } from '../src/contract/selectors.ts';
import { presets } from '../src/simulator/scenario.ts';
import { startSimulator, type SimulatorInstance } from '../src/simulator/server.ts';
import {
  alertmanagerAlerts,
  instantQuery,
  prometheusAlerts,
  startLiveStack,
  waitFor,
  webhookReceiverConfig,
  type LiveStack,
} from '../test/harness/live-stack.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/slogate');
const FOR_SCALE = 1 / 60;
/** The T+30m checkpoint needs 25 runbook minutes of window: 25 s at the gate's --time-scale. */
const canaryGates = runbook.gates;
const EARLIEST_30M = runbook.checkpoints['30m'].earliestMinutes;
const SCALED_CHECKPOINT_MS = EARLIEST_30M * 60 * FOR_SCALE * 1000;
const MIN_DELIVERIES = canaryGates.minDeliveries;
const WATCHED_ALERT = successRateCriticalAlert.name;
const hold = process.argv.includes('--hold');

const t0 = Date.now();
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);
const clock = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`;
let stepNo = 0;
const STEPS = 6;
function step(text: string) {
  stepNo++;
  console.log(`\n${clock()} ${bold(`Step ${stepNo}/${STEPS}: ${text}`)}`);
}
function say(text: string) {
  console.log(`${' '.repeat(clock().length)} ${text}`);
}
function indent(text: string) {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => `${' '.repeat(clock().length + 3)}${l}`)
    .join('\n');
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 70) : 0, stdout, stderr }),
    );
  });
}

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

let stack: LiveStack | undefined;
/** Stands in for the on-call pager: Alertmanager's webhook notifications land here. */
let pager: Server | undefined;
const paged: { status: string; labels: Record<string, string> }[] = [];
const sims: SimulatorInstance[] = [];
let dir: string | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  return (cleaning ??= (async () => {
    await stack?.stop();
    pager?.closeAllConnections();
    await new Promise((r) => (pager ? pager.close(r) : r(undefined)));
    await Promise.all(sims.map((s) => s.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  })());
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.log(`\n${clock()} Interrupted: stopping everything.`);
    void cleanup().then(() => process.exit(130));
  });
}

async function successRate(window: string): Promise<number | undefined> {
  const q = `sum(rate(${metrics.deliverySuccessTotal.name}${DEFAULT_CANARY_SELECTOR}[${window}])) / sum(rate(${metrics.deliveryTotal.name}${DEFAULT_CANARY_SELECTOR}[${window}]))`;
  const r = await instantQuery(stack!.prometheusUrl, q);
  return r.length ? Number(r[0].value[1]) : undefined;
}

async function deliveriesSince(fromMs: number): Promise<number> {
  const secs = Math.max(1, Math.ceil((Date.now() - fromMs) / 1000));
  const r = await instantQuery(stack!.prometheusUrl, `sum(increase(${metrics.deliveryTotal.name}${DEFAULT_CANARY_SELECTOR}[${secs}s]))`);
  return r.length ? Number(r[0].value[1]) : 0;
}

async function waitForDeliveries(fromMs: number, n: number) {
  say(`Waiting until Prometheus has seen ${n} deliveries ...`);
  await waitFor(`${n} deliveries`, async () => ((await deliveriesSince(fromMs)) >= n ? true : undefined), 60_000);
}

async function gate(startMs: number, extra: string[]) {
  const args = ['gate', '--prometheus', stack!.prometheusUrl, '--start', rfc3339(startMs), '--checkpoint', '30m', '--time-scale', '0.0166667', '--min-deliveries', String(MIN_DELIVERIES), ...extra];
  say(`$ slogate ${args.join(' ').replace(stack!.prometheusUrl, '$PROMETHEUS')}`);
  const r = await cli(args);
  console.log(indent(r.stdout || r.stderr));
  return r.code;
}

async function main() {
  console.log(bold('slogate demo: the canary loop, live, against a real Prometheus and Alertmanager'));
  dir = mkdtempSync(join(tmpdir(), 'slogate-demo-'));
  const log = join(dir, 'canary.jsonl');

  step('generate the alert rules');
  const gen = await cli(['generate', '--out', join(dir, 'generated'), '--for-scale', String(FOR_SCALE)]);
  if (gen.code !== 0) throw new Error(`slogate generate failed: ${gen.stderr}`);
  const rulesDir = join(dir, 'generated', 'prometheus');
  const ruleFiles = readdirSync(rulesDir).map((f) => join(rulesDir, f));
  say(`The same generator as production, with every alert's \`for\` 60x shorter (5m becomes 5s),`);
  say(`so this demo takes about a minute instead of an afternoon. ${ruleFiles.length} rule files.`);

  step('start two canary instances and the monitoring stack');
  for (let i = 1; i <= 2; i++) {
    sims.push(await startSimulator({ instance: instanceName(i), track: CANARY_TRACK, preset: 'healthy', seed: 100 + i, logFile: log }));
  }
  for (const s of sims) say(`${s.instance} (track canary) simulates webhook deliveries at ${s.url}/metrics`);
  const healthyAt = Date.now();
  pager = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      paged.push(...(JSON.parse(body) as { alerts: { status: string; labels: Record<string, string> }[] }).alerts);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => pager!.listen(0, '127.0.0.1', r));
  const pagerUrl = `http://127.0.0.1:${(pager.address() as AddressInfo).port}/alerts`;
  stack = await startLiveStack({
    targets: sims.map((s) => ({ url: s.url, labels: { instance: s.instance, track: s.track } })),
    ruleFiles,
    alertmanagerConfig: webhookReceiverConfig(pagerUrl),
  });
  say(`Prometheus   ${stack.prometheusUrl}  (scrapes every 1s, evaluates rules every 1s)`);
  say(`Alertmanager ${stack.alertmanagerUrl}  (receives Prometheus's alerts, pages ${pagerUrl})`);

  step('healthy canary: the gate should let it continue');
  const h = presets.healthy;
  say(`Each instance sends ${h.deliveriesPerSecond} webhooks/s, ${pct(h.successRate)} succeed, median ${h.latencyP50Ms} ms.`);
  await waitForDeliveries(healthyAt, MIN_DELIVERIES * 1.5);
  say(`The gate runs 60x faster too (--time-scale 0.0166667): the T+30m checkpoint needs`);
  say(`${EARLIEST_30M} minutes of window, ${EARLIEST_30M} seconds here, and a sustained breach is counted in seconds.`);
  await waitFor('the scaled checkpoint window', async () => (Date.now() - healthyAt >= SCALED_CHECKPOINT_MS + 1000 ? true : undefined), 60_000);
  say(`Prometheus sees a success rate of ${pct((await successRate('1m')) ?? NaN)} over the last minute.`);
  const healthyCode = await gate(healthyAt, ['--skip', 'pii']);
  say(healthyCode === 0 ? 'Verdict: continue. Every gate is green; the canary waits for its next checkpoint.' : `Unexpected: the gate exited ${healthyCode}.`);
  const firing = (await prometheusAlerts(stack.prometheusUrl)).filter((a) => a.state === 'firing');
  say(firing.length ? `Alerts firing: ${firing.map((a) => a.labels.alertname).join(', ')}` : 'Alerts firing: none.');

  step('the canary degrades: the alert fires and the gate rolls back');
  const degradedAt = Date.now();
  for (const s of sims) await fetch(`${s.url}/scenario`, { method: 'POST', body: JSON.stringify({ preset: 'degraded' }) });
  say(`POST /scenario {"preset":"degraded"}: now only ${pct(presets.degraded.successRate)} of deliveries succeed`);
  say(`(the runbook rolls back below ${canaryGates.successRate.critical}% sustained for ${canaryGates.successRate.sustainedMinutes} minutes).`);
  let last = '';
  await waitFor(
    `${WATCHED_ALERT} firing`,
    async () => {
      const a = (await prometheusAlerts(stack!.prometheusUrl)).find((x) => x.labels.alertname === WATCHED_ALERT);
      const rate = await successRate('5m');
      if (a && a.state !== last) {
        last = a.state;
        say(`${WATCHED_ALERT} is ${a.state.toUpperCase()} in Prometheus (success rate over 5m: ${pct(rate ?? NaN)})`);
      }
      return a?.state === 'firing' ? a : undefined;
    },
    60_000,
    200,
  );
  const am = await waitFor(
    'the alert in Alertmanager',
    async () => (await alertmanagerAlerts(stack!.alertmanagerUrl)).find((x) => x.labels.alertname === WATCHED_ALERT),
    30_000,
  );
  say(`Alertmanager has it too: ${am.labels.alertname} (severity ${am.labels.severity}, team ${am.labels.team}), state ${am.status.state}.`);
  const page = await waitFor('the page', async () => paged.find((a) => a.labels.alertname === WATCHED_ALERT && a.status === 'firing'), 30_000);
  say(`And it paged the on-call webhook: "${page.labels.alertname}" ${page.status}, severity ${page.labels.severity}.`);
  await waitForDeliveries(degradedAt, MIN_DELIVERIES);
  const degradedCode = await gate(degradedAt, ['--skip', 'pii']);
  say(degradedCode === 1 ? 'Verdict: rollback.' : `Unexpected: the gate exited ${degradedCode}.`);

  step('the canary leaks personal data into its logs');
  const leakAt = Date.now();
  for (const s of sims) await fetch(`${s.url}/scenario`, { method: 'POST', body: JSON.stringify({ preset: 'pii-leak' }) });
  say(`POST /scenario {"preset":"pii-leak"}: metrics are healthy again, but ${pct(presets['pii-leak'].piiRate)} of log lines leak an email, IP, phone, card or username.`);
  await waitForDeliveries(leakAt, MIN_DELIVERIES);
  const planted = sims.reduce((n, s) => n + s.simulation.stats.piiLines, 0);
  say(`The simulator has planted ${planted} leaking lines so far. Scanning the log:`);
  say('$ slogate pii-scan canary.jsonl');
  const scan = await cli(['pii-scan', log]);
  console.log(indent(scan.stdout || scan.stderr));
  const leakCode = await gate(leakAt, ['--logs', log]);
  say(leakCode === 1 ? 'Verdict: rollback. Any PII leak is an immediate rollback.' : `Unexpected: the gate exited ${leakCode}.`);

  if (hold) {
    say(`\nHolding: Prometheus ${stack.prometheusUrl}, Alertmanager ${stack.alertmanagerUrl}, simulator ${sims[0].url}. Ctrl-C to stop.`);
    await new Promise(() => {});
  }
  step('clean up');
  await cleanup();
  say('Stopped Prometheus, Alertmanager and both simulated instances; removed the temporary files.');
  const ok = degradedCode === 1 && leakCode === 1 && healthyCode === 0;
  console.log(
    `\n${clock()} ${bold(ok ? 'Done: the healthy canary may continue; the degraded and the leaking canary were rolled back.' : 'Done, but a verdict was not what the demo expected (see above).')}`,
  );
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (err: unknown) => {
    console.error(`\n${clock()} demo failed: ${(err as Error).message}`);
    await cleanup();
    process.exit(1);
  },
);
