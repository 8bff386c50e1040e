// The one HTTP transport every backend client uses (Prometheus, Alertmanager, Grafana,
// Loki), on axios: a timeout per attempt, retries with doubling backoff for network errors,
// timeouts, 429 and 5xx, one overall deadline, at most `concurrency` requests in flight,
// and one credentials rule. Node's http adapter is used, so nock intercepts it in tests.
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance } from 'axios';

export type TransportErrorKind =
  /** Connection refused, DNS failure, reset, TLS failure. */
  | 'unreachable'
  /** One attempt took longer than the request timeout. */
  | 'timeout'
  /** The overall deadline passed. */
  | 'deadline'
  /** 429 or 5xx after every retry. */
  | 'server';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    readonly status?: number,
    /** The last answer's body, for a caller that reads the backend's own error text. */
    readonly body?: string,
    /** Attempts made before giving up. */
    readonly attempts?: number,
    /** The network error's code (ECONNREFUSED, ENOTFOUND, a TLS code), for `unreachable`. */
    readonly code?: string,
    /** The last answer's headers (lower-case names), with `body`. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface Credentials {
  bearer?: string;
  basic?: { user: string; password: string };
  /** PEM bundle trusted for https (a private CA), through the https.Agent. */
  ca?: string | Buffer;
}

export interface TransportOptions {
  /** Base URL; a path prefix (`/prometheus`) is kept. user:password in it become a header. */
  url: string;
  credentials?: Credentials;
  /** Per-attempt timeout in ms (default 10 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 2). 0 sends each request once. */
  retries?: number;
  /** First backoff in ms, doubled per retry (default 250). A `Retry-After` answer waits longer. */
  backoffMs?: number;
  /** Overall deadline in ms from the transport's creation (default 60 000). */
  deadlineMs?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Whose deadline messages name (default "the deadline"; the gate says "the gate's deadline"). */
  deadlineName?: string;
  /** Headers every request carries (Accept, for instance). */
  headers?: Record<string, string>;
}

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the base URL (no leading slash), or a URL object on the same origin. */
  path: string | URL;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** `binary` answers a Buffer (images); the default answers text. */
  as?: 'text' | 'binary';
  /** Statuses to retry besides network errors and timeouts (default: 429 and 5xx). */
  retryOn?: (status: number) => boolean;
}

export interface TransportResponse<B = string> {
  status: number;
  headers: Record<string, string>;
  body: B;
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
const retryable = (status: number) => status === 429 || status >= 500;

function describeNetworkError(err: unknown): string {
  const e = err as AxiosError & { cause?: { code?: string } };
  return e.code && e.code !== 'ERR_BAD_RESPONSE' && e.code !== 'ERR_NETWORK' ? e.code : (e.cause?.code ?? e.message);
}

/** Seconds or an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

export class HttpTransport {
  readonly baseUrl: URL;
  /** HTTP requests sent (attempts, including retries). */
  requests = 0;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly deadline: number;
  private readonly concurrency: number;
  private readonly deadlineName: string;
  private readonly authorization: string | undefined;
  private readonly agent: http.Agent;
  private readonly client: AxiosInstance;
  private readonly headers: Record<string, string>;
  private inflight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(opts: TransportOptions) {
    const base = new URL(opts.url); // callers check the URL and say what it was for
    const creds = { ...opts.credentials };
    // user:password in the URL works too, but is moved into a header and out of every message
    if (base.username && !creds.bearer && !creds.basic) {
      creds.basic = { user: decodeURIComponent(base.username), password: decodeURIComponent(base.password) };
    }
    base.username = '';
    base.password = '';
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = Math.max(0, opts.retries ?? 2);
    this.backoffMs = opts.backoffMs ?? 250;
    this.deadline = Date.now() + (opts.deadlineMs ?? 60_000);
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
    this.deadlineName = opts.deadlineName ?? 'the deadline';
    this.headers = { 'User-Agent': 'slogate', ...opts.headers };
    if (creds.bearer) this.authorization = `Bearer ${creds.bearer}`;
    else if (creds.basic) this.authorization = `Basic ${Buffer.from(`${creds.basic.user}:${creds.basic.password}`).toString('base64')}`;
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, maxSockets: this.concurrency, ...(creds.ca ? { ca: creds.ca } : {}) })
        : new http.Agent({ keepAlive: true, maxSockets: this.concurrency });
    this.client = axios.create({
      adapter: 'http',
      httpAgent: base.protocol === 'http:' ? this.agent : undefined,
      httpsAgent: base.protocol === 'https:' ? this.agent : undefined,
      // the credentials rule: never follow a redirect (it could carry them to another host),
      // never use a proxy from the environment, never send them to another origin
      maxRedirects: 0,
      proxy: false,
      validateStatus: () => true,
      transformResponse: [(d: unknown) => d],
    });
  }

  /** Where messages may say the answer came from (no credentials). */
  get displayUrl(): string {
    return this.baseUrl.toString().replace(/\/$/, '');
  }

  /** One request with the retry, timeout and deadline policy. Any status that is not retried is answered. */
  async send(req: TransportRequest & { as: 'binary' }): Promise<TransportResponse<Buffer>>;
  async send(req: TransportRequest): Promise<TransportResponse<string>>;
  async send(req: TransportRequest): Promise<TransportResponse<string | Buffer>> {
    const url = typeof req.path === 'string' ? new URL(req.path, this.baseUrl) : req.path;
    if (url.origin !== this.baseUrl.origin) throw new Error(`refusing to send credentials for ${this.displayUrl} to ${redactUrl(url.toString())}`);
    const retryOn = req.retryOn ?? retryable;
    await this.acquire();
    try {
      let last: TransportError | undefined;
      let waitHint: number | undefined;
      let attempts = 0;
      for (let attempt = 0; attempt <= this.retries; attempt++) {
        if (attempt > 0) {
          // a server's Retry-After is honoured up to 30 s
          const wait = Math.max(this.backoffMs * 2 ** (attempt - 1), Math.min(waitHint ?? 0, 30_000));
          if (Date.now() + wait >= this.deadline) break;
          await sleep(wait);
        }
        const left = this.deadline - Date.now();
        if (left <= 0) break;
        attempts++;
        try {
          const res = await this.attempt(url, req, Math.min(this.timeoutMs, left), left < this.timeoutMs);
          if (!retryOn(res.status)) return res;
          const text = Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.body;
          waitHint = retryAfterMs(res.headers['retry-after']);
          last = new TransportError('server', `${this.displayUrl} answered HTTP ${res.status}`, res.status, text, undefined, undefined, res.headers);
        } catch (err) {
          if (!(err instanceof TransportError)) throw err;
          last = err;
          waitHint = undefined;
        }
        if (last.kind === 'deadline') break;
      }
      if (!last) throw new TransportError('deadline', `${this.displayUrl}: ${this.deadlineName} passed before the request could be sent`);
      if (last.kind === 'deadline') throw last;
      throw new TransportError(last.kind, `${last.message} (${attempts} attempt${attempts === 1 ? '' : 's'})`, last.status, last.body, attempts, last.code, last.headers);
    } finally {
      this.release();
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private async attempt(url: URL, req: TransportRequest, timeoutMs: number, isDeadline: boolean): Promise<TransportResponse<string | Buffer>> {
    this.requests++;
    const headers: Record<string, string> = { ...this.headers, ...req.headers };
    if (this.authorization) headers.Authorization = this.authorization;
    if (req.body !== undefined) headers['Content-Type'] = req.contentType ?? 'application/x-www-form-urlencoded';
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    try {
      const res = await this.client.request({
        url: url.toString(),
        method: req.method,
        headers,
        data: req.body,
        responseType: req.as === 'binary' ? 'arraybuffer' : 'text',
        signal: abort.signal,
      });
      const body = req.as === 'binary' ? Buffer.from(res.data as ArrayBuffer) : typeof res.data === 'string' ? res.data : String(res.data ?? '');
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
      return { status: res.status, headers: out, body };
    } catch (err) {
      if (timedOut || axios.isCancel(err)) {
        throw isDeadline
          ? new TransportError('deadline', `${this.displayUrl} did not answer before ${this.deadlineName}`)
          : new TransportError('timeout', `${this.displayUrl} did not answer within ${timeoutMs / 1000} s`);
      }
      const code = describeNetworkError(err);
      throw new TransportError('unreachable', `${this.displayUrl} is unreachable: ${code}`, undefined, undefined, undefined, code);
    } finally {
      clearTimeout(timer);
    }
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
}
