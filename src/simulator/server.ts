// One simulated delivery-service instance: the engine on a timer, its metrics on
// /metrics through the instrumentation module, its delivery log as JSON lines, and
// /scenario to read or change what it does while it runs.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createDeliveryMetrics, metricsHandler, type DeliveryMetrics } from '../instrument/index.ts';
import { deliveryLogLine, Simulation, type StepResult } from './engine.ts';
import { faultReaches, faults, FAULT_NAMES, isFaultName, type FaultName } from './faults.ts';
import { applyScenarioPatch, presets, ScenarioError, type PresetName, type Scenario } from './scenario.ts';

export interface SimulatorOptions {
  instance: string;
  track: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  preset?: PresetName;
  /** Changes on top of the preset. */
  overrides?: Partial<Scenario>;
  seed?: number;
  /** Append JSON-lines delivery logs here. */
  logFile?: string;
  /** Length of one simulation step. */
  tickMs?: number;
  /** A fault active from the start (applied only if it reaches this instance's track). */
  fault?: FaultName;
}

export interface SimulatorInstance {
  readonly instance: string;
  readonly track: string;
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  readonly metrics: DeliveryMetrics;
  readonly simulation: Simulation;
  preset(): PresetName | 'custom';
  /** The active fault that reaches this instance, or null. */
  fault(): FaultName | null;
  /** Starts a fault (a no-op on a track it does not reach), or clears it with null. Returns whether it applies here. */
  setFault(name: FaultName | null): boolean;
  stop(): Promise<void>;
}

// A process that was suspended should not replay minutes of traffic in one burst.
const MAX_CATCH_UP_STEPS = 100;
const MAX_BODY_BYTES = 64 * 1024;

export async function startSimulator(options: SimulatorOptions): Promise<SimulatorInstance> {
  const tickMs = options.tickMs ?? 100;
  let presetName: PresetName | 'custom' = options.preset ?? 'healthy';
  const initial = applyScenarioPatch(presets[options.preset ?? 'healthy'], options.overrides ?? {});
  if (options.overrides && Object.keys(options.overrides).length) presetName = 'custom';
  const startMs = Date.now();
  const sim = new Simulation(initial.scenario, options.seed ?? Math.floor(Math.random() * 2 ** 32), startMs);
  const metrics = createDeliveryMetrics({ track: options.track, instance: options.instance });
  const ctx = { instance: options.instance, track: options.track };

  let logFd: number | undefined;
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    logFd = openSync(options.logFile, 'a');
  }

  const publish = (r: StepResult) => {
    const lines: string[] = [];
    for (const d of r.completed) {
      metrics.recordDelivery({ outcome: d.outcome, durationSeconds: d.durationSeconds, attempts: d.attempts });
      if (logFd !== undefined) lines.push(deliveryLogLine(d, ctx));
    }
    for (const ep of r.circuitOpens) metrics.circuitOpened(ep);
    for (const c of r.circuitChanges) metrics.setCircuitState(c.endpoint, c.state);
    if (r.rateLimited) metrics.rateLimited(r.rateLimited);
    metrics.setQueueDepth(r.queueDepth);
    metrics.setDlqSize(r.dlqSize);
    metrics.setInflight(r.inflight);
    metrics.setRateLimit(sim.scenario.rateLimitQps);
    // Written synchronously per step, so a reader never sees a torn line and the
    // stats never count a line that is not on disk yet.
    if (logFd !== undefined && lines.length) writeSync(logFd, lines.join('\n') + '\n');
  };
  for (const c of sim.circuitStates()) metrics.setCircuitState(c.endpoint, c.state);
  metrics.setRateLimit(sim.scenario.rateLimitQps);

  let stepsDone = 0;
  const tick = () => {
    const due = Math.floor((Date.now() - startMs) / tickMs);
    let n = Math.min(due - stepsDone, MAX_CATCH_UP_STEPS);
    stepsDone = Math.max(stepsDone, due - MAX_CATCH_UP_STEPS);
    for (; n > 0; n--, stepsDone++) publish(sim.step(tickMs));
  };
  const timer = setInterval(tick, tickMs);

  const serveMetrics = metricsHandler(metrics);
  // a fault patches the scenario; clearing it restores what ran before
  let activeFault: FaultName | null = null;
  let beforeFault: Scenario | null = null;
  const setFault = (name: FaultName | null): boolean => {
    tick(); // traffic up to now ran without the change
    if (beforeFault) sim.scenario = beforeFault;
    beforeFault = null;
    activeFault = null;
    if (name === null || !faultReaches(faults[name], options.track)) return false;
    beforeFault = sim.scenario;
    sim.scenario = applyScenarioPatch(sim.scenario, faults[name].patch).scenario;
    activeFault = name;
    return true;
  };
  if (options.fault) setFault(options.fault);

  const describe = () => ({
    instance: options.instance,
    track: options.track,
    preset: presetName,
    fault: activeFault,
    scenario: sim.scenario,
    stats: sim.stats,
  });
  const json = (res: ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body) + '\n');

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') return serveMetrics(req, res);
    if (path === '/healthz') return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (path === '/scenario' && req.method === 'GET') {
      tick(); // answer with stats up to now
      return json(res, 200, describe());
    }
    if (path === '/scenario' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
      });
      req.on('end', () => {
        if (size > MAX_BODY_BYTES) return json(res, 413, { error: `body over ${MAX_BODY_BYTES} bytes` });
        let patch: unknown;
        try {
          patch = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return json(res, 400, { error: 'body is not valid JSON' });
        }
        try {
          tick(); // traffic up to now ran under the old scenario
          const next = applyScenarioPatch(sim.scenario, patch);
          sim.scenario = next.scenario;
          presetName = next.preset && Object.keys(patch as object).length === 1 ? next.preset : 'custom';
          return json(res, 200, describe());
        } catch (err) {
          if (err instanceof ScenarioError) return json(res, 400, { error: err.message });
          throw err;
        }
      });
      return;
    }
    if (path === '/fault' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY_BYTES));
        } catch {
          return json(res, 400, { error: 'body is not valid JSON' });
        }
        const name = (body as { fault?: unknown } | null)?.fault;
        if (name !== null && (typeof name !== 'string' || !isFaultName(name))) {
          return json(res, 400, { error: `unknown fault ${JSON.stringify(name)} (known: ${FAULT_NAMES.join(', ')}, or null to clear)` });
        }
        const applies = setFault(name);
        return json(res, 200, { ...describe(), applies });
      });
      return;
    }
    if (path === '/scenario') return res.writeHead(405, { allow: 'GET, POST' }).end();
    if (path === '/') {
      return res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(`slogate simulator ${options.instance} (track ${options.track})\nGET /metrics\nGET /scenario\nPOST /scenario {"successRate":0.8}\nPOST /fault {"fault":"receiver-db-down"} (or null)\n`);
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    clearInterval(timer);
    if (logFd !== undefined) closeSync(logFd);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let stopped: Promise<void> | undefined;
  return {
    instance: options.instance,
    track: options.track,
    url: `http://${urlHost}:${port}`,
    port,
    metrics,
    simulation: sim,
    preset: () => presetName,
    fault: () => activeFault,
    setFault,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => {
          if (logFd !== undefined) closeSync(logFd);
          resolve();
        });
      });
      return stopped;
    },
  };
}
