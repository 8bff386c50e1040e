// A small client for the Prometheus HTTP query API (also spoken by VictoriaMetrics,
// Thanos and Mimir). Every request has a timeout, network errors and 5xx are retried
// with backoff, everything stops at one overall deadline, and at most `concurrency`
// requests are in flight. Credentials come from the environment and never appear in
// an error message.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';

export type PrometheusErrorKind =
  /** Connection refused, DNS failure, reset, TLS failure. */
  | 'unreachable'
  /** One attempt took longer than the request timeout. */
  | 'timeout'
  /** The overall deadline passed. */
  | 'deadline'
  /** 4xx: the query or the request is wrong (Prometheus says why). Not retried. */
  | 'bad_request'
  /** 5xx after every retry. */
  | 'server'
  /** A 2xx answer that is not the API's JSON. */
  | 'malformed';

export class PrometheusError extends Error {
  constructor(
    readonly kind: PrometheusErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

export interface PrometheusAuth {
  bearer?: string;
  basic?: { user: string; password: string };
  /** PEM bundle trusted for https. */
  ca?: string | Buffer;
}

export interface PrometheusClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:9090` (a path prefix such as `/prometheus` is kept). */
  url: string;
  auth?: PrometheusAuth;
  /** Per-attempt timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Retries after the first attempt for network errors and 5xx (default 2). */
  retries?: number;
  /** First backoff in ms, doubled per retry (default 250). */
  backoffMs?: number;
  /** Overall deadline in ms from the client's creation (default 60 000). */
  deadlineMs?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
}

/** One series of an instant vector: labels and a value (NaN kept as NaN). */
export interface InstantSample {
  metric: Record<string, string>;
  time: number;
  value: number;
}

/** One series of a range result: labels and [unix seconds, value] points. */
export interface RangeSeries {
  metric: Record<string, string>;
  points: [number, number][];
}

/** Reads PROMETHEUS_TOKEN, PROMETHEUS_USER/PROMETHEUS_PASSWORD and PROMETHEUS_CA. */
export function authFromEnv(env: NodeJS.ProcessEnv = process.env): PrometheusAuth {
  const auth: PrometheusAuth = {};
  if (env.PROMETHEUS_TOKEN) auth.bearer = env.PROMETHEUS_TOKEN;
  else if (env.PROMETHEUS_USER) auth.basic = { user: env.PROMETHEUS_USER, password: env.PROMETHEUS_PASSWORD ?? '' };
  if (env.PROMETHEUS_CA) {
    try {
      auth.ca = readFileSync(env.PROMETHEUS_CA);
    } catch (err) {
      throw new PrometheusError('bad_request', `cannot read PROMETHEUS_CA file ${env.PROMETHEUS_CA}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return auth;
}

/** The URL without user:password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '<invalid URL>';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function parseValue(v: unknown): number {
  // The API encodes sample values as strings: "NaN", "+Inf", "-Inf" or a decimal.
  if (typeof v !== 'string') return Number.NaN;
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

export class PrometheusClient {
  readonly baseUrl: URL;
  /** HTTP requests sent (attempts, including retries). */
  requests = 0;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly deadline: number;
  private readonly concurrency: number;
  private readonly headers: Record<string, string>;
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private inflight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(opts: PrometheusClientOptions) {
    let base: URL;
    try {
      base = new URL(opts.url);
    } catch {
      throw new PrometheusError('bad_request', `not a URL: ${redactUrl(opts.url)}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new PrometheusError('bad_request', `Prometheus URL must be http or https: ${redactUrl(opts.url)}`);
    }
    const auth = { ...opts.auth };
    // user:password in the URL works too, but is moved into a header and out of every message
    if (base.username && !auth.bearer && !auth.basic) {
      auth.basic = { user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) };
    }
    base.username = '';
    base.password = '';
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = opts.retries ?? 2;
    this.backoffMs = opts.backoffMs ?? 250;
    this.deadline = Date.now() + (opts.deadlineMs ?? 60_000);
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.headers = { Accept: 'application/json', 'User-Agent': 'slogate' };
    if (auth.bearer) this.headers.Authorization = `Bearer ${auth.bearer}`;
    else if (auth.basic) this.headers.Authorization = `Basic ${Buffer.from(`${auth.basic.user}:${auth.basic.password}`).toString('base64')}`;
    this.transport = base.protocol === 'https:' ? https : http;
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: this.concurrency, ...(auth.ca ? { ca: auth.ca } : {}) })
        : new http.Agent({ keepAlive: true, maxSockets: this.concurrency });
  }

  /** Where messages may say the answer came from. */
  get displayUrl(): string {
    return this.baseUrl.toString().replace(/\/$/, '');
  }

  /** Instant query at `time` (unix seconds). */
  async query(expr: string, time: number): Promise<InstantSample[]> {
    const data = await this.call('api/v1/query', { query: expr, time: String(time) });
    if (data.resultType === 'scalar') {
      const [t, v] = data.result as [number, string];
      return [{ metric: {}, time: t, value: parseValue(v) }];
    }
    if (data.resultType !== 'vector' || !Array.isArray(data.result)) throw this.malformed('api/v1/query', 'expected a vector');
    return (data.result as { metric?: Record<string, string>; value?: [number, string] }[]).map((s) => {
      if (!s.value || !Array.isArray(s.value)) throw this.malformed('api/v1/query', 'sample without value');
      return { metric: s.metric ?? {}, time: Number(s.value[0]), value: parseValue(s.value[1]) };
    });
  }

  /**
   * Instant query of a range selector (`x[30m]`) at `time`: every raw sample in the range,
   * per series, as the backend stored them.
   */
  async queryRaw(expr: string, time: number): Promise<RangeSeries[]> {
    const data = await this.call('api/v1/query', { query: expr, time: String(time) });
    if (data.resultType !== 'matrix' || !Array.isArray(data.result)) throw this.malformed('api/v1/query', 'expected a matrix');
    return (data.result as { metric?: Record<string, string>; values?: [number, string][] }[]).map((s) => {
      if (!Array.isArray(s.values)) throw this.malformed('api/v1/query', 'series without values');
      return { metric: s.metric ?? {}, points: s.values.map(([t, v]) => [Number(t), parseValue(v)] as [number, number]) };
    });
  }

  /** Range query from `start` to `end` (unix seconds) every `step` seconds. */
  async queryRange(expr: string, start: number, end: number, step: number): Promise<RangeSeries[]> {
    const data = await this.call('api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(step) });
    if (data.resultType !== 'matrix' || !Array.isArray(data.result)) throw this.malformed('api/v1/query_range', 'expected a matrix');
    return (data.result as { metric?: Record<string, string>; values?: [number, string][] }[]).map((s) => {
      if (!Array.isArray(s.values)) throw this.malformed('api/v1/query_range', 'series without values');
      return { metric: s.metric ?? {}, points: s.values.map(([t, v]) => [Number(t), parseValue(v)] as [number, number]) };
    });
  }

  /** GET a JSON document at `path` relative to the base URL, with the same timeouts and retries. */
  async getJson(path: string): Promise<unknown> {
    const res = await this.send('GET', path, undefined);
    try {
      return JSON.parse(res.body);
    } catch {
      throw this.malformed(path, 'not JSON');
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private malformed(path: string, why: string): PrometheusError {
    return new PrometheusError('malformed', `${this.displayUrl}/${path} answered something that is not the Prometheus API (${why})`);
  }

  private async call(path: string, params: Record<string, string>): Promise<{ resultType: string; result: unknown }> {
    const body = new URLSearchParams(params).toString();
    const res = await this.send('POST', path, body);
    let doc: { status?: string; data?: { resultType?: string; result?: unknown }; error?: string };
    try {
      doc = JSON.parse(res.body);
    } catch {
      throw this.malformed(path, 'not JSON');
    }
    if (doc?.status !== 'success' || !doc.data || typeof doc.data.resultType !== 'string') {
      throw this.malformed(path, doc?.error ? `error: ${doc.error}` : 'no data');
    }
    return doc.data as { resultType: string; result: unknown };
  }

  private async acquire(): Promise<void> {
    if (this.inflight < this.concurrency) {
      this.inflight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    // the releasing request handed its slot over: inflight stays the same
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inflight--;
  }

  private async send(method: 'GET' | 'POST', path: string, body: string | undefined): Promise<{ status: number; body: string }> {
    await this.acquire();
    try {
      let lastErr: PrometheusError | undefined;
      let attempts = 0;
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        if (attempt > 0) {
          const wait = this.backoffMs * 2 ** (attempt - 1);
          if (Date.now() + wait >= this.deadline) break;
          await sleep(wait);
        }
        const left = this.deadline - Date.now();
        if (left <= 0) break;
        attempts++;
        try {
          const res = await this.attempt(method, path, body, Math.min(this.timeoutMs, left), left < this.timeoutMs);
          if (res.status >= 200 && res.status < 300) return res;
          const apiError = extractApiError(res.body);
          if (res.status === 401 || res.status === 403) {
            throw new PrometheusError('bad_request', `${this.displayUrl} refused access (HTTP ${res.status}): check PROMETHEUS_TOKEN or PROMETHEUS_USER/PROMETHEUS_PASSWORD`, res.status);
          }
          if (res.status >= 400 && res.status < 500 && res.status !== 429) {
            // the query is wrong: retrying will not fix it (429 is load, and is retried)
            throw new PrometheusError('bad_request', `${this.displayUrl} rejected the query (HTTP ${res.status}${apiError ? `: ${apiError}` : ''})`, res.status);
          }
          lastErr = new PrometheusError('server', `${this.displayUrl} answered HTTP ${res.status}${apiError ? `: ${apiError}` : ''}`, res.status);
        } catch (err) {
          if (!(err instanceof PrometheusError)) throw err;
          if (err.kind === 'bad_request') throw err;
          lastErr = err;
        }
        if (lastErr.kind === 'deadline') break;
      }
      if (!lastErr) throw new PrometheusError('deadline', `${this.displayUrl}: the gate's deadline passed before the request could be sent`);
      if (lastErr.kind === 'deadline') throw lastErr;
      throw new PrometheusError(lastErr.kind, `${lastErr.message} (${attempts} attempt${attempts === 1 ? '' : 's'})`, lastErr.status);
    } finally {
      this.release();
    }
  }

  private attempt(method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number, isDeadline: boolean): Promise<{ status: number; body: string }> {
    this.requests++;
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { ...this.headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      let settled = false;
      const done = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const req = this.transport.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
        res.on('error', (err) => done(() => reject(new PrometheusError('unreachable', `${this.displayUrl}: ${describeNetworkError(err)}`))));
      });
      const timer = setTimeout(() => {
        done(() =>
          reject(
            isDeadline
              ? new PrometheusError('deadline', `${this.displayUrl} did not answer before the gate's deadline`)
              : new PrometheusError('timeout', `${this.displayUrl} did not answer within ${timeoutMs / 1000} s`),
          ),
        );
        req.destroy();
      }, timeoutMs);
      req.on('error', (err) => done(() => reject(new PrometheusError('unreachable', `${this.displayUrl} is unreachable: ${describeNetworkError(err)}`))));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}

function describeNetworkError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}` : err.message;
}

function extractApiError(body: string): string | undefined {
  try {
    const doc = JSON.parse(body);
    if (doc && typeof doc.error === 'string') return doc.errorType ? `${doc.errorType}: ${doc.error}` : doc.error;
  } catch {
    // not JSON: keep the message short rather than echo an HTML page
  }
  return undefined;
}
