// Times and windows as the command line gives them.
import { parseDuration } from '../promql/duration.ts';

/** RFC 3339 (`2025-06-01T00:00:00Z`, offsets allowed) to unix seconds, or null. */
export function parseInstant(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) return null;
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/**
 * `30m`, `2h`, `24h` (from T+0) or the runbook's hourly `Nh-Mh` (from T+N h to T+M h):
 * offsets in seconds from T+0 and a label, or null.
 */
export function parseSummaryWindow(text: string): { from: number; to: number; label: string } | null {
  const range = /^(\d+)h-(\d+)h$/.exec(text.trim());
  if (range) {
    const from = Number(range[1]) * 3600;
    const to = Number(range[2]) * 3600;
    return to > from ? { from, to, label: `T+${range[1]}h` } : null;
  }
  try {
    const d = parseDuration(text.trim());
    return d > 0 ? { from: 0, to: d, label: `T+${text.trim()}` } : null;
  } catch {
    return null;
  }
}
