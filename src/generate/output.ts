// Writing generated/ atomically, and comparing it with what the definitions produce.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Artefact } from './artefacts.ts';

/** The output folder can't be read or written; the message is one line naming the folder and the cause. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a path component is a file, not a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'path too long',
  ELOOP: 'too many symbolic links',
  ENOENT: 'no such file or directory',
};

function outputError(what: string, e: unknown): OutputError {
  const err = e as NodeJS.ErrnoException;
  const cause = (err.code && CAUSES[err.code]) ?? String(err.message ?? e).split('\n')[0];
  return new OutputError(`${what}: ${cause}${err.code ? ` (${err.code})` : ''}`);
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && d === dir) return;
      throw outputError(`cannot read ${d}`, e);
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

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;
/** Another `generate` swapped the folder at the same moment: try again (same content, so either result is right). */
const RACE_CODES = new Set(['ENOENT', 'ENOTEMPTY', 'EEXIST']);
const SWAP_ATTEMPTS = 20;

/**
 * Writes every artefact into a sibling temp dir, then swaps it in: a failure leaves `outDir` as it was.
 * Refuses to replace a file with the folder; keeps an existing folder's mode (a new one gets the umask's).
 */
export async function writeArtefacts(outDir: string, artefacts: readonly Artefact[]): Promise<void> {
  const target = resolve(outDir);
  const parent = dirname(target);
  const before = await stat(target).catch((e) => {
    if (code(e) === 'ENOENT') return null;
    throw outputError(`cannot write ${outDir}`, e);
  });
  if (before && !before.isDirectory()) throw new OutputError(`cannot write ${outDir}: it is a file, not a directory`);
  if (before) await refuseForeignEntries(outDir, artefacts);
  await mkdir(parent, { recursive: true }).catch((e) => {
    throw outputError(`cannot write ${outDir}: cannot create ${parent}`, e);
  });
  // mkdir (not mkdtemp, which is 0700) so the folder gets the same mode as any other new folder
  const tmp = join(parent, `.slogate-generate-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(tmp).catch((e) => {
      throw outputError(`cannot write ${outDir}: cannot create a folder in ${parent}`, e);
    });
    try {
      if (before) await chmod(tmp, before.mode & 0o7777);
      for (const a of artefacts) {
        const p = join(tmp, a.path);
        await mkdir(dirname(p), { recursive: true });
        await writeFile(p, a.content);
      }
    } catch (e) {
      throw e instanceof OutputError ? e : outputError(`cannot write ${outDir}`, e);
    }
    await swapIn(tmp, target, outDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The swap replaces the whole folder, so it must hold nothing but earlier output: `--out .` in a
 * repository would otherwise delete the repository. Stale files inside our own folders are fine (removed).
 */
async function refuseForeignEntries(outDir: string, artefacts: readonly Artefact[]): Promise<void> {
  const ours = new Set(artefacts.map((a) => a.path.split('/')[0]));
  const entries = await readdir(outDir).catch((e) => {
    throw outputError(`cannot read ${outDir}`, e);
  });
  const foreign = entries.filter((e) => !ours.has(e)).sort();
  if (foreign.length) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, … (${foreign.length} in all)` : '');
    throw new OutputError(`refusing to replace ${outDir}: it holds files slogate does not generate (${shown}); point --out at an empty folder or an earlier output`);
  }
}

async function swapIn(tmp: string, target: string, outDir: string): Promise<void> {
  const old = `${tmp}.old`;
  for (let attempt = 1; ; attempt++) {
    const exists = await stat(target).then(() => true, () => false);
    try {
      if (exists) await rename(target, old);
    } catch (e) {
      if (RACE_CODES.has(code(e) ?? '') && attempt < SWAP_ATTEMPTS) continue;
      throw outputError(`cannot replace ${outDir}`, e);
    }
    try {
      await rename(tmp, target);
    } catch (e) {
      // put the old folder back; if another run already put a complete one there, drop ours
      if (exists) await rename(old, target).catch(() => rm(old, { recursive: true, force: true }));
      if (RACE_CODES.has(code(e) ?? '') && attempt < SWAP_ATTEMPTS) continue;
      throw outputError(`cannot replace ${outDir}`, e);
    }
    if (exists) await rm(old, { recursive: true, force: true });
    return;
  }
}

export interface Drift {
  readonly stale: string[];
  readonly missing: string[];
  readonly extra: string[];
}

export async function compareArtefacts(outDir: string, artefacts: readonly Artefact[]): Promise<Drift> {
  const s = await stat(outDir).catch(() => null);
  if (s && !s.isDirectory()) throw new OutputError(`cannot check ${outDir}: it is a file, not a directory`);
  const onDisk = new Set(await listFiles(outDir));
  const stale: string[] = [];
  const missing: string[] = [];
  for (const a of artefacts) {
    if (!onDisk.has(a.path)) missing.push(a.path);
    else {
      const text = await readFile(join(outDir, a.path), 'utf8').catch((e) => {
        throw outputError(`cannot read ${join(outDir, a.path)}`, e);
      });
      if (text !== a.content) stale.push(a.path);
    }
    onDisk.delete(a.path);
  }
  return { stale, missing, extra: [...onDisk].sort() };
}
