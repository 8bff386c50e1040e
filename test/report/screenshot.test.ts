// The HTML checkpoint report in a real headless Chromium: one self-contained file whose
// four charts are present and laid out at a readable size. The PNG is kept in the
// temp folder for a person to look at (SLOGATE_KEEP_SCREENSHOT=path keeps a copy).
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSources, renderReport } from '../../src/report/index.ts';
import { evidencePanels } from '../../src/charts/panels.ts';
import { runbook as flagship } from '../../runbooks/webhook-delivery/index.ts';

const FIX = path.resolve('test/report/fixtures');
let work: string;
let browser: Browser | undefined;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'slogate-shot-'));
  browser = await chromium.launch({
    executablePath: process.env.SLOGATE_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // launch() gives every browser a fresh temporary user-data-dir of its own
  });
});

afterAll(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('HTML report in Chromium', () => {
  it('shows the four charts, sized, and loads nothing from outside the file', async () => {
    const ev = path.join(work, 'evidence');
    await mkdir(ev);
    await copyFile(path.join(FIX, 'verdict_T+24h_rollback.json'), path.join(ev, 'verdict_T+24h.json'));
    await copyFile(path.join(FIX, 'series_T+24h.json'), path.join(ev, 'series_T+24h.json'));
    const sources = await loadSources({ runbook: flagship, evidenceDir: ev });
    const html = await renderReport('checkpoint', 'html', sources, { runbook: flagship, operator: 'alice', generatedAt: new Date('2025-09-02T06:10:00Z'), evidenceLink: null });
    const file = path.join(work, 'canary_T+24h.html');
    await writeFile(file, html);

    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    expect(await page.locator('#verdict').innerText()).toContain('ROLLBACK');
    for (const p of evidencePanels(flagship)) {
      const svg = page.locator(`#chart-${p.slug} svg`);
      const box = await svg.boundingBox();
      expect(box, p.slug).not.toBeNull();
      expect(box!.width).toBeGreaterThan(600);
      expect(box!.height).toBeGreaterThan(250);
    }
    // the success-rate chart draws its data line and both threshold lines
    expect(await page.locator('#chart-success_rate path.series').count()).toBe(1);
    expect(await page.locator('#chart-success_rate line.threshold').count()).toBe(2);
    const lineBox = await page.locator('#chart-success_rate path.series').boundingBox();
    expect(lineBox!.width).toBeGreaterThan(500);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);

    const png = path.join(work, 'canary_T+24h.png');
    await page.screenshot({ path: png, fullPage: true });
    const bytes = await readFile(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBe(1100);
    if (process.env.SLOGATE_KEEP_SCREENSHOT) await copyFile(png, process.env.SLOGATE_KEEP_SCREENSHOT);
    await page.close();
  });
});
