// manifest.json: every evidence file with its sha256, and the verdicts. Any later change
// to a file, a missing file or an added one shows up in `slogate evidence verify`.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isJournal, journalState } from './journal.ts';
import { checkpointsByTime } from './layout.ts';
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

/**
 * The same seal over an incident-recovery record (`slogate replay`): its files' hashes plus the
 * request id of every run and the latest outcome, instead of checkpoint verdicts.
 */
export interface IncidentManifest {
  format: typeof MANIFEST_FORMAT;
  kind: 'incident';
  created: string;
  request_ids: string[];
  outcome: string;
  files: ManifestEntry[];
}

export type AnyManifest = Manifest | IncidentManifest;

export const isIncidentManifest = (m: AnyManifest): m is IncidentManifest => (m as IncidentManifest).kind === 'incident';

export interface ManifestDrift {
  changed: string[];
  missing: string[];
  extra: string[];
  /** manifest.json's own claims (verdict, checkpoint) that the sealed verdict files contradict. */
  claims: string[];
  /** Journals (rollback_log.txt) that only grew since they were sealed: not a difference. */
  grown: { path: string; lines: number }[];
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

/**
 * Pure comparison of recorded against current entries. A journal (rollback_log.txt) is
 * judged by `journals`: how its bytes on disk relate to the sealed ones (see journal.ts);
 * one that only grew, or was started after the seal, is not a difference.
 */
export function compareEntries(
  recorded: readonly ManifestEntry[],
  current: readonly ManifestEntry[],
  journals: ReadonlyMap<string, ReturnType<typeof journalState>> = new Map(),
): ManifestDrift {
  const now = new Map(current.map((e) => [e.path, e.sha256]));
  const was = new Map(recorded.map((e) => [e.path, e.sha256]));
  const grown: ManifestDrift['grown'] = [];
  const changed = recorded.filter((e) => {
    if (!now.has(e.path) || now.get(e.path) === e.sha256) return false;
    const j = isJournal(e.path) ? journals.get(e.path) : undefined;
    if (j?.state === 'grown') {
      grown.push({ path: e.path, lines: j.lines });
      return false;
    }
    return true;
  });
  const extra = current.filter((e) => {
    if (was.has(e.path)) return false;
    const j = isJournal(e.path) ? journals.get(e.path) : undefined;
    if (j?.state === 'grown') grown.push({ path: e.path, lines: j.lines });
    return !j || j.state === 'changed';
  });
  return { changed: changed.map((e) => e.path), missing: recorded.filter((e) => !now.has(e.path)).map((e) => e.path), extra: extra.map((e) => e.path), claims: [], grown };
}

/** How each journal on disk relates to what the manifest sealed of it (nothing sealed: empty). */
async function journalStates(dir: string, recorded: readonly ManifestEntry[], current: readonly ManifestEntry[]) {
  const out = new Map<string, ReturnType<typeof journalState>>();
  for (const e of current) {
    if (!isJournal(e.path)) continue;
    const sealed = recorded.find((r) => r.path === e.path) ?? { sha256: sha256(''), bytes: 0 };
    out.set(e.path, journalState(sealed, await readFile(path.join(dir, e.path))));
  }
  return out;
}

/**
 * The manifest's verdict fields are not hashed, so they are checked against the sealed
 * verdict files: an edited "verdict" in manifest.json must not pass verify. `sealed` maps
 * each checkpoint to the verdict its verdict_T+<cp>.json says (null: no such file).
 */
export function manifestClaimProblems(m: Manifest, sealed: Readonly<Record<string, string | null>>): string[] {
  const out: string[] = [];
  const verdicts = m.verdicts && typeof m.verdicts === 'object' ? m.verdicts : {};
  for (const [cp, v] of Object.entries(verdicts)) {
    const file = `verdict_T+${cp}.json`;
    if (!(cp in sealed)) out.push(`manifest.json says T+${cp} was ${v}, but ${file} is not in the manifest`);
    else if (sealed[cp] !== null && sealed[cp] !== v) out.push(`manifest.json says T+${cp} was ${v}, but ${file} says ${sealed[cp]}`);
  }
  for (const cp of Object.keys(sealed)) if (!(cp in verdicts)) out.push(`manifest.json has no verdict for T+${cp}, but ${`verdict_T+${cp}.json`} is sealed`);
  if (!(m.checkpoint in verdicts)) out.push(`manifest.json's checkpoint T+${m.checkpoint} has no verdict`);
  else if (verdicts[m.checkpoint] !== m.verdict) out.push(`manifest.json says the verdict is ${m.verdict}, but T+${m.checkpoint} was ${verdicts[m.checkpoint]}`);
  else {
    const latest = checkpointsByTime(Object.keys(sealed)).pop();
    if (latest && latest !== m.checkpoint) out.push(`manifest.json says the latest checkpoint is T+${m.checkpoint}, but T+${latest} is sealed`);
  }
  return out;
}

/** The verdict each sealed verdict_T+<cp>.json records (null when unreadable or not sealed intact). */
async function sealedVerdicts(dir: string, m: Manifest, current: readonly ManifestEntry[]): Promise<Record<string, string | null>> {
  const now = new Map(current.map((e) => [e.path, e.sha256]));
  const out: Record<string, string | null> = {};
  for (const e of m.files) {
    const cp = /^verdict_T\+(\w+)\.json$/.exec(e.path)?.[1];
    if (!cp) continue;
    out[cp] = null;
    // a changed or missing verdict file is already reported as such
    if (now.get(e.path) !== e.sha256) continue;
    try {
      const v = JSON.parse(await readFile(path.join(dir, e.path), 'utf8')) as { verdict?: unknown };
      out[cp] = typeof v?.verdict === 'string' ? v.verdict : null;
    } catch {
      // unreadable: the hash matched, so it was sealed that way
    }
  }
  return out;
}

export class ManifestError extends Error {}

export async function readManifest(dir: string): Promise<AnyManifest> {
  const file = path.join(dir, layout.manifest);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const isDir = await stat(dir).then((st) => st.isDirectory(), () => false);
      throw new ManifestError(isDir ? `${file}: no manifest (collect the evidence with slogate first)` : `${dir}: no such evidence folder`);
    }
    throw new ManifestError(`${file}: ${(err as Error).message}`);
  }
  let doc: AnyManifest;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ManifestError(`${file} is not valid JSON`);
  }
  if (doc?.format !== MANIFEST_FORMAT || !Array.isArray(doc.files) || doc.files.some((f) => typeof f?.path !== 'string' || !/^[0-9a-f]{64}$/.test(f?.sha256))) {
    throw new ManifestError(`${file} is not a slogate evidence manifest (${MANIFEST_FORMAT})`);
  }
  if (isIncidentManifest(doc) && (!Array.isArray(doc.request_ids) || doc.request_ids.some((r) => typeof r !== 'string') || typeof doc.outcome !== 'string')) {
    throw new ManifestError(`${file} is an incident manifest without request_ids or outcome`);
  }
  return doc;
}

export async function verifyEvidence(dir: string): Promise<{ manifest: AnyManifest; drift: ManifestDrift; files: number }> {
  const manifest = await readManifest(dir);
  const current = await hashFiles(dir);
  const drift = compareEntries(manifest.files, current, await journalStates(dir, manifest.files, current));
  // an incident record has no verdicts to cross-check; its runs are in its hashed files
  if (!isIncidentManifest(manifest)) drift.claims = manifestClaimProblems(manifest, await sealedVerdicts(dir, manifest, current));
  return { manifest, drift, files: manifest.files.length };
}

export const driftCount = (d: ManifestDrift) => d.changed.length + d.missing.length + d.extra.length + d.claims.length;
