// PROMETHEUS_CA: a Prometheus behind TLS with a private CA is trusted only with it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient, authFromEnv } from '../../src/prometheus/client.ts';

const run = promisify(execFile);
let dir: string;
let server: Server;
let url: string;
let seenAuth: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slogate-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
  server = createServer({ key: await readFile(key), cert: await readFile(cert) }, (req, res) => {
    seenAuth = req.headers.authorization;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '7'] }] } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `https://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('TLS with PROMETHEUS_CA', () => {
  it('trusts the server with the CA and sends the bearer token', async () => {
    const c = new PrometheusClient({ url, auth: authFromEnv({ PROMETHEUS_CA: join(dir, 'cert.pem'), PROMETHEUS_TOKEN: 't0ken' }) });
    expect((await c.query('up', 1))[0].value).toBe(7);
    expect(seenAuth).toBe('Bearer t0ken');
    c.close();
  });

  it('refuses the same server without the CA, and does not retry forever', async () => {
    const c = new PrometheusClient({ url, retries: 1, backoffMs: 5 });
    await expect(c.query('up', 1)).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/SELF_SIGNED|CERT|certificate/i) });
    expect(c.requests).toBe(2);
    c.close();
  });
});
