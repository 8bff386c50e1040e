// The harness itself: it must leave nothing running, whether a start fails or succeeds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { instantQuery, startLiveStack, waitFor } from '../harness/live-stack.ts';

const parent = mkdtempSync(join(tmpdir(), 'slogate-harness-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** Processes whose command line mentions our private directory. */
function processesUnder(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

const alive = (pid: number | undefined) => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

describe('live stack harness', () => {
  it('starts Prometheus wired to Alertmanager, and stop() ends both and removes the directory', async () => {
    const stack = await startLiveStack({ targets: [], parentDir: parent });
    try {
      expect(processesUnder(stack.dir).length).toBe(2);
      const am = await instantQuery(stack.prometheusUrl, 'vector(1)');
      expect(am[0].value[1]).toBe('1');
      // Prometheus discovers its Alertmanager shortly after it is ready.
      const active = await waitFor(
        'an active Alertmanager',
        async () => {
          const body = (await (await fetch(`${stack.prometheusUrl}/api/v1/alertmanagers`)).json()) as {
            data: { activeAlertmanagers: { url: string }[] };
          };
          return body.data.activeAlertmanagers.length ? body.data.activeAlertmanagers : undefined;
        },
        10_000,
      );
      expect(active.map((a) => new URL(a.url).port)).toEqual([String(stack.alertmanager.port)]);
    } finally {
      await stack.stop();
      await stack.stop(); // idempotent
    }
    expect(alive(stack.prometheus.pid)).toBe(false);
    expect(alive(stack.alertmanager.pid)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('fails with Prometheus’s own error on a broken rule file, leaving nothing running', async () => {
    const bad = join(parent, 'broken.yml');
    writeFileSync(bad, 'groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: sum(\n');
    await expect(startLiveStack({ targets: [], ruleFiles: [bad], parentDir: parent })).rejects.toThrow(/prometheus exited .*\n[\s\S]*broken\.yml/);
    rmSync(bad);
    expect(readdirSync(parent)).toEqual([]);
    expect(processesUnder(parent)).toEqual([]);
  });
});
