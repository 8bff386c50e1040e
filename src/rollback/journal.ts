// Where rollback verify records what it saw: the evidence folder's append-only journal
// (rollback_log.txt, src/evidence/journal.ts), one sealed `<RFC3339> - <EVENT>: <detail>`
// entry each. A small port, so verification does not care how the journal is kept.
import { appendJournal, JournalError } from '../evidence/journal.ts';
import { layout } from '../evidence/layout.ts';

export const ROLLBACK_LOG = layout.rollbackLog;

export type DrainEvent = 'DRAIN VERIFY STARTED' | 'TRAFFIC AT ZERO' | 'DRAIN VERIFIED' | 'DRAIN NOT VERIFIED';

export interface RollbackJournal {
  /** Appends one entry; entries are never rewritten. */
  record(event: DrainEvent, at: number, detail: string): Promise<void>;
}

export { JournalError };

/** The evidence folder's journal; the report reads its lines as timeline events. */
export function rollbackLogJournal(evidenceDir: string): RollbackJournal {
  return {
    async record(event, at, detail) {
      // one line per entry: a newline in the detail must not forge a second entry
      await appendJournal(evidenceDir, `${event}: ${detail.replace(/\s+/g, ' ').trim()}`, { now: new Date(Math.floor(at) * 1000) });
    },
  };
}
