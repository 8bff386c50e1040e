// Prometheus durations (`5m`, `1h30m`, `30d`) to and from seconds.

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

export function parseDuration(text: string): number {
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    matched = re.lastIndex;
  }
  if (!text || matched !== text.length) throw new RangeError(`not a Prometheus duration: "${text}"`);
  return total;
}

/** Largest-unit form: 3600 -> `1h`, 5400 -> `90m`, 2592000 -> `30d`. */
export function formatDuration(seconds: number): string {
  // days, not weeks: Sloth and the SRE workbook speak in days
  for (const u of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_SECONDS[u];
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${u}`;
  }
  return `${Math.round(seconds * 1000)}ms`;
}
