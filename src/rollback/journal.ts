// Where rollback verify records what it saw. A small port, so the evidence folder's
// journal format can change without touching the verification: today the runbook's
// rollback_log.txt, one `<RFC3339> - <EVENT>: <detail>` line per entry, appended.
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { toRfc3339 } from '../evidence/verdict.ts';

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
      await mkdir(evidenceDir, { recursive: true });
      // one line per entry: a newline in the detail must not forge a second entry
      await appendFile(file, `${toRfc3339(Math.floor(at))} - ${event}: ${detail.replace(/[\r\n]+/g, ' ')}\n`);
    },
  };
}
