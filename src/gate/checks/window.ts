// The window must be the checkpoint's: not shorter than its earliest time, not past its latest.
import { fmt, iso, round } from '../format.ts';
import type { GateCheck } from './types.ts';

export const windowCheck: GateCheck = {
  name: 'window',
  doc: "The window runs from T+0 to a time inside the checkpoint's earliest..latest range.",
  evaluate(ctx) {
    const { evidence: e, windowMinutes: m, words } = ctx;
    const { earliestMinutes: earliest, latestMinutes: latest } = ctx.runbook.checkpoints[ctx.checkpoint];
    const target = `${earliest}..${latest} ${words.min}`;
    const value = round(m, 2);
    const scaledWord = ctx.scaled ? ' scaled minutes' : '';
    if (m < earliest) {
      return { value, status: 'no_data', target, detail: `The window covers ${words.said(m)}, but the T+${ctx.checkpoint} checkpoint needs at least ${earliest}${scaledWord}.` };
    }
    if (round(m, 4) > latest) {
      // a T+2h gate judged at T+25h would pass on a day of evidence: it is no longer the T+2h checkpoint
      return {
        value,
        status: 'no_data',
        target,
        detail: `checkpoint missed; run the next one: the window covers ${words.said(m)}, past the T+${ctx.checkpoint} checkpoint's latest time of ${latest}${scaledWord} (for a backfill, judge it with --at no later than T+${fmt(latest, 0)}${ctx.scaled ? ' scaled' : ''} minutes).`,
      };
    }
    return { value, status: 'pass', target, detail: `${words.said(m)} from ${iso(e.window.start)} to ${iso(e.window.end)}` };
  },
};
