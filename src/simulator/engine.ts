// The simulated delivery service as a pure state machine on a simulated clock: given a
// seed, a scenario and a number of fixed steps, it produces the same deliveries every time.
// The server (server.ts) drives it from a timer and publishes what it produces.
import { SCRAPE_JOB } from '../contract/metrics.ts';
import type { CircuitState } from '../instrument/index.ts';
import { plantLeak, type PlantedLeak } from './pii.ts';
import { Random } from './random.ts';
import type { Scenario } from './scenario.ts';

export interface Delivery {
  id: string;
  traceId: string;
  endpoint: string;
  eventType: string;
  outcome: 'success' | 'failure';
  attempts: number;
  durationSeconds: number;
  /** HTTP status of the last attempt. */
  status: number;
  payloadBytes: number;
  startedAtMs: number;
  completedAtMs: number;
  /** Set when this delivery's log line leaks PII. */
  leak?: PlantedLeak;
}

export interface StepResult {
  completed: Delivery[];
  circuitOpens: string[];
  circuitChanges: { endpoint: string; state: CircuitState }[];
  rateLimited: number;
  queueDepth: number;
  dlqSize: number;
  inflight: number;
}

export interface SimulationStats {
  deliveries: number;
  successes: number;
  failures: number;
  circuitOpens: number;
  rateLimited: number;
  /** Log lines carrying planted PII, per category. */
  piiLines: number;
  piiByCategory: Record<string, number>;
}

const EVENT_TYPES = ['invoice.paid', 'invoice.payment_failed', 'customer.updated', 'subscription.renewed', 'order.shipped'];
const SUCCESS_STATUSES = [200, 200, 200, 202, 204];
const FAILURE_STATUSES = [500, 502, 503, 504, 429];
// No vowels, few digits: ids never spell words or long digit runs that look like PII.
const ID_ALPHABET = 'bcdfghjkmnpqrstvwxz0123456789';

export function endpointName(i: number): string {
  return `receiver-${i + 1}.example.com`;
}

interface Breaker {
  state: CircuitState;
  untilMs: number;
}

export class Simulation {
  scenario: Scenario;
  readonly stats: SimulationStats = {
    deliveries: 0,
    successes: 0,
    failures: 0,
    circuitOpens: 0,
    rateLimited: 0,
    piiLines: 0,
    piiByCategory: {},
  };
  private readonly rng: Random;
  private nowMs: number;
  private queue = 0;
  private tokens: number;
  private dlq = 0;
  private inflight: Delivery[] = [];
  private breakers = new Map<string, Breaker>();
  private seq = 0;

  constructor(scenario: Scenario, seed: number, startMs: number) {
    this.scenario = scenario;
    this.rng = new Random(seed);
    this.nowMs = startMs;
    this.tokens = scenario.rateLimitBurst;
  }

  get clockMs(): number {
    return this.nowMs;
  }

  private newId(): string {
    let s = '';
    for (let i = 0; i < 12; i++) s += ID_ALPHABET[this.rng.int(ID_ALPHABET.length)];
    return `dlv_${s}`;
  }

  private breaker(endpoint: string): Breaker {
    let b = this.breakers.get(endpoint);
    if (!b) this.breakers.set(endpoint, (b = { state: 'closed', untilMs: 0 }));
    return b;
  }

  private startDelivery(): Delivery {
    const sc = this.scenario;
    const rng = this.rng;
    const success = rng.chance(sc.successRate);
    let attempts = 1;
    if (!success) attempts = sc.maxAttempts;
    else if (sc.maxAttempts > 1 && rng.chance(sc.retryRate)) {
      attempts = 2;
      while (attempts < sc.maxAttempts && rng.chance(0.3)) attempts++;
    }
    const durationSeconds = rng.logNormal(sc.latencyP50Ms, sc.latencyP95Ms) / 1000;
    this.seq++;
    return {
      id: this.newId(),
      traceId: rng.uuid(),
      endpoint: endpointName(rng.int(sc.endpoints)),
      eventType: rng.pick(EVENT_TYPES),
      outcome: success ? 'success' : 'failure',
      attempts,
      durationSeconds,
      status: rng.pick(success ? SUCCESS_STATUSES : FAILURE_STATUSES),
      payloadBytes: 200 + rng.int(4000),
      startedAtMs: this.nowMs,
      completedAtMs: this.nowMs + durationSeconds * 1000,
    };
  }

  /** Advances the simulated clock by `dtMs` and returns what happened in that step. */
  step(dtMs: number): StepResult {
    const sc = this.scenario;
    const rng = this.rng;
    const dt = dtMs / 1000;
    this.nowMs += dtMs;

    // Token bucket in front of the senders: jobs that arrive while it is empty wait in the queue.
    this.tokens = Math.min(sc.rateLimitBurst, this.tokens + sc.rateLimitQps * dt);
    const arrivals = rng.poisson(sc.deliveriesPerSecond * dt);
    this.queue += arrivals;
    const free = Math.max(0, sc.maxInflight - this.inflight.length);
    const wanting = Math.min(this.queue, free);
    const starting = Math.min(wanting, Math.floor(this.tokens));
    const rateLimited = Math.min(arrivals, wanting - starting);
    this.tokens -= starting;
    this.queue -= starting;
    for (let i = 0; i < starting; i++) this.inflight.push(this.startDelivery());

    const completed = this.inflight.filter((d) => d.completedAtMs <= this.nowMs).sort((a, b) => a.completedAtMs - b.completedAtMs);
    if (completed.length) this.inflight = this.inflight.filter((d) => d.completedAtMs > this.nowMs);
    for (const d of completed) {
      if (d.outcome === 'failure') this.dlq++;
      if (sc.piiRate > 0 && rng.chance(sc.piiRate)) {
        d.leak = plantLeak(rng);
        this.stats.piiLines++;
        this.stats.piiByCategory[d.leak.category] = (this.stats.piiByCategory[d.leak.category] ?? 0) + 1;
      }
      this.stats.deliveries++;
      if (d.outcome === 'success') this.stats.successes++;
      else this.stats.failures++;
    }
    this.dlq -= Math.min(this.dlq, rng.poisson(sc.dlqDrainPerSecond * dt));

    // Breakers: trips arrive at the scenario's rate; open -> half-open after the timeout,
    // half-open -> closed after one second of probe traffic.
    const circuitOpens: string[] = [];
    const circuitChanges: StepResult['circuitChanges'] = [];
    for (let i = 0; i < sc.endpoints; i++) {
      const ep = endpointName(i);
      const b = this.breaker(ep);
      const down = i < sc.downEndpoints;
      if (down && b.state !== 'open' && (b.state === 'closed' || b.untilMs <= this.nowMs)) {
        // the receiver is down: a closed breaker trips at once, a half-open probe fails
        Object.assign(b, { state: 'open', untilMs: this.nowMs + sc.circuitOpenSeconds * 1000 });
        circuitOpens.push(ep);
      } else if (b.state !== 'closed' && b.untilMs <= this.nowMs) {
        b.state = b.state === 'open' ? 'halfOpen' : 'closed';
        b.untilMs = this.nowMs + 1000;
        circuitChanges.push({ endpoint: ep, state: b.state });
      }
    }
    const trips = rng.poisson((sc.circuitOpensPerMinute / 60) * dt);
    for (let i = 0; i < trips; i++) {
      const closed = Array.from({ length: sc.endpoints }, (_, j) => endpointName(j)).filter((ep) => this.breaker(ep).state !== 'open');
      if (!closed.length) break;
      const ep = rng.pick(closed);
      Object.assign(this.breaker(ep), { state: 'open', untilMs: this.nowMs + sc.circuitOpenSeconds * 1000 });
      circuitOpens.push(ep);
    }
    this.stats.circuitOpens += circuitOpens.length;
    this.stats.rateLimited += rateLimited;

    return {
      completed,
      circuitOpens,
      circuitChanges,
      rateLimited,
      queueDepth: this.queue,
      dlqSize: this.dlq,
      inflight: this.inflight.length,
    };
  }

  /** Breaker states for every endpoint of the current scenario (for the state gauge). */
  circuitStates(): { endpoint: string; state: CircuitState }[] {
    return Array.from({ length: this.scenario.endpoints }, (_, i) => {
      const endpoint = endpointName(i);
      return { endpoint, state: this.breaker(endpoint).state };
    });
  }
}

export interface LogContext {
  instance: string;
  track: string;
}

/** One JSON line per finished delivery, in the shape a Node delivery service would log. */
export function deliveryLogLine(d: Delivery, ctx: LogContext): string {
  const line: Record<string, unknown> = {
    ts: new Date(d.completedAtMs).toISOString(),
    level: d.outcome === 'success' ? 'info' : 'warn',
    msg: d.outcome === 'success' ? 'webhook delivered' : 'webhook delivery failed, moved to DLQ',
    service: SCRAPE_JOB,
    instance: ctx.instance,
    track: ctx.track,
    delivery_id: d.id,
    trace_id: d.traceId,
    event_type: d.eventType,
    endpoint: `https://${d.endpoint}/webhooks`,
    outcome: d.outcome,
    status: d.status,
    attempts: d.attempts,
    duration_ms: Math.round(d.durationSeconds * 1000),
    payload_bytes: d.payloadBytes,
  };
  if (d.leak) line[d.leak.field] = d.leak.value;
  return JSON.stringify(line);
}
