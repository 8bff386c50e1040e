// A small client for the Prometheus HTTP query API (also spoken by VictoriaMetrics,
// Thanos and Mimir), on the shared transport (src/http/transport.ts): its timeout, retry,
// deadline and concurrency policy and its credentials rule. Credentials come from the
// environment and never appear in an error message.
import { readFileSync } from 'node:fs';
import { HttpTransport, TransportError, redactUrl } from '../http/transport.ts';

export { redactUrl };

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


function parseValue(v: unknown): number {
  // The API encodes sample values as strings: "NaN", "+Inf", "-Inf" or a decimal.
  if (typeof v !== 'string') return Number.NaN;
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

export class PrometheusClient {
  private readonly transport: HttpTransport;

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
    this.transport = new HttpTransport({
      url: opts.url,
      credentials: opts.auth,
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      backoffMs: opts.backoffMs,
      deadlineMs: opts.deadlineMs,
      concurrency: opts.concurrency,
      deadlineName: "the gate's deadline",
      headers: { Accept: 'application/json' },
    });
  }

  get baseUrl(): URL {
    return this.transport.baseUrl;
  }

  /** HTTP requests sent (attempts, including retries). */
  get requests(): number {
    return this.transport.requests;
  }

  /** Where messages may say the answer came from. */
  get displayUrl(): string {
    return this.transport.displayUrl;
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
    this.transport.close();
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

  /** The transport's answer, with Prometheus's meaning of each status: 4xx is our mistake and never retried. */
  private async send(method: 'GET' | 'POST', path: string, body: string | undefined): Promise<{ status: number; body: string }> {
    let res;
    try {
      res = await this.transport.send({ method, path, body });
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      if (err.kind === 'server') {
        const apiError = err.body === undefined ? undefined : extractApiError(err.body);
        const n = err.attempts ?? 1;
        throw new PrometheusError('server', `${this.displayUrl} answered HTTP ${err.status}${apiError ? `: ${apiError}` : ''} (${n} attempt${n === 1 ? '' : 's'})`, err.status);
      }
      throw new PrometheusError(err.kind, err.message, err.status);
    }
    if (res.status >= 200 && res.status < 300) return res;
    if (res.status === 401 || res.status === 403) {
      throw new PrometheusError('bad_request', `${this.displayUrl} refused access (HTTP ${res.status}): check PROMETHEUS_TOKEN or PROMETHEUS_USER/PROMETHEUS_PASSWORD`, res.status);
    }
    // the query is wrong: retrying will not fix it (429 and 5xx are load, and the transport retried them)
    const apiError = extractApiError(res.body);
    throw new PrometheusError('bad_request', `${this.displayUrl} rejected the query (HTTP ${res.status}${apiError ? `: ${apiError}` : ''})`, res.status);
  }
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
