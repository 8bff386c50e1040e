// Grafana's image renderer: the runbook's four panel renders. The token comes from the
// environment and goes only into the Authorization header, never into a message.
import type { Runbook } from '../contract/runbook.ts';
import { dashboardSlug, type EvidencePanel } from '../charts/panels.ts';

export interface GrafanaTarget {
  url: string;
  token?: string;
  timeoutMs?: number;
}

export const PANEL_WIDTH = 1200;
export const PANEL_HEIGHT = 600;

/** GRAFANA_TOKEN, or the runbook's GRAFANA_API_KEY. */
export function grafanaTokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.GRAFANA_TOKEN || env.GRAFANA_API_KEY || undefined;
}

export function renderUrl(rb: Runbook, base: string, panelId: number, window: { start: number; end: number }): URL {
  const dash = rb.dashboardPolicy.evidence;
  if (!dash) throw new Error('the runbook names no evidence dashboard (dashboardPolicy.evidence) for Grafana to render');
  const u = new URL(`render/d-solo/${dash.uid}/${dashboardSlug(dash.title)}`, base.endsWith('/') ? base : base + '/');
  u.username = '';
  u.password = '';
  u.searchParams.set('orgId', '1');
  u.searchParams.set('panelId', String(panelId));
  u.searchParams.set('width', String(PANEL_WIDTH));
  u.searchParams.set('height', String(PANEL_HEIGHT));
  u.searchParams.set('from', String(Math.round(window.start * 1000)));
  u.searchParams.set('to', String(Math.round(window.end * 1000)));
  u.searchParams.set('tz', 'UTC');
  return u;
}

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One panel as PNG bytes; throws a one-line error (without the token) otherwise. */
export async function renderPanel(rb: Runbook, g: GrafanaTarget, panel: EvidencePanel, window: { start: number; end: number }): Promise<Buffer> {
  const u = renderUrl(rb, g.url, panel.id, window);
  const where = `${u.origin}${u.pathname}?panelId=${panel.id}`;
  const headers: Record<string, string> = { Accept: 'image/png' };
  if (g.token) headers.Authorization = `Bearer ${g.token}`;
  let res: Response;
  try {
    res = await fetch(u, { headers, signal: AbortSignal.timeout(g.timeoutMs ?? 30_000) });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
    const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.cause?.message ?? e.message);
    throw new Error(`Grafana ${where} is unreachable: ${why}`);
  }
  if (!res.ok) throw new Error(`Grafana ${where} answered HTTP ${res.status}${res.status === 401 || res.status === 403 ? ' (check GRAFANA_TOKEN)' : ''}`);
  const body = Buffer.from(await res.arrayBuffer());
  // a login page or an error page can come back as 200
  if (!body.subarray(0, 8).equals(PNG_MAGIC)) throw new Error(`Grafana ${where} did not answer a PNG image`);
  return body;
}
