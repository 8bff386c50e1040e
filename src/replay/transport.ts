// The HTTP edge of `slogate replay`. The recovery API client only sees the `Transport`
// interface, so the node:http implementation here can be swapped for the shared transport.
// Replays are not idempotent: nothing is retried except a 429, which the server refused
// before doing anything, and then only after the Retry-After it asked for.
import http from 'node:http';
import https from 'node:https';

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
}

export interface HttpResponse {
  status: number;
  body: string;
  /** Milliseconds from the first attempt to the last byte, 429 waits included. */
  ms: number;
  /** 429 answers waited out before this one. */
  rateLimited: number;
}

export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>;
}

export type TransportErrorKind = 'unreachable' | 'timeout' | 'rate_limited' | 'interrupted';

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface NodeTransportOptions {
  baseUrl: string;
  token: string;
  requestId: string;
  timeoutMs: number;
  rateLimitRetries: number;
  maxRetryAfterMs: number;
  /** Aborts a 429 wait (Ctrl-C); a request already sent is always let finish. */
  signal?: AbortSignal;
}

/** Seconds or an HTTP date, as a delay in ms (undefined when absent or unreadable). */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function buildUrl(base: URL, path: string, query?: HttpRequest['query']): URL {
  const prefix = base.pathname.replace(/\/$/, '');
  const u = new URL(base.origin + prefix + path);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
  return u;
}

export class NodeTransport implements Transport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly lib: typeof http | typeof https;
  /** Requests put on the wire (429s included). */
  sent = 0;

  constructor(private readonly opts: NodeTransportOptions) {
    let u: URL;
    try {
      u = new URL(opts.baseUrl);
    } catch {
      throw new TransportError('unreachable', `not a URL: '${opts.baseUrl}'`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TransportError('unreachable', `not an http(s) URL: '${opts.baseUrl}'`);
    if (u.username || u.password) throw new TransportError('unreachable', 'the API URL must not carry credentials; the token comes from the environment');
    this.base = u;
    this.lib = u.protocol === 'https:' ? https : http;
    this.agent = new this.lib.Agent({ keepAlive: true, maxSockets: 4 });
  }

  close(): void {
    this.agent.destroy();
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const started = performance.now();
    let rateLimited = 0;
    for (;;) {
      const r = await this.once(req);
      if (r.status !== 429) return { status: r.status, body: r.body, ms: Math.round(performance.now() - started), rateLimited };
      const wait = retryAfterMs(r.retryAfter) ?? 1000;
      if (rateLimited >= this.opts.rateLimitRetries) {
        throw new TransportError('rate_limited', `rate limited (429) ${rateLimited + 1} times on ${req.method} ${req.path}; try again later`);
      }
      if (wait > this.opts.maxRetryAfterMs) {
        throw new TransportError('rate_limited', `rate limited (429) on ${req.method} ${req.path} with Retry-After ${Math.round(wait / 1000)}s, longer than the ${Math.round(this.opts.maxRetryAfterMs / 1000)}s allowed`);
      }
      rateLimited++;
      await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const signal = this.opts.signal;
      if (signal?.aborted) return reject(new TransportError('interrupted', 'interrupted'));
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new TransportError('interrupted', 'interrupted while waiting out a 429'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private once(req: HttpRequest): Promise<{ status: number; body: string; retryAfter?: string }> {
    const url = buildUrl(this.base, req.path, req.query);
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.opts.token}`,
      'x-request-id': this.opts.requestId,
    };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    this.sent++;
    return new Promise((resolve, reject) => {
      const r = this.lib.request(url, { method: req.method, headers, agent: this.agent, timeout: this.opts.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ra = res.headers['retry-after'];
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), retryAfter: Array.isArray(ra) ? ra[0] : ra });
        });
        res.on('error', (err) => reject(new TransportError('unreachable', `${req.method} ${req.path}: ${err.message}`)));
      });
      r.on('timeout', () => r.destroy(new TransportError('timeout', `${req.method} ${req.path} took longer than ${this.opts.timeoutMs} ms`)));
      r.on('error', (err) => {
        if (err instanceof TransportError) reject(err);
        else reject(new TransportError('unreachable', `${req.method} ${url.origin}${req.path}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      });
      r.end(payload);
    });
  }
}
