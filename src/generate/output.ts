// Writing generated/ atomically, and comparing it with what the definitions produce.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Artefact } from './artefacts.ts';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  }
  await walk(dir);
  return out.sort();
}

/** Writes every artefact into a sibling temp dir, then swaps it in: a failure leaves `outDir` as it was. */
export async function writeArtefacts(outDir: string, artefacts: readonly Artefact[]): Promise<void> {
  const target = resolve(outDir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, '.slogate-generate-'));
  try {
    for (const a of artefacts) {
      const p = join(tmp, a.path);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, a.content);
    }
    const old = `${tmp}.old`;
    const exists = await stat(target).then(() => true, () => false);
    if (exists) await rename(target, old);
    try {
      await rename(tmp, target);
    } catch (e) {
      if (exists) await rename(old, target);
      throw e;
    }
    if (exists) await rm(old, { recursive: true, force: true });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export interface Drift {
  readonly stale: string[];
  readonly missing: string[];
  readonly extra: string[];
}

export async function compareArtefacts(outDir: string, artefacts: readonly Artefact[]): Promise<Drift> {
  const onDisk = new Set(await listFiles(outDir));
  const stale: string[] = [];
  const missing: string[] = [];
  for (const a of artefacts) {
    if (!onDisk.has(a.path)) missing.push(a.path);
    else if ((await readFile(join(outDir, a.path), 'utf8')) !== a.content) stale.push(a.path);
    onDisk.delete(a.path);
  }
  return { stale, missing, extra: [...onDisk].sort() };
}
