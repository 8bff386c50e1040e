// Alertmanager's routing tree, evaluated the way Alertmanager does (dispatch.Route.Match):
// a route matches when all its matchers do; its children are tried in order, the first
// match stops the search unless that child says `continue`; a route none of whose children
// match takes the alert itself. Receivers are inherited from the parent. Pure.
import { parse } from 'yaml';

export type Labels = Readonly<Record<string, string>>;

export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface RouteNode {
  receiver: string;
  matchers: LabelMatcher[];
  continue: boolean;
  routes: RouteNode[];
  /** Where the route sits in the tree, e.g. `route.routes[1]`, for messages. */
  path: string;
}

export interface Receiver {
  name: string;
  /** Integrations configured (webhook_configs, slack_configs, ...): 0 drops every notification. */
  integrations: number;
}

export interface AlertmanagerRouting {
  root: RouteNode;
  receivers: Map<string, Receiver>;
}

export class RoutingConfigError extends Error {}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    return t.slice(1, -1).replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return t;
}

/** Splits `a="x,y", b=~"z"` on commas outside quotes. */
function splitMatchers(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted) {
      cur += c + (s[++i] ?? '');
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      if (cur.trim()) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

/** One entry of a route's `matchers:` list (which may hold several, optionally in braces). */
export function parseMatchers(entry: string, where: string): LabelMatcher[] {
  let s = entry.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  return splitMatchers(s).map((part) => {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*|"[^"]*")\s*(=~|!~|!=|=)\s*(.*)$/s.exec(part);
    if (!m) throw new RoutingConfigError(`${where}: cannot read matcher ${JSON.stringify(part.trim())}`);
    return { name: unquote(m[1]), op: m[2] as LabelMatcher['op'], value: unquote(m[3]) };
  });
}

function anchored(re: string, where: string): RegExp {
  try {
    return new RegExp(`^(?:${re})$`, 's');
  } catch {
    throw new RoutingConfigError(`${where}: regex ${JSON.stringify(re)} does not compile`);
  }
}

export function matcherMatches(m: LabelMatcher, labels: Labels): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchored(m.value, m.name).test(v);
    case '!~':
      return !anchored(m.value, m.name).test(v);
  }
}

type RawRoute = Record<string, unknown>;

function buildRoute(raw: RawRoute, parentReceiver: string | undefined, path: string): RouteNode {
  if (!raw || typeof raw !== 'object') throw new RoutingConfigError(`${path} is not a mapping`);
  const receiver = typeof raw.receiver === 'string' ? raw.receiver : parentReceiver;
  if (!receiver) throw new RoutingConfigError(`${path} has no receiver`);
  const matchers: LabelMatcher[] = [];
  const match = (raw.match ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(match)) matchers.push({ name: k, op: '=', value: String(v) });
  const matchRe = (raw.match_re ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(matchRe)) {
    anchored(String(v), `${path}.match_re.${k}`);
    matchers.push({ name: k, op: '=~', value: String(v) });
  }
  const list = raw.matchers ?? [];
  if (!Array.isArray(list)) throw new RoutingConfigError(`${path}.matchers is not a list`);
  list.forEach((entry, i) => {
    const ms = parseMatchers(String(entry), `${path}.matchers[${i}]`);
    for (const m of ms) if (m.op === '=~' || m.op === '!~') anchored(m.value, `${path}.matchers[${i}]`);
    matchers.push(...ms);
  });
  const children = raw.routes ?? [];
  if (!Array.isArray(children)) throw new RoutingConfigError(`${path}.routes is not a list`);
  return {
    receiver,
    matchers,
    continue: raw.continue === true,
    routes: children.map((c, i) => buildRoute(c as RawRoute, receiver, `${path}.routes[${i}]`)),
    path,
  };
}

/** Reads an alertmanager.yml (as `/api/v2/status` returns it in `config.original`). */
export function parseAlertmanagerConfig(yamlText: string): AlertmanagerRouting {
  let doc: Record<string, unknown>;
  try {
    doc = parse(yamlText) as Record<string, unknown>;
  } catch (err) {
    throw new RoutingConfigError(`the configuration is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!doc || typeof doc !== 'object' || !doc.route) throw new RoutingConfigError('the configuration has no route');
  const receivers = new Map<string, Receiver>();
  for (const r of (Array.isArray(doc.receivers) ? doc.receivers : []) as Record<string, unknown>[]) {
    if (!r || typeof r.name !== 'string') continue;
    const integrations = Object.entries(r)
      .filter(([k, v]) => k.endsWith('_configs') && Array.isArray(v))
      .reduce((n, [, v]) => n + (v as unknown[]).length, 0);
    receivers.set(r.name, { name: r.name, integrations });
  }
  return { root: buildRoute(doc.route as RawRoute, undefined, 'route'), receivers };
}

/** The routes an alert with these labels ends in (Alertmanager's own walk; the root always matches). */
export function matchRoutes(route: RouteNode, labels: Labels, isRoot = true): RouteNode[] {
  if (!isRoot && !route.matchers.every((m) => matcherMatches(m, labels))) return [];
  const out: RouteNode[] = [];
  for (const child of route.routes) {
    const hit = matchRoutes(child, labels, false);
    out.push(...hit);
    if (hit.length && !child.continue) break;
  }
  return out.length ? out : [route];
}

export interface RoutingOutcome {
  /** Receivers reached that have at least one integration. */
  delivered: string[];
  /** Receivers reached that drop notifications (no integrations, or not defined). */
  dropped: string[];
  routes: string[];
}

export function routeAlert(cfg: AlertmanagerRouting, labels: Labels): RoutingOutcome {
  const routes = matchRoutes(cfg.root, labels);
  const delivered: string[] = [];
  const dropped: string[] = [];
  for (const r of routes) {
    const rec = cfg.receivers.get(r.receiver);
    (rec && rec.integrations > 0 ? delivered : dropped).push(r.receiver);
  }
  return { delivered: [...new Set(delivered)], dropped: [...new Set(dropped)], routes: routes.map((r) => r.path) };
}
