// The shared HTTP transport's policy: retries, timeouts, deadline, concurrency and the
// credentials rule, against nock (faults a real server can't be made to show on cue).
import { createServer } from 'node:net';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransport, TransportError } from '../../src/http/transport.ts';

const BASE = 'http://backend.test:8080';
const fast = (extra: Partial<ConstructorParameters<typeof HttpTransport>[0]> = {}) => new HttpTransport({ url: BASE, backoffMs: 5, timeoutMs: 500, deadlineMs: 5000, ...extra });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('HttpTransport', () => {
  it('retries 503 and 429 and answers what follows; counts every attempt', async () => {
    nock(BASE).get('/x').reply(503, 'busy').get('/x').reply(429, 'slow down').get('/x').reply(200, 'ok');
    const t = fast();
    const r = await t.send({ method: 'GET', path: 'x' });
    expect(r).toMatchObject({ status: 200, body: 'ok' });
    expect(t.requests).toBe(3);
    t.close();
  });

  it('answers a 4xx at once, without retrying', async () => {
    const scope = nock(BASE).get('/x').reply(404, 'no');
    const t = fast();
    expect(await t.send({ method: 'GET', path: 'x' })).toMatchObject({ status: 404, body: 'no' });
    expect(t.requests).toBe(1);
    expect(scope.isDone()).toBe(true);
    t.close();
  });

  it('gives up after the retries with the status, the body and the attempts', async () => {
    nock(BASE).get('/x').times(3).reply(500, 'boom');
    const err = await fast().send({ method: 'GET', path: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err).toMatchObject({ kind: 'server', status: 500, body: 'boom', attempts: 3 });
    expect(err.message).toBe(`${BASE} answered HTTP 500 (3 attempts)`);
  });

  it('times out a slow attempt, and stops at the deadline', async () => {
    nock(BASE).get('/x').times(5).delay(1000).reply(200, 'late');
    await expect(fast({ timeoutMs: 50, retries: 1 }).send({ method: 'GET', path: 'x' })).rejects.toMatchObject({ kind: 'timeout', message: expect.stringMatching(/within 0.05 s \(2 attempts\)/) });
    await expect(fast({ timeoutMs: 2000, deadlineMs: 100, deadlineName: "the gate's deadline" }).send({ method: 'GET', path: 'x' })).rejects.toMatchObject({
      kind: 'deadline',
      message: `${BASE} did not answer before the gate's deadline`,
    });
  });

  it('says why a host is unreachable, with the network code (a real closed port)', async () => {
    nock.enableNetConnect('127.0.0.1');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const t = fast({ url: `http://127.0.0.1:${port}` });
    await expect(t.send({ method: 'GET', path: 'x' })).rejects.toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED', attempts: 3 });
    t.close();
    nock.disableNetConnect();
  });

  it('honours Retry-After over its own backoff', async () => {
    nock(BASE).get('/x').reply(503, 'wait', { 'Retry-After': '1' }).get('/x').reply(200, 'ok');
    const t0 = Date.now();
    await fast().send({ method: 'GET', path: 'x' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let now = 0;
    let most = 0;
    nock(BASE)
      .get('/x')
      .times(6)
      .delay(30)
      .reply(() => {
        most = Math.max(most, ++now);
        setTimeout(() => now--, 5);
        return [200, 'ok'];
      });
    const t = fast({ concurrency: 2 });
    await Promise.all(Array.from({ length: 6 }, () => t.send({ method: 'GET', path: 'x' })));
    expect(most).toBeLessThanOrEqual(2);
    t.close();
  });

  it('sends credentials only to its own origin, never follows a redirect, and never prints them', async () => {
    const t = new HttpTransport({ url: 'http://user:s3cret@backend.test:8080/prefix', backoffMs: 5 });
    expect(t.displayUrl).toBe(`${BASE}/prefix`);
    let auth: string | undefined;
    nock(BASE)
      .get('/prefix/x')
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [302, '', { Location: 'http://elsewhere.test/steal' }];
      });
    const r = await t.send({ method: 'GET', path: 'x' });
    expect(r.status).toBe(302);
    expect(auth).toBe(`Basic ${Buffer.from('user:s3cret').toString('base64')}`);
    await expect(t.send({ method: 'GET', path: new URL('http://elsewhere.test/steal') })).rejects.toThrow(/refusing to send credentials/);
    nock(BASE).get('/prefix/y').times(3).reply(500, 'x');
    const err = (await t.send({ method: 'GET', path: 'y' }).catch((e: Error) => e)) as Error;
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).not.toContain('s3cret');
    t.close();
  });
});
