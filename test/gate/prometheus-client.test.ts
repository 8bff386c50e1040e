// Faults a real Prometheus will not show on demand: 5xx then success, malformed
// answers, slow answers, 4xx, and what is sent for credentials.
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient, PrometheusError, authFromEnv, redactUrl } from '../../src/prometheus/client.ts';
import { runGate } from '../../src/gate/index.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';
import { expectedAlertGroup } from '../../src/rules/loaded.ts';

const URL_ = 'http://prom.test:9090';

/** `/api/v1/rules` as a Prometheus running the generated alert groups answers it, evaluated just now. */
function loadedRules() {
  const now = new Date().toISOString();
  return {
    status: 'success',
    data: {
      groups: flagship.alertGroups.map((g) => {
        const e = expectedAlertGroup(g, { ownerLabels: flagship.ownerLabels });
        return {
          name: e.name,
          file: `/etc/prometheus/rules/${e.name}_alerts.yml`,
          interval: 60,
          lastEvaluation: now,
          rules: e.rules.map((r) => ({ type: r.type, name: r.name, query: r.expr, duration: r.forSeconds, labels: r.labels, health: 'ok', lastError: '', lastEvaluation: now })),
        };
      }),
    },
  };
}
const vector = (value: string, metric: Record<string, string> = {}) => ({ status: 'success', data: { resultType: 'vector', result: [{ metric, value: [1700000000, value] }] } });

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

const client = (extra: Partial<ConstructorParameters<typeof PrometheusClient>[0]> = {}) => new PrometheusClient({ url: URL_, backoffMs: 5, ...extra });

describe('PrometheusClient', () => {
  it('retries a 5xx and returns the answer that follows', async () => {
    nock(URL_).post('/api/v1/query').reply(503, 'overloaded').post('/api/v1/query').reply(200, vector('42'));
    const c = client();
    const r = await c.query('up', 1700000000);
    expect(r[0].value).toBe(42);
    expect(c.requests).toBe(2);
  });

  it('gives up after the bounded retries on 5xx', async () => {
    const scope = nock(URL_).post('/api/v1/query').times(3).reply(500, { status: 'error', errorType: 'internal', error: 'boom' });
    const c = client({ retries: 2 });
    await expect(c.query('up', 1)).rejects.toMatchObject({ kind: 'server', message: expect.stringMatching(/HTTP 500: internal: boom.*3 attempts/) });
    expect(c.requests).toBe(3);
    expect(scope.isDone()).toBe(true);
  });

  it('does not retry a 400 and passes Prometheus’s message on', async () => {
    nock(URL_).post('/api/v1/query').reply(400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 5' });
    const c = client();
    await expect(c.query('sum(', 1)).rejects.toMatchObject({ kind: 'bad_request', message: expect.stringMatching(/bad_data: parse error at char 5/) });
    expect(c.requests).toBe(1);
  });

  it('retries 429, and names the credentials on 401 without retrying', async () => {
    nock(URL_).post('/api/v1/query').reply(429, 'slow down').post('/api/v1/query').reply(200, vector('3'));
    expect((await client().query('up', 1))[0].value).toBe(3);
    nock(URL_).post('/api/v1/query').reply(401, 'unauthorized');
    const c = client();
    await expect(c.query('up', 1)).rejects.toMatchObject({ kind: 'bad_request', message: expect.stringMatching(/refused access \(HTTP 401\): check PROMETHEUS_TOKEN/) });
    expect(c.requests).toBe(1);
  });

  it('calls a 200 with something other than the API malformed', async () => {
    nock(URL_).post('/api/v1/query').reply(200, '<html>login</html>');
    await expect(client().query('up', 1)).rejects.toMatchObject({ kind: 'malformed' });
    nock(URL_).post('/api/v1/query_range').reply(200, { status: 'success', data: { resultType: 'vector', result: [] } });
    await expect(client().queryRange('up', 1, 2, 1)).rejects.toMatchObject({ kind: 'malformed' });
  });

  it('times out a slow answer, retries, and keeps within the deadline', async () => {
    nock(URL_).post('/api/v1/query').times(5).delay(2000).reply(200, vector('1'));
    const c = client({ timeoutMs: 50, retries: 1 });
    await expect(c.query('up', 1)).rejects.toMatchObject({ kind: 'timeout' });
    expect(c.requests).toBe(2);
    const d = client({ timeoutMs: 1000, deadlineMs: 80, retries: 5 });
    await expect(d.query('up', 1)).rejects.toMatchObject({ kind: 'deadline' });
  });

  it('parses NaN and infinities, and range matrices', async () => {
    nock(URL_).post('/api/v1/query').reply(200, vector('NaN'));
    expect(Number.isNaN((await client().query('x', 1))[0].value)).toBe(true);
    nock(URL_)
      .post('/api/v1/query_range')
      .reply(200, { status: 'success', data: { resultType: 'matrix', result: [{ metric: { a: 'b' }, values: [[1, '+Inf'], [61, '0.5']] }] } });
    expect(await client().queryRange('x', 1, 61, 60)).toEqual([{ metric: { a: 'b' }, points: [[1, Infinity], [61, 0.5]] }]);
  });

  it('sends the query as a form with the evaluation time', async () => {
    let body = '';
    nock(URL_)
      .post('/api/v1/query', (b) => {
        body = new URLSearchParams(b as unknown as string).toString() || JSON.stringify(b);
        return true;
      })
      .reply(200, vector('1'));
    await client().query('sum(x{a="b"})', 1700000123);
    expect(body).toContain('time=1700000123');
    expect(decodeURIComponent(body.replace(/\+/g, ' '))).toContain('sum(x{a="b"})');
  });

  it('keeps a path prefix of the base URL', async () => {
    nock(URL_).post('/prometheus/api/v1/query').reply(200, vector('1'));
    const c = new PrometheusClient({ url: `${URL_}/prometheus` });
    expect((await c.query('up', 1))[0].value).toBe(1);
  });

  it('sends a bearer token or basic credentials and never puts them in a message', async () => {
    nock(URL_, { reqheaders: { authorization: 'Bearer s3cret-token' } }).post('/api/v1/query').reply(503, 'no');
    const c = client({ auth: authFromEnv({ PROMETHEUS_TOKEN: 's3cret-token' }), retries: 0 });
    const err = await c.query('up', 1).catch((e: PrometheusError) => e);
    expect(err).toBeInstanceOf(PrometheusError);
    expect(String(err)).not.toContain('s3cret');

    nock(URL_, { reqheaders: { authorization: `Basic ${Buffer.from('alice:pa55').toString('base64')}` } }).post('/api/v1/query').reply(200, vector('1'));
    await expect(client({ auth: authFromEnv({ PROMETHEUS_USER: 'alice', PROMETHEUS_PASSWORD: 'pa55' }) }).query('up', 1)).resolves.toHaveLength(1);

    // user:password in the URL become a header and leave every message
    nock(URL_, { reqheaders: { authorization: `Basic ${Buffer.from('bob:hunter2').toString('base64')}` } }).post('/api/v1/query').reply(502, 'bad gateway');
    const u = new PrometheusClient({ url: 'http://bob:hunter2@prom.test:9090', retries: 0 });
    const e2 = await u.query('up', 1).catch((e: Error) => e);
    expect(String(e2)).not.toContain('hunter2');
    expect(redactUrl('https://bob:hunter2@x.test/p')).toBe('https://x.test/p');
  });

  it('refuses an unreadable PROMETHEUS_CA', () => {
    expect(() => authFromEnv({ PROMETHEUS_CA: '/nonexistent/ca.pem' })).toThrow(/PROMETHEUS_CA/);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inflight = 0;
    let peak = 0;
    nock(URL_)
      .post('/api/v1/query')
      .times(10)
      .reply(function () {
        inflight++;
        peak = Math.max(peak, inflight);
        return new Promise((resolve) =>
          setTimeout(() => {
            inflight--;
            resolve([200, vector('1')]);
          }, 20),
        ) as never;
      });
    const c = client({ concurrency: 3 });
    await Promise.all(Array.from({ length: 10 }, () => c.query('up', 1)));
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
    expect(c.requests).toBe(10);
  });
});

describe('runGate with a failing backend', () => {
  const args = { runbook: flagship, prometheus: URL_, start: 1700000000, at: 1700000000 + 1800, checkpoint: '30m' as const, skip: ['pii'], backoffMs: 5 };

  it('is inconclusive when every answer is malformed', async () => {
    nock(URL_).post(/api\/v1\/query.*/).times(20).reply(200, 'not json');
    const r = await runGate(args);
    expect(r.verdict).toBe('inconclusive');
    expect(r.reasons.join(' ')).toMatch(/not the Prometheus API/);
  });

  it('recovers from 5xx followed by good answers', async () => {
    const ok = (expr: string) => {
      if (expr.startsWith('count by (alertname)')) return { status: 'success', data: { resultType: 'vector', result: [] } };
      if (expr.includes('histogram_quantile')) return vector('0.3');
      // the breaker counters' raw samples: one endpoint, no open
      if (expr.includes('circuit_breaker')) return { status: 'success', data: { resultType: 'matrix', result: [{ metric: { endpoint: 'e' }, values: [[1699999000, '0'], [1700001800, '0']] }] } };
      if (expr.includes('success')) return vector('990');
      return vector('1000');
    };
    const series = { status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1700000060, '99']] }] } };
    nock(URL_).post('/api/v1/query').times(3).reply(503, 'busy');
    nock(URL_)
      .post('/api/v1/query')
      .times(20)
      .reply(200, (_uri, body) => ok(new URLSearchParams(body as string).get('query') ?? ''));
    // rule evaluations are not recorded by this backend: an empty matrix
    nock(URL_)
      .post('/api/v1/query_range')
      .times(5)
      .reply(200, (_uri, body) => (/rule_group|vmalert/.test(new URLSearchParams(body as string).get('query') ?? '') ? { status: 'success', data: { resultType: 'matrix', result: [] } } : series));
    nock(URL_).get('/api/v1/rules').reply(200, loadedRules());
    const r = await runGate(args);
    expect(r.verdict, r.reasons.join('\n')).toBe('continue');
    expect(r.metrics.success_rate).toBe(99);
    expect(r.http_requests).toBeGreaterThan(8);
  });

  it('is inconclusive, not hung, when every request times out', async () => {
    nock(URL_).post(/api\/v1\/query.*/).times(50).delay(5000).reply(200, vector('1'));
    const r = await runGate({ ...args, timeoutMs: 50, deadlineMs: 400 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.reasons.join(' ')).toMatch(/did not answer/);
  });
});
