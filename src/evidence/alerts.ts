// The alert export: which of our critical and warning alerts fired in the window (from
// Prometheus's ALERTS series; Alertmanager only knows what is active now), plus what
// Alertmanager has active at collection time when it is given.
import { toRfc3339 } from './verdict.ts';
import { HttpTransport, TransportError } from '../http/transport.ts';

export interface FiredAlert {
  alertname: string;
  severity: string;
  /** The alert's labels without __name__ and alertstate. */
  labels: Record<string, string>;
  first_firing: string;
  last_firing: string;
  /** Steps in state firing, in minutes. */
  firing_minutes: number;
}

export interface ActiveAlert {
  alertname: string;
  severity: string;
  state: string;
  starts_at: string;
  labels: Record<string, string>;
}

export interface AlertsExport {
  checkpoint: string;
  window: { start: string; end: string };
  /** Distinct alert names per severity that fired in the window. */
  counts: { critical: number; warning: number };
  fired: FiredAlert[];
  /** From Alertmanager's /api/v2/alerts; null when no Alertmanager was given. */
  active_now: ActiveAlert[] | null;
  alertmanager_error?: string;
}

/** Range-query series of `ALERTS{alertstate="firing"}` to one entry per series. */
export function firedAlerts(
  series: readonly { metric: Record<string, string>; points: readonly [number, number][] }[],
  stepSeconds: number,
  own: ReadonlyMap<string, string>,
): FiredAlert[] {
  const out: FiredAlert[] = [];
  for (const s of series) {
    const name = s.metric.alertname;
    if (!name || !own.has(name)) continue;
    const firing = s.points.filter(([, v]) => v > 0).map(([t]) => t);
    if (firing.length === 0) continue;
    const { __name__: _n, alertstate: _s, ...labels } = s.metric;
    out.push({
      alertname: name,
      severity: s.metric.severity ?? own.get(name)!,
      labels,
      first_firing: toRfc3339(Math.min(...firing)),
      last_firing: toRfc3339(Math.max(...firing)),
      firing_minutes: (firing.length * stepSeconds) / 60,
    });
  }
  return out.sort((a, b) => a.first_firing.localeCompare(b.first_firing) || a.alertname.localeCompare(b.alertname));
}

/** Alertmanager's v2 alert list, kept to our critical and warning alerts. */
export function activeAlerts(body: unknown, own: ReadonlyMap<string, string>): ActiveAlert[] {
  if (!Array.isArray(body)) throw new TypeError('Alertmanager did not answer a list of alerts');
  const out: ActiveAlert[] = [];
  for (const a of body as { labels?: Record<string, string>; startsAt?: string; status?: { state?: string } }[]) {
    const labels = a?.labels ?? {};
    const name = labels.alertname;
    if (!name || !own.has(name)) continue;
    const severity = labels.severity ?? own.get(name)!;
    if (severity !== 'critical' && severity !== 'warning') continue;
    out.push({ alertname: name, severity, state: a.status?.state ?? 'unknown', starts_at: a.startsAt ?? '', labels });
  }
  return out.sort((x, y) => x.alertname.localeCompare(y.alertname));
}

export function alertCounts(fired: readonly FiredAlert[]): { critical: number; warning: number } {
  const names = (sev: string) => new Set(fired.filter((f) => f.severity === sev).map((f) => f.alertname)).size;
  return { critical: names('critical'), warning: names('warning') };
}

/** GET Alertmanager's active alerts through the shared transport (timeout, retries). */
export async function fetchAlertmanager(url: string, timeoutMs = 10_000): Promise<unknown> {
  const transport = new HttpTransport({ url, timeoutMs, deadlineMs: timeoutMs * 3, headers: { Accept: 'application/json' } });
  const u = new URL('api/v2/alerts', transport.baseUrl);
  u.searchParams.set('active', 'true');
  u.searchParams.set('silenced', 'false');
  u.searchParams.set('inhibited', 'false');
  try {
    const res = await transport.send({ method: 'GET', path: u });
    if (res.status < 200 || res.status >= 300) throw new Error(`Alertmanager ${u.origin} answered HTTP ${res.status}`);
    try {
      return JSON.parse(res.body);
    } catch {
      throw new Error(`Alertmanager ${u.origin} did not answer JSON`);
    }
  } catch (err) {
    if (err instanceof TransportError) throw new Error(err.kind === 'server' ? `Alertmanager ${u.origin} answered HTTP ${err.status}` : err.message);
    throw err;
  } finally {
    transport.close();
  }
}
