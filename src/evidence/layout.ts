// File names of the runbook's evidence folder (evidence/canary/...), in one place.
import type { CheckpointName } from '../contract/runbook.ts';
import { parseDuration } from '../promql/duration.ts';
import type { EvidencePanel } from '../charts/panels.ts';

export const HOURS_PER_BUNDLE = 6;

export const layout = {
  startTime: 'start_time.txt',
  manifest: 'manifest.json',
  /** The append-only rollback journal (src/evidence/journal.ts). */
  rollbackLog: 'rollback_log.txt',
  summary: (cp: CheckpointName) => `summary_T+${cp}.json`,
  verdict: (cp: CheckpointName) => `verdict_T+${cp}.json`,
  /** The per-minute series and window totals the charts are drawn from. */
  series: (cp: CheckpointName) => `series_T+${cp}.json`,
  hourly: (hour: number) => `hourly/T+${hour}h.json`,
  bundle: (n: number) => `6h/bundle_${n}.zip`,
  pii: (category: string, cp: CheckpointName) => `pii/${category}_T+${cp}.txt`,
  alerts: (cp: CheckpointName) => `alerts/alerts_T+${cp}.json`,
  panel: (cp: CheckpointName, slug: EvidencePanel['slug'], ext: 'png' | 'svg') => `grafana/T+${cp}_${slug}.${ext}`,
} as const;

/** The runbook's sub-folders, created even when empty so the layout is always the same. */
export const EVIDENCE_DIRS = ['hourly', '6h', 'grafana', 'alerts', 'pii'] as const;

export const checkpointLabel = (cp: CheckpointName) => `T+${cp}`;

/** A checkpoint's offset from T+0 in seconds: its name is a duration (`30m`, `24h`); NaN otherwise. */
export const checkpointSeconds = (cp: CheckpointName): number => {
  try {
    return parseDuration(cp);
  } catch {
    return Number.NaN;
  }
};

/** Checkpoints ordered by time, latest last (names that are not durations first). */
export const checkpointsByTime = (cps: Iterable<CheckpointName>) => [...cps].sort((a, b) => (checkpointSeconds(a) || 0) - (checkpointSeconds(b) || 0));
