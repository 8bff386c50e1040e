// Grafana's render endpoint (nock: no Grafana here): the runbook's four panels are saved
// as PNGs; the token goes only into the header; failures fall back to SVG panels.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectEvidence, type VerdictDoc } from '../../src/evidence/index.ts';
import { evidencePanels } from '../../src/charts/panels.ts';
import { CANARY_DASHBOARD, canaryPanelIds } from '../../runbooks/webhook-delivery/dashboard-panel-ids.ts';
import { canaryMatchers } from '../../src/contract/selectors.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

const GRAFANA = 'http://grafana.test:3000';
const TOKEN = 'glsa_test_token_must_not_leak_0123456789';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('fake png body')]);
const fixtures = path.resolve('test/report/fixtures');

let verdict: VerdictDoc;
let work: string;
beforeAll(async () => {
  verdict = JSON.parse(await readFile(path.join(fixtures, 'verdict_T+24h_promote.json'), 'utf8'));
  work = await mkdtemp(path.join(tmpdir(), 'slogate-grafana-'));
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await rm(work, { recursive: true, force: true });
});

async function everything(dir: string): Promise<string> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push((await readFile(path.join(e.parentPath, e.name))).toString('latin1'));
  }
  return out.join('\n');
}

describe('Grafana panel renders', () => {
  it('fetches panels 1, 2, 10 and 11 for the window with the bearer token', async () => {
    const from = String(Date.parse(verdict.window.start));
    const to = String(Date.parse(verdict.window.end));
    const seen: string[] = [];
    const scope = nock(GRAFANA, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`/render/d-solo/${CANARY_DASHBOARD.uid}/webhooks-canary`)
      .query((q) => {
        seen.push(String(q.panelId));
        return q.width === '1200' && q.height === '600' && q.from === from && q.to === to;
      })
      .times(4)
      .reply(200, PNG, { 'Content-Type': 'image/png' });
    const dir = path.join(work, 'ok');
    const r = await collectEvidence({ runbook: flagship, outDir: dir, verdict, prometheus: null, selector: canaryMatchers, grafana: { url: GRAFANA, token: TOKEN }, skipPii: true });
    expect(scope.isDone()).toBe(true);
    expect(seen.sort((a, b) => Number(a) - Number(b))).toEqual(['1', '2', '10', '11']);
    expect(Object.values(canaryPanelIds)).toEqual(expect.arrayContaining(evidencePanels(flagship).map((p) => p.id)));
    expect(r.panels).toBe('grafana');
    for (const p of evidencePanels(flagship)) expect((await readFile(path.join(dir, `grafana/T+24h_${p.slug}.png`))).equals(PNG)).toBe(true);
    expect(r.manifest.files.map((f) => f.path)).toContain('grafana/T+24h_success_rate.png');
    expect(await everything(dir)).not.toContain(TOKEN);
  });

  it('records a rejected token without printing it, and writes no PNG', async () => {
    nock(GRAFANA).get(/\/render\/d-solo\//).times(4).reply(401, { message: `invalid token ${TOKEN.slice(0, 4)}` });
    const dir = path.join(work, 'denied');
    const r = await collectEvidence({ runbook: flagship, outDir: dir, verdict, prometheus: null, selector: canaryMatchers, grafana: { url: GRAFANA, token: TOKEN }, skipPii: true });
    expect(r.panels).toBe('none');
    const line = r.incomplete.find((l) => /Grafana/.test(l))!;
    expect(line).toMatch(/HTTP 401 \(check GRAFANA_TOKEN\)/);
    expect(r.incomplete.join('\n')).not.toContain(TOKEN);
    expect(await everything(dir)).not.toContain(TOKEN);
    expect((await readdir(path.join(dir, 'grafana'))).filter((f) => f.endsWith('.png'))).toEqual([]);
  });

  it('refuses a 200 answer that is not a PNG (a login page)', async () => {
    nock(GRAFANA).get(/\/render\/d-solo\//).times(4).reply(200, '<html>login</html>', { 'Content-Type': 'text/html' });
    const r = await collectEvidence({ runbook: flagship, outDir: path.join(work, 'html'), verdict, prometheus: null, selector: canaryMatchers, grafana: { url: GRAFANA, token: TOKEN }, skipPii: true });
    expect(r.incomplete.join('\n')).toMatch(/did not answer a PNG image/);
  });
});
