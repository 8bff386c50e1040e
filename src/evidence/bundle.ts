// The runbook's 6-hour bundles: six hourly snapshots per zip, written with fflate.
import { zipSync } from 'fflate';

/** A fixed modification time keeps a bundle's bytes (and sha256) a function of its content. */
const ZIP_MTIME = new Date('2000-01-01T00:00:00Z');

export function zipFiles(files: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 6 }]> = {};
  for (const f of files) entries[f.name] = [f.data, { mtime: ZIP_MTIME, level: 6 }];
  return zipSync(entries);
}
