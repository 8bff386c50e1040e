// Deterministic dashboard JSON: keys sorted at every level, 2-space indent,
// trailing newline. Same definitions, same bytes (generate --check relies on it).

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function dashboardJson(doc: unknown): string {
  return `${JSON.stringify(sortKeys(doc), null, 2)}\n`;
}

export const dashboardPath = (uid: string): string => `grafana/dashboards/${uid}.json`;
