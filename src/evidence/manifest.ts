// manifest.json: every evidence file with its sha256, and the verdicts. Any later change
// to a file, a missing file or an added one shows up in `slogate evidence verify`.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { layout } from './layout.ts';

export const MANIFEST_FORMAT = 'slogate-evidence/1';

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  created: string;
  /** Latest checkpoint's verdict. */
  checkpoint: string;
  verdict: string;
  /** Verdict of each checkpoint collected into this folder. */
  verdicts: Record<string, string>;
  files: ManifestEntry[];
}

export interface ManifestDrift {
  changed: string[];
  missing: string[];
  extra: string[];
}

export const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** Every file below `dir` (forward-slash relative paths, sorted), without the manifest. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string) {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else if (p !== layout.manifest) out.push(p);
    }
  }
  await walk('');
  return out.sort();
}

export async function hashFiles(dir: string): Promise<ManifestEntry[]> {
  const files = await listFiles(dir);
  return Promise.all(
    files.map(async (p) => {
      const data = await readFile(path.join(dir, p));
      return { path: p, sha256: sha256(data), bytes: data.length };
    }),
  );
}

/** Pure comparison of recorded against current entries. */
export function compareEntries(recorded: readonly ManifestEntry[], current: readonly ManifestEntry[]): ManifestDrift {
  const now = new Map(current.map((e) => [e.path, e.sha256]));
  const was = new Map(recorded.map((e) => [e.path, e.sha256]));
  return {
    changed: recorded.filter((e) => now.has(e.path) && now.get(e.path) !== e.sha256).map((e) => e.path),
    missing: recorded.filter((e) => !now.has(e.path)).map((e) => e.path),
    extra: current.filter((e) => !was.has(e.path)).map((e) => e.path),
  };
}

export class ManifestError extends Error {}

export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, layout.manifest);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ManifestError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no manifest (collect the evidence with slogate first)' : (err as Error).message}`);
  }
  let doc: Manifest;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ManifestError(`${file} is not valid JSON`);
  }
  if (doc?.format !== MANIFEST_FORMAT || !Array.isArray(doc.files) || doc.files.some((f) => typeof f?.path !== 'string' || !/^[0-9a-f]{64}$/.test(f?.sha256))) {
    throw new ManifestError(`${file} is not a slogate evidence manifest (${MANIFEST_FORMAT})`);
  }
  return doc;
}

export async function verifyEvidence(dir: string): Promise<{ manifest: Manifest; drift: ManifestDrift; files: number }> {
  const manifest = await readManifest(dir);
  const current = await hashFiles(dir);
  return { manifest, drift: compareEntries(manifest.files, current), files: manifest.files.length };
}

export const driftCount = (d: ManifestDrift) => d.changed.length + d.missing.length + d.extra.length;
