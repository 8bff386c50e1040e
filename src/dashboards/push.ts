// Imports generated dashboards into Grafana through the classic HTTP API
// (POST /api/dashboards/db, overwrite: true). The token only ever goes into the
// Authorization header: no message, error or log line contains it.
import { dashboardJson } from './json.ts';

export interface LocalDashboard {
  readonly uid: string;
  readonly title: string;
  /** The dashboard model as generated. */
  readonly dashboard: Record<string, unknown>;
}

export interface PushOptions {
  /** Grafana root URL, e.g. https://grafana.example.com or http://host/grafana/. */
  readonly grafanaUrl: string;
  readonly token: string;
  readonly folderUid?: string;
  readonly message: string;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export type PushStatus = 'imported' | 'failed' | 'create' | 'update' | 'unchanged';

export interface PushResult {
  readonly uid: string;
  readonly status: PushStatus;
  /** One line for the person running the push. */
  readonly line: string;
}

/** A failure that makes every further request pointless (token, folder, connection). */
export class GrafanaFatal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrafanaFatal';
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

export function grafanaBase(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new GrafanaFatal(`--grafana: "${url}" is not a URL (expected e.g. https://grafana.example.com)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new GrafanaFatal(`--grafana: "${url}" must be an http or https URL`);
  if (u.username || u.password) throw new GrafanaFatal('--grafana: put credentials in GRAFANA_TOKEN, not in the URL');
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  u.search = '';
  u.hash = '';
  return u;
}

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** The body parsed as a JSON object (Grafana's API always answers one). */
  readonly json: boolean;
  readonly contentType: string;
  /** The start of the body as text, for saying what came back when it is not Grafana's JSON. */
  readonly text: string;
  readonly location: string | null;
}

/**
 * What came back instead of Grafana's JSON, in a few words: an HTML page by its title (an SSO
 * proxy's sign-in page answers 200 too), a redirect by where it leads, else the type and start.
 */
export function describeAnswer(r: Pick<Reply, 'status' | 'contentType' | 'text' | 'location'>): string {
  if (r.status >= 300 && r.status < 400) {
    let to = r.location ?? '';
    try {
      const u = new URL(to);
      to = `${u.origin}${u.pathname}`;
    } catch {
      // a relative Location: as sent
    }
    return `a ${r.status} redirect${to ? ` to ${to}` : ''} (a sign-in proxy in front of Grafana?)`;
  }
  const type = r.contentType.split(';')[0].trim() || 'no content type';
  const title = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(r.text)?.[1]?.trim().slice(0, 60);
  if (/html/i.test(type) || /^\s*<(!doctype|html)/i.test(r.text)) return `an HTML page${title ? ` titled "${title}"` : ''} (${r.status}, ${type}; a sign-in proxy, or not Grafana's root URL?)`;
  const start = r.text.replace(/\s+/g, ' ').trim().slice(0, 80);
  return `${r.status} ${type}${start ? `: ${start}` : ' with an empty body'}`;
}

function oneLine(s: string, token: string): string {
  // redact before flattening whitespace, or a token with a space or newline in it would no longer match
  let safe = s;
  for (const t of new Set([token, token.trim()])) if (t) safe = safe.split(t).join('[redacted]');
  safe = safe.replace(/\s+/g, ' ').trim();
  return safe.length > 200 ? `${safe.slice(0, 197)}...` : safe;
}

function networkError(e: unknown, base: URL, timeoutMs: number): GrafanaFatal {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? (err as NodeJS.ErrnoException).code;
  const where = base.origin;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return new GrafanaFatal(`Grafana at ${where} did not answer within ${timeoutMs / 1000} s`);
  if (code === 'ECONNREFUSED') return new GrafanaFatal(`cannot connect to Grafana at ${where}: connection refused (is Grafana running, and is --grafana right?)`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new GrafanaFatal(`cannot connect to Grafana at ${where}: host ${base.hostname} not found`);
  return new GrafanaFatal(`cannot connect to Grafana at ${where}: ${code ?? err.cause?.message ?? err.message}`);
}

async function call(opts: PushOptions, base: URL, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await doFetch(new URL(path, base), {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: `Bearer ${opts.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      // a redirect is never Grafana's API answering: say where it led instead of following it
      redirect: 'manual',
    });
  } catch (e) {
    throw networkError(e, base, timeoutMs);
  }
  const text = await res.text();
  let parsed: unknown;
  let json = false;
  try {
    parsed = JSON.parse(text);
    json = !!parsed && typeof parsed === 'object' && !Array.isArray(parsed);
  } catch {
    parsed = { message: text };
  }
  return {
    status: res.status,
    body: parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {},
    json,
    contentType: res.headers.get('content-type') ?? '',
    text: oneLine(text.slice(0, 2000), opts.token),
    location: res.headers.get('location'),
  };
}

/** Not Grafana answering at all (HTML, a redirect, plain text): the same for every dashboard, so it stops the run. */
function notGrafana(r: Reply, what: string): GrafanaFatal | null {
  if (r.json && !(r.status >= 300 && r.status < 400)) return null;
  return new GrafanaFatal(`${what} did not answer Grafana's JSON: got ${describeAnswer(r)}`);
}

/** The errors that are the same for every dashboard: stop at the first. */
function fatalFor(r: Reply, opts: PushOptions, what: string): GrafanaFatal | null {
  const msg = oneLine(String(r.body.message ?? ''), opts.token);
  if (r.status === 401) return new GrafanaFatal(`Grafana rejected GRAFANA_TOKEN (401 Unauthorized${msg ? `: ${msg}` : ''}): the token is wrong, expired or revoked; create a new service account token`);
  if (r.status === 403) {
    const scope = opts.folderUid ? ` in folder "${opts.folderUid}"` : '';
    return new GrafanaFatal(`GRAFANA_TOKEN may not ${what}${scope} (403 Forbidden${msg ? `: ${msg}` : ''}): give the token's service account the Editor role or dashboards:write on the folder`);
  }
  return null;
}

/** POSTs one dashboard. Returns a per-dashboard result, or throws GrafanaFatal. */
export async function pushDashboard(d: LocalDashboard, opts: PushOptions, base = grafanaBase(opts.grafanaUrl)): Promise<PushResult> {
  // id null: Grafana matches by uid, so the same JSON imports into any Grafana
  const payload = { dashboard: { ...d.dashboard, id: null }, folderUid: opts.folderUid ?? '', message: opts.message, overwrite: true };
  const r = await call(opts, base, 'POST', 'api/dashboards/db', payload);
  const fatal = fatalFor(r, opts, 'write dashboards') ?? notGrafana(r, `POST ${new URL('api/dashboards/db', base).toString()}`);
  if (fatal) throw fatal;
  const msg = oneLine(String(r.body.message ?? ''), opts.token);
  if (r.status === 200) {
    // Grafana's answer: {"id":…,"uid":"…","url":"/d/…","status":"success","version":N,"slug":"…"}
    const b = r.body;
    const wrong = [
      b.status !== 'success' ? `status ${JSON.stringify(b.status ?? null)} (want "success")` : '',
      b.uid !== d.uid ? `uid ${JSON.stringify(b.uid ?? null)} (want "${d.uid}")` : '',
      typeof b.version !== 'number' || !Number.isInteger(b.version) ? `version ${JSON.stringify(b.version ?? null)} (want a number)` : '',
    ].filter(Boolean);
    if (wrong.length) return { uid: d.uid, status: 'failed', line: `${d.uid}: not imported: Grafana answered 200 but ${wrong.join(', ')}: ${oneLine(JSON.stringify(b), opts.token).slice(0, 120)}` };
    const url = typeof b.url === 'string' ? new URL(b.url.replace(/^\//, ''), base).toString() : '';
    return { uid: d.uid, status: 'imported', line: `imported ${d.uid} "${d.title}" (version ${b.version})${url ? ` ${url}` : ''}` };
  }
  // Grafana 11+ answers 404 for an unknown folderUid; 9 and 10 answer 400 "folder not found"
  const folderMissing = r.status === 404 || (r.status === 400 && /folder not found/i.test(msg));
  if (folderMissing && opts.folderUid) {
    throw new GrafanaFatal(`Grafana folder "${opts.folderUid}" not found (${r.status}): create it, or pass the uid of an existing folder with --folder-uid`);
  }
  if (r.status === 404) {
    throw new GrafanaFatal(`Grafana answered 404 for POST api/dashboards/db at ${base.toString()}: is --grafana the Grafana root URL?`);
  }
  if (r.status === 412) {
    const status = String(r.body.status ?? '');
    const fix =
      status === 'name-exists'
        ? `another dashboard titled "${d.title}" already exists in the folder; rename or delete it in Grafana, or push to another --folder-uid`
        : status === 'plugin-dashboard'
          ? 'a plugin provides a dashboard with this uid; remove the plugin dashboard in Grafana first'
          : `someone changed it in Grafana meanwhile; run \`slogate dashboards push --dry-run\` to see the difference, move wanted edits into dashboards/*.ts, then push again (the push overwrites)`;
    return { uid: d.uid, status: 'failed', line: `${d.uid}: version conflict (412 ${status || 'Precondition Failed'}${msg ? `: ${msg}` : ''}): ${fix}` };
  }
  return { uid: d.uid, status: 'failed', line: `${d.uid}: Grafana answered ${r.status}${msg ? `: ${msg}` : ''}` };
}

/** What a push would change for one dashboard, from GET /api/dashboards/uid/<uid>. */
export async function planDashboard(d: LocalDashboard, opts: PushOptions, base = grafanaBase(opts.grafanaUrl)): Promise<PushResult> {
  const path = `api/dashboards/uid/${encodeURIComponent(d.uid)}`;
  const r = await call(opts, base, 'GET', path);
  const fatal = fatalFor(r, opts, 'read dashboards') ?? notGrafana(r, `GET ${new URL(path, base).toString()}`);
  if (fatal) throw fatal;
  // Grafana's 404 is JSON ({"message":"Dashboard not found"}); an HTML 404 stopped above
  if (r.status === 404) return { uid: d.uid, status: 'create', line: `would create ${d.uid} "${d.title}"` };
  if (r.status !== 200) {
    const msg = oneLine(String(r.body.message ?? ''), opts.token);
    return { uid: d.uid, status: 'failed', line: `${d.uid}: Grafana answered ${r.status}${msg ? `: ${msg}` : ''}` };
  }
  // Grafana's answer: {"dashboard":{…,"uid":"…","version":N},"meta":{…}}
  if (!r.body.dashboard || typeof r.body.dashboard !== 'object' || !r.body.meta || typeof r.body.meta !== 'object') {
    throw new GrafanaFatal(`GET ${new URL(path, base).toString()} answered 200 without Grafana's {"dashboard", "meta"}: ${oneLine(JSON.stringify(r.body), opts.token).slice(0, 120)}`);
  }
  const remote = r.body.dashboard as Record<string, unknown>;
  const meta = (r.body.meta ?? {}) as Record<string, unknown>;
  const changes = diffDashboards(remote, d.dashboard);
  const remoteFolder = typeof meta.folderUid === 'string' ? meta.folderUid : '';
  if (remoteFolder !== (opts.folderUid ?? '')) changes.push(`folder "${remoteFolder || 'General'}" -> "${opts.folderUid || 'General'}"`);
  const version = String(remote.version ?? meta.version ?? '?');
  if (!changes.length) return { uid: d.uid, status: 'unchanged', line: `unchanged ${d.uid} (version ${version})` };
  return { uid: d.uid, status: 'update', line: `would update ${d.uid} from version ${version}: ${changes.join('; ')}` };
}

const strip = (d: Record<string, unknown>) => {
  const { id: _id, version: _v, panels: _p, ...rest } = d;
  return rest;
};

/** Human summary of the differences: changed top-level fields, panels added, removed, changed. */
export function diffDashboards(remote: Record<string, unknown>, local: Record<string, unknown>): string[] {
  const out: string[] = [];
  const a = strip(remote);
  const b = strip(local);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const fields = keys.filter((k) => dashboardJson(a[k] ?? null) !== dashboardJson(b[k] ?? null));
  if (fields.length) out.push(`fields ${fields.join(', ')}`);
  const byId = (d: Record<string, unknown>) =>
    new Map(((Array.isArray(d.panels) ? d.panels : []) as Record<string, unknown>[]).map((p) => [Number(p.id), dashboardJson(p)]));
  const pa = byId(remote);
  const pb = byId(local);
  const added = [...pb.keys()].filter((k) => !pa.has(k));
  const removed = [...pa.keys()].filter((k) => !pb.has(k));
  const changed = [...pb.keys()].filter((k) => pa.has(k) && pa.get(k) !== pb.get(k));
  if (added.length) out.push(`panels added ${added.join(', ')}`);
  if (removed.length) out.push(`panels removed ${removed.join(', ')}`);
  if (changed.length) out.push(`panels changed ${changed.join(', ')}`);
  return out;
}

export interface PushSummary {
  readonly results: PushResult[];
  /** Set when the run stopped early; every dashboard not in results was not pushed. */
  readonly fatal?: string;
}

/** Pushes (or plans) every dashboard in order; stops at the first fatal error. */
export async function pushDashboards(list: readonly LocalDashboard[], opts: PushOptions & { readonly dryRun?: boolean }): Promise<PushSummary> {
  const results: PushResult[] = [];
  try {
    const base = grafanaBase(opts.grafanaUrl);
    for (const d of list) results.push(await (opts.dryRun ? planDashboard(d, opts, base) : pushDashboard(d, opts, base)));
  } catch (e) {
    if (e instanceof GrafanaFatal) return { results, fatal: oneLine(e.message, opts.token) };
    throw e;
  }
  return { results };
}
