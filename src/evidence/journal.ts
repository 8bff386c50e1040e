// rollback_log.txt: the evidence folder's append-only journal. Other evidence files are
// sealed once; the journal keeps growing during a rollback (ROLLBACK INITIATED, rollback
// verify results, ROLLBACK COMPLETE). The manifest seals its bytes so far: verify accepts
// a journal whose sealed bytes are unchanged and that only grew after them.
import { createHash } from 'node:crypto';
import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { layout } from './layout.ts';

/** A sealed file as manifest.json lists it (the manifest's own type lives in manifest.ts, which reads this module). */
interface SealedEntry {
  path: string;
  sha256: string;
  bytes: number;
}

/** Files of the evidence folder that may only grow. */
export const JOURNAL_FILES: readonly string[] = [layout.rollbackLog];

export const isJournal = (rel: string) => JOURNAL_FILES.includes(rel);

export interface JournalEntry {
  /** RFC 3339, UTC, whole seconds. */
  at: string;
  message: string;
}

/** How a journal on disk relates to its sealed entry. */
export type JournalState =
  | { state: 'same' }
  | { state: 'grown'; lines: number }
  | { state: 'changed' };

export class JournalError extends Error {}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** One journal line: `2026-12-01T06:47:22Z - ROLLBACK INITIATED` (the same "<time> - <event>" the runbook's `echo` writes). */
export function journalLine(e: JournalEntry): string {
  return `${e.at} - ${e.message}\n`;
}

/** A message as one journal entry; refuses what would forge or blur entries. */
export function checkMessage(message: string): string {
  const m = message.trim();
  if (!m) throw new JournalError('the journal entry is empty');
  // eslint-disable-next-line no-control-regex
  if (/[\r\n\u0000-\u0008\u000b-\u001f\u007f]/.test(m)) throw new JournalError('a journal entry is one line of text (no newlines or control characters)');
  return m;
}

/** Pure: does `data` keep the sealed bytes intact and only add lines after them? */
export function journalState(sealed: Pick<SealedEntry, 'sha256' | 'bytes'>, data: Uint8Array): JournalState {
  if (data.length < sealed.bytes) return { state: 'changed' };
  if (sha256(data.subarray(0, sealed.bytes)) !== sealed.sha256) return { state: 'changed' };
  if (data.length === sealed.bytes) return { state: 'same' };
  const added = Buffer.from(data.subarray(sealed.bytes)).toString('utf8');
  return { state: 'grown', lines: added.split('\n').filter((l) => l.trim()).length };
}

/** Entries of a journal text; lines that are not "<time> - <event>" are kept with an empty time. */
export function parseJournal(text: string): JournalEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^(.+?) - (.+)$/.exec(l);
      return m && !Number.isNaN(Date.parse(m[1])) ? { at: m[1], message: m[2] } : { at: '', message: l };
    });
}

/** The journal of an evidence folder (empty when none was started). */
export async function readJournal(dir: string, file = layout.rollbackLog): Promise<JournalEntry[]> {
  try {
    return parseJournal(await readFile(path.join(dir, file), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new JournalError(`${path.join(dir, file)}: ${(err as Error).message}`);
  }
}

export interface AppendResult {
  entry: JournalEntry;
  file: string;
  /** True when manifest.json now seals the journal up to this entry; false when the folder has no manifest yet. */
  sealed: boolean;
}

/**
 * Appends one entry to the folder's journal and seals it in manifest.json, entry by entry.
 * A journal whose sealed part was edited is refused: sealing on top would hide the edit.
 * Without a manifest (no checkpoint collected yet) the entry is written and the next
 * collect seals it.
 */
export async function appendJournal(dir: string, message: string, o: { now?: Date; file?: string } = {}): Promise<AppendResult> {
  const rel = o.file ?? layout.rollbackLog;
  if (!isJournal(rel)) throw new JournalError(`${rel} is not a journal of the evidence folder`);
  const entry: JournalEntry = { at: (o.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'), message: checkMessage(message) };
  const file = path.join(dir, rel);
  const manifestFile = path.join(dir, layout.manifest);

  let manifest: { files: SealedEntry[] } | null = null;
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { files: SealedEntry[] };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new JournalError(`${manifestFile}: ${code ? (err as Error).message : 'not valid JSON'}`);
  }
  if (manifest && !Array.isArray(manifest.files)) throw new JournalError(`${manifestFile} is not a slogate evidence manifest`);

  let before: Buffer = Buffer.alloc(0);
  try {
    before = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && manifest === null) {
      // a folder that does not exist yet is not an evidence folder to write into
      const exists = await readFile(path.join(dir, layout.startTime)).then(() => true, (e: NodeJS.ErrnoException) => e.code !== 'ENOENT');
      if (!exists) throw new JournalError(`${dir} is not an evidence folder (no manifest.json or start_time.txt); collect a checkpoint into it first`);
    } else if (code !== 'ENOENT') throw new JournalError(`${file}: ${(err as Error).message}`);
  }
  const sealedEntry = manifest?.files.find((f) => f.path === rel);
  if (sealedEntry && journalState(sealedEntry, before).state === 'changed') {
    throw new JournalError(`${file} no longer starts with what manifest.json sealed; run \`slogate evidence verify ${dir}\` (nothing was appended)`);
  }
  // a journal that does not end in a newline (hand-written) gets one, so entries stay lines
  const line = (before.length && before[before.length - 1] !== 0x0a ? '\n' : '') + journalLine(entry);
  await appendFile(file, line);
  if (!manifest) return { entry, file, sealed: false };

  const data = await readFile(file);
  const next: SealedEntry = { path: rel, sha256: sha256(data), bytes: data.length };
  manifest.files = [...manifest.files.filter((f) => f.path !== rel), next].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // write-then-rename: a crash leaves the old manifest, never half of one
  const tmp = `${manifestFile}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(manifest, null, 2) + '\n');
  await rename(tmp, manifestFile);
  return { entry, file, sealed: true };
}
