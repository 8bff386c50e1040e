// runbook_url's base is a setting of the runbook: a user's own runbook that leaves it out
// links to the user's repository (package.json `repository`), not to github.com/slogate/slogate.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, slogateAsync } from '../harness/cli.ts';
import { runbookBaseFromRepository } from '../../src/contract/runbook.ts';

let project: string;
beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'slogate-own-runbook-'));
  // the flagship's definitions, as a user's runbook that sets no runbookBaseUrl
  await writeFile(
    path.join(project, 'runbook.ts'),
    [
      `import flagship from '${path.join(ROOT, 'runbooks/webhook-delivery/index.ts')}';`,
      `import { defineRunbook } from '${path.join(ROOT, 'src/contract/runbook.ts')}';`,
      'const { runbookBaseUrl: _unset, ...mine } = flagship;',
      'export default defineRunbook(mine);',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

async function runbookUrls(dir: string): Promise<string[]> {
  const file = path.join(dir, 'prometheus', (await readdir(path.join(dir, 'prometheus'))).find((f) => f.startsWith('webhook_canary_alerts'))!);
  return [...(await readFile(file, 'utf8')).matchAll(/runbook_url: (\S+)/g)].map((m) => m[1]);
}

describe('runbook_url base', () => {
  it('a runbook without runbookBaseUrl pointed at github.com/slogate/slogate; now at the package.json repository', async () => {
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'hooks', type: 'module', repository: { type: 'git', url: 'git+https://github.com/acme/hooks.git' }, slogate: { runbook: 'runbook.ts' } }));
    const r = await slogateAsync(['generate', '--out', path.join(project, 'out')], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    const urls = await runbookUrls(path.join(project, 'out'));
    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(u).toMatch(/^https:\/\/github\.com\/acme\/hooks\/blob\/HEAD\/docs\/runbooks\/Webhook\w+\.md$/);
  });

  it('without a repository: the repo-relative docs/runbooks', async () => {
    await writeFile(path.join(project, 'package.json'), JSON.stringify({ name: 'hooks', type: 'module', slogate: { runbook: 'runbook.ts' } }));
    const r = await slogateAsync(['generate', '--out', path.join(project, 'out2')], { cwd: project });
    expect(r.code, r.stderr).toBe(0);
    for (const u of await runbookUrls(path.join(project, 'out2'))) expect(u).toMatch(/^docs\/runbooks\/Webhook\w+\.md$/);
  });

  it.each([
    ['github:acme/hooks', 'https://github.com/acme/hooks/blob/HEAD/docs/runbooks'],
    ['acme/hooks', 'https://github.com/acme/hooks/blob/HEAD/docs/runbooks'],
    ['gitlab:acme/hooks', 'https://gitlab.com/acme/hooks/blob/HEAD/docs/runbooks'],
    ['https://gitlab.example.com/platform/hooks.git', 'https://gitlab.example.com/platform/hooks/-/blob/HEAD/docs/runbooks'],
    ['git@github.com:acme/hooks.git', 'https://github.com/acme/hooks/blob/HEAD/docs/runbooks'],
    [{ url: 'git+ssh://git@github.com/acme/hooks.git' }, 'https://github.com/acme/hooks/blob/HEAD/docs/runbooks'],
    [undefined, null],
    [42, null],
  ])('repository %j -> %s', (repo, want) => {
    expect(runbookBaseFromRepository(repo)).toBe(want);
  });
});
