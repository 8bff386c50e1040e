// The package as a user gets it: `npm pack` of this repository (which builds dist/ through
// prepack), installed from the tarball into a fresh project outside the repository.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, '../..');

/** Packs the repository into `dir` and returns the tarball's path. */
export async function packRepository(dir: string): Promise<string> {
  await run('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, maxBuffer: 16 << 20 });
  const tgz = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack wrote no tarball into ${dir}`);
  return join(dir, tgz);
}

/**
 * A new project (type module) with the tarball installed. Offline from npm's cache first;
 * only what the cache lacks is fetched (the first run on a machine).
 */
export async function installedProject(tarball: string, pkg: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slogate-user-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'slogate-user', private: true, type: 'module', ...pkg }, null, 2));
  const args = ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--silent', tarball];
  try {
    await run('npm', [...args, '--offline'], { cwd: dir, maxBuffer: 16 << 20 });
  } catch {
    await run('npm', [...args, '--prefer-offline'], { cwd: dir, maxBuffer: 16 << 20 });
  }
  return dir;
}
