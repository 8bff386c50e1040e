// `slogate dashboards push` against Grafana's documented HTTP API shapes (nock:
// no Grafana package can be installed here), plus a real refused connection.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { slogateInProcess } from '../harness/in-process.ts';
import { diffDashboards, pushDashboards, type LocalDashboard } from '../../src/dashboards/push.ts';

const GRAFANA = 'http://grafana.test:3000';
const TOKEN = 'glsa_test_token_do_not_print_0123456789';
const DASH_DIR = join('generated', 'grafana', 'dashboards');
const local: LocalDashboard[] = readdirSync(DASH_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const dashboard = JSON.parse(readFileSync(join(DASH_DIR, f), 'utf8'));
    return { uid: dashboard.uid, title: dashboard.title, dashboard };
  });
const uids = local.map((d) => d.uid);

/** Grafana's documented 200 answer to POST /api/dashboards/db. */
const saved = (uid: string, version = 1) => ({ id: 7, uid, url: `/d/${uid}/slug`, status: 'success', version, slug: 'slug' });

const cli = slogateInProcess;

beforeAll(() => nock.disableNetConnect());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});
beforeEach(() => {
  process.env.GRAFANA_TOKEN = TOKEN;
});
afterEach(() => {
  nock.cleanAll();
  delete process.env.GRAFANA_TOKEN;
});

describe('dashboards push', () => {
  it('posts every generated dashboard with overwrite, folder, message and the bearer token, and exits 0', async () => {
    const bodies: Record<string, unknown>[] = [];
    const scope = nock(GRAFANA, { reqheaders: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } })
      .post('/api/dashboards/db', (b) => (bodies.push(b), true))
      .times(local.length)
      .reply(200, (_uri, b) => saved((b as { dashboard: { uid: string } }).dashboard.uid));
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA, '--folder-uid', 'canary', '--message', 'rollout 42']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(scope.isDone()).toBe(true);
    expect(bodies.map((b) => (b.dashboard as { uid: string }).uid)).toEqual(uids);
    for (const b of bodies) {
      expect(b).toMatchObject({ folderUid: 'canary', message: 'rollout 42', overwrite: true });
      expect((b.dashboard as { id: unknown }).id).toBeNull();
    }
    // the whole generated model is sent, panels included
    const canary = bodies.find((b) => (b.dashboard as { uid: string }).uid === 'webhook-canary-observability')!;
    expect((canary.dashboard as { panels: unknown[] }).panels).toEqual(local.find((d) => d.uid === 'webhook-canary-observability')!.dashboard.panels);
    for (const u of uids) expect(r.out).toContain(`imported ${u}`);
    expect(r.out).toContain(`${GRAFANA}/d/webhook-canary-observability/slug`);
    expect(r.out + r.err).not.toContain(TOKEN);
  });

  it('works under a sub-path Grafana URL', async () => {
    const scope = nock(GRAFANA)
      .post('/grafana/api/dashboards/db')
      .times(local.length)
      .reply(200, (_uri, b) => saved((b as { dashboard: { uid: string } }).dashboard.uid));
    const r = await cli(['dashboards', 'push', '--grafana', `${GRAFANA}/grafana`]);
    expect(r.code).toBe(0);
    expect(scope.isDone()).toBe(true);
  });

  it('401: one line naming GRAFANA_TOKEN, stops after the first request, exit 1', async () => {
    const scope = nock(GRAFANA).post('/api/dashboards/db').once().reply(401, { message: 'Unauthorized' });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA]);
    expect(r.code).toBe(1);
    expect(scope.isDone()).toBe(true);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^slogate: Grafana rejected GRAFANA_TOKEN \(401 Unauthorized/);
    expect(r.out + r.err).not.toContain(TOKEN);
  });

  it('403: one line about the token lacking permission on the folder', async () => {
    nock(GRAFANA).post('/api/dashboards/db').once().reply(403, { message: 'Access denied to save dashboard' });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA, '--folder-uid', 'ops']);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/may not write dashboards in folder "ops" \(403 Forbidden/);
    expect(r.err).toContain('dashboards:write');
  });

  it('404: one line saying the folder does not exist', async () => {
    nock(GRAFANA).post('/api/dashboards/db').once().reply(404, { message: 'Folder not found', status: 'not-found' });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA, '--folder-uid', 'nope']);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual(['slogate: Grafana folder "nope" not found (404): create it, or pass the uid of an existing folder with --folder-uid']);
  });

  it('a token with a tab in it is redacted even when Grafana echoes it back', async () => {
    const odd = 'glsa_odd\ttoken_0123456789';
    process.env.GRAFANA_TOKEN = odd;
    nock(GRAFANA).post('/api/dashboards/db').once().reply(401, { message: `invalid API key ${odd}` });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('invalid API key [redacted]');
    expect(r.out + r.err).not.toMatch(/odd.token/);
  });

  it('400 "folder not found" (Grafana 9 and 10): the same one line as 404', async () => {
    nock(GRAFANA).post('/api/dashboards/db').once().reply(400, { message: 'folder not found' });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA, '--folder-uid', 'gone']);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual(['slogate: Grafana folder "gone" not found (400): create it, or pass the uid of an existing folder with --folder-uid']);
  });

  it('412 version-mismatch on one dashboard: says how to resolve, pushes the others, exit 1', async () => {
    nock(GRAFANA)
      .post('/api/dashboards/db', (b) => b.dashboard.uid === uids[0])
      .reply(412, { message: 'The dashboard has been changed by someone else', status: 'version-mismatch' })
      .post('/api/dashboards/db', (b) => b.dashboard.uid !== uids[0])
      .times(local.length - 1)
      .reply(200, (_u, b) => saved((b as { dashboard: { uid: string } }).dashboard.uid, 3));
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA]);
    expect(r.code).toBe(1);
    const lines = r.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${uids[0]}: version conflict (412 version-mismatch`);
    expect(lines[0]).toContain('--dry-run');
    for (const u of uids.slice(1)) expect(r.out).toContain(`imported ${u}`);
    expect(r.out).toContain(`imported ${local.length - 1} of ${local.length} dashboards`);
  });

  it('412 name-exists: tells the user to rename or delete the other dashboard', async () => {
    nock(GRAFANA).post('/api/dashboards/db').reply(412, { message: 'A dashboard with the same name in the folder already exists', status: 'name-exists' });
    const res = await pushDashboards(local.slice(0, 1), { grafanaUrl: GRAFANA, token: TOKEN, message: 'm' });
    expect(res.results[0].status).toBe('failed');
    expect(res.results[0].line).toMatch(/412 name-exists.*rename or delete it/);
  });

  it('connection refused (a real closed port): one line, exit 1', async () => {
    const port = await closedPort();
    const r = await promisify(execFile)('bin/slogate', ['dashboards', 'push', '--grafana', `http://127.0.0.1:${port}`], { env: { ...process.env, GRAFANA_TOKEN: TOKEN } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([`slogate: cannot connect to Grafana at http://127.0.0.1:${port}: connection refused (is Grafana running, and is --grafana right?)`]);
  });

  it('refuses to run without GRAFANA_TOKEN', async () => {
    delete process.env.GRAFANA_TOKEN;
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^slogate: GRAFANA_TOKEN is not set/);
  });
});

describe('dashboards push: only Grafana\'s JSON counts as imported', () => {
  const SSO = '<!DOCTYPE html><html><head><title>Sign in - Acme SSO</title></head><body><form action="/oauth2/start"></form></body></html>';

  it('an SSO sign-in page answered with 200 was "imported 2 of 2", exit 0; now exit 1 naming the HTML page, after one request', async () => {
    const scope = nock(GRAFANA).post('/api/dashboards/db').reply(200, SSO, { 'content-type': 'text/html; charset=utf-8' });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA]);
    expect(r.code).toBe(1);
    expect(scope.isDone()).toBe(true);
    expect(r.out).not.toMatch(/imported/);
    expect(r.err.trim().split('\n')).toEqual([`slogate: POST ${GRAFANA}/api/dashboards/db did not answer Grafana's JSON: got an HTML page titled "Sign in - Acme SSO" (200, text/html; a sign-in proxy, or not Grafana's root URL?)`]);
  });

  it('a redirect to a sign-in page is named, not followed', async () => {
    nock(GRAFANA).post('/api/dashboards/db').reply(302, '', { location: 'https://sso.acme.test/oauth2/start?rd=%2Fapi%2Fdashboards%2Fdb' });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('got a 302 redirect to https://sso.acme.test/oauth2/start (a sign-in proxy in front of Grafana?)');
  });

  it.each([
    ['no status', (uid: string) => ({ id: 1, uid, url: `/d/${uid}/x`, version: 1 }), /status null \(want "success"\)/],
    ['another uid', () => ({ id: 1, uid: 'someone-else', url: '/d/x/x', status: 'success', version: 1 }), /uid "someone-else" \(want "webhook/],
    ['no version', (uid: string) => ({ id: 1, uid, url: `/d/${uid}/x`, status: 'success' }), /version null \(want a number\)/],
    ['an empty JSON object', () => ({}), /status null/],
  ] as const)('a 200 JSON answer with %s is not an import: exit 1', async (_name, body, msg) => {
    nock(GRAFANA)
      .post('/api/dashboards/db')
      .times(local.length)
      .reply(200, (_uri, b) => body((b as { dashboard: { uid: string } }).dashboard.uid));
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(msg);
    expect(r.out).toContain(`imported 0 of ${local.length} dashboards`);
  });

  it('--dry-run behind the same SSO page stops and says so, exit 1; a plain-text 404 is not "would create"', async () => {
    nock(GRAFANA).get(`/api/dashboards/uid/${local[0].uid}`).reply(200, SSO, { 'content-type': 'text/html' });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/GET .* did not answer Grafana's JSON: got an HTML page titled "Sign in - Acme SSO"/);
    nock(GRAFANA).get(`/api/dashboards/uid/${local[0].uid}`).reply(404, '404 page not found', { 'content-type': 'text/plain' });
    const p = await cli(['dashboards', 'push', '--grafana', GRAFANA, '--dry-run']);
    expect(p.code).toBe(1);
    expect(p.out).not.toContain('would create');
    expect(p.err).toContain('got 404 text/plain: 404 page not found');
  });
});

describe('dashboards push --dry-run', () => {
  it('reads each dashboard, reports create / unchanged / update, and posts nothing', async () => {
    const [first, second] = local;
    const changed = structuredClone(second.dashboard) as { panels: { id: number; title: string }[] };
    changed.panels[1].title = 'edited in the UI';
    const scope = nock(GRAFANA, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`/api/dashboards/uid/${first.uid}`)
      .reply(404, { message: 'Dashboard not found' })
      .get(`/api/dashboards/uid/${second.uid}`)
      .reply(200, { dashboard: { ...changed, id: 3, version: 5 }, meta: { folderUid: '', version: 5 } });
    const r = await cli(['dashboards', 'push', '--grafana', GRAFANA, '--dry-run']);
    expect(r.code).toBe(0);
    expect(scope.isDone()).toBe(true);
    expect(r.out).toContain(`would create ${first.uid}`);
    expect(r.out).toContain(`would update ${second.uid} from version 5: panels changed ${changed.panels[1].id}`);
    // says what it would do, and that it changed nothing (nock refuses any request not listed: no POST was made)
    expect(r.out).toContain(`dry run: would create 1, update 1, leave 0 unchanged of ${local.length} dashboards in ${GRAFANA}; nothing was changed`);
  });

  it('says unchanged when Grafana holds the same model in the same folder', async () => {
    const d = local[0];
    const same = { dashboard: { ...d.dashboard, id: 9, version: 2 }, meta: { folderUid: 'f1' } };
    nock(GRAFANA).get(`/api/dashboards/uid/${d.uid}`).times(2).reply(200, same);
    const res = await pushDashboards([d], { grafanaUrl: GRAFANA, token: TOKEN, message: 'm', folderUid: 'f1', dryRun: true });
    expect(res.results[0]).toMatchObject({ status: 'unchanged', line: `unchanged ${d.uid} (version 2)` });
    const moved = await pushDashboards([d], { grafanaUrl: GRAFANA, token: TOKEN, message: 'm', folderUid: 'f2', dryRun: true });
    expect(moved.results[0].line).toContain('folder "f1" -> "f2"');
  });

  it('diffDashboards names changed fields and added or removed panels', () => {
    const a = { title: 'A', panels: [{ id: 1 }, { id: 2 }] };
    const b = { title: 'B', panels: [{ id: 2 }, { id: 3 }] };
    expect(diffDashboards(a, b)).toEqual(['fields title', 'panels added 3', 'panels removed 1']);
  });
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
