// Where rollback verify records what it saw. A small port, so the evidence folder's
// journal format can change without touching the verification: today the runbook's
// rollback_log.txt, one `<RFC3339> - <EVENT>: <detail>` line per entry, appended.
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { toRfc3339 } from '../evidence/verdict.ts';
import { appendJournal, JournalError } from '../evidence/journal.ts';

export const ROLLBACK_LOG = 'rollback_log.txt';

export type DrainEvent = 'DRAIN VERIFY STARTED' | 'TRAFFIC AT ZERO' | 'DRAIN VERIFIED' | 'DRAIN NOT VERIFIED';

export interface RollbackJournal {
  /** Appends one entry; entries are never rewritten. */
  record(event: DrainEvent, at: number, detail: string): Promise<void>;
}

/** The runbook's rollback_log.txt in the evidence folder (the report reads its lines as timeline events). */
export function rollbackLogJournal(evidenceDir: string): RollbackJournal {
  const file = path.join(evidenceDir, ROLLBACK_LOG);
  return {
    async record(event, at, detail) {
      // one line per entry: a newline or control character in the detail must not forge a second entry
      const message = `${event}: ${detail.replace(/[\r\n]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, ' ')}`;
      try {
        // sealed entry by entry in manifest.json, so the folder still verifies (src/evidence/journal.ts)
        await appendJournal(evidenceDir, message, { now: new Date(Math.floor(at) * 1000) });
      } catch (err) {
        // a folder no checkpoint was collected into yet: the plain line; the next collect seals it
        if (!(err instanceof JournalError) || !/is not an evidence folder/.test(err.message)) throw err;
        await mkdir(evidenceDir, { recursive: true });
        await appendFile(file, `${toRfc3339(Math.floor(at))} - ${message}\n`);
      }
    },
  };
}
