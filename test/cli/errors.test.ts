// One error prefix: commander's own parse errors said `error: …` while slogate's said
// `slogate: …`. Every command's errors now start with `slogate:`.
import { describe, expect, it } from 'vitest';
import { slogateAsync as slogate } from '../harness/cli.ts';

describe('one error prefix', () => {
  it.each([
    [['nosuch'], /unknown command 'nosuch'/],
    [['gate', '--bogus'], /unknown option '--bogus'|required option/],
    [['gate', '--prometheus', 'http://127.0.0.1:9', '--start', '2025-01-01T00:00:00Z', '--nope'], /unknown option '--nope'|required option/],
    [['evidence', 'log'], /missing required argument 'message'/],
    [['report', '--kind', 'nope'], /Allowed choices/],
    [['pii-scan', '--jobs'], /argument missing/],
    [['dashboards', 'push'], /required option '--grafana <url>'/],
  ])('%j: was `error: …`, now `slogate: …`, exit 2', async (args, message) => {
    const r = await slogate(args);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((l) => l && !/^\(Did you mean/.test(l));
    expect(lines[0]).toMatch(/^slogate: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/^error:/m);
  });
});
