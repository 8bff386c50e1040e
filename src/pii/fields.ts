// Which field a value sits under, however the log writes it: JSON (nested objects, dotted keys,
// arrays), JSON escaped inside a JSON string, OTLP attribute lists, logfmt and `key: value`, and
// the positional fields of nginx/Apache and Envoy access logs. Pure functions over one line;
// only called for candidates that survived validation, so a backward scan is cheap enough.
import { normaliseField } from './policy.ts';

/** [A-Za-z0-9_.@$-] */
const isKeyChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 64 || c === 36 || c === 45;
/** How far back a field is looked for; a longer stretch reads as free text. */
const MAX_BACK = 4096;

export interface KeyAt {
  key: string;
  /** Index of the key's first character. */
  start: number;
}

/**
 * The key a value starting at `pos` belongs to: `"key":"v"`, `"key": v`, `"key":["v"`, `key=v`,
 * `key: v`, and the escaped forms `\"key\":\"v\"`; undefined when the value stands alone.
 */
/** The OpenTelemetry collector's debug exporter wraps values in their type: `host.ip: Str(10.0.0.1)`. */
const OTEL_TYPE = /(?:Str|Int|Double|Bool|Bytes)$/;

export function keyAt(line: string, pos: number): KeyAt | undefined {
  let i = pos - 1;
  if (i >= 4 && line[i] === '(') {
    const t = OTEL_TYPE.exec(line.slice(i - 6, i));
    if (t) i -= t[0].length + 1;
  }
  if (i >= 0 && (line[i] === '"' || line[i] === "'")) i--;
  if (i >= 0 && line[i] === '\\') i--;
  while (i >= 0 && line[i] === ' ') i--;
  if (i >= 0 && line[i] === '[') {
    i--;
    while (i >= 0 && line[i] === ' ') i--;
  }
  if (i >= 0 && line[i] === '>' && line[i - 1] === '=') i--; // Ruby `"k"=>"v"`
  if (i < 0 || (line[i] !== ':' && line[i] !== '=')) return undefined;
  const colon = line[i] === ':';
  i--;
  while (i >= 0 && line[i] === ' ') i--;
  const quoted = i >= 0 && (line[i] === '"' || line[i] === "'");
  if (quoted) i--;
  if (i >= 0 && line[i] === '\\') i--;
  if (i >= 0 && line[i] === ')') i--; // Postgres `Key (username)=(x)`
  const end = i + 1;
  while (i >= 0 && end - i <= 128 && isKeyChar(line.charCodeAt(i))) i--;
  if (end - i - 1 <= 0) return undefined;
  const key = line.slice(i + 1, end);
  // uvicorn's `INFO:     208.122.8.11:0 - "GET …`: a log level, not a field
  if (colon && !quoted && LOG_LEVELS.has(key)) return undefined;
  return { key, start: i + 1 };
}

const LOG_LEVELS = new Set(['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'WARNING', 'ERROR', 'CRITICAL', 'FATAL', 'SEVERE', 'ALERT', 'EMERG', 'PANIC']);

/** Back from `pos` to the nearest quote (escaped or not) on the line. */
function quoteBefore(line: string, pos: number): number {
  for (let i = pos - 1; i >= 0 && pos - i < MAX_BACK; i--) if (line[i] === '"') return i;
  return -1;
}

/** The key of a value that `pos` sits inside: a quoted string, or an element of an array. */
function enclosingKey(line: string, pos: number): KeyAt | undefined {
  const q = quoteBefore(line, pos);
  if (q < 0) return undefined;
  let j = q - 1;
  const escaped = line[j] === '\\';
  if (escaped) j--;
  while (j >= 0 && line[j] === ' ') j--;
  if (line[j] === ':' || line[j] === '=') return keyAt(line, q + 1);
  // `"upstream":"dial tcp \"52.95.110.1:443\": …"`: an escaped quote mid-string is text; the
  // string it sits in is the one an unescaped quote opened
  if (escaped) {
    let o = q;
    do o = quoteBefore(line, o); while (o > 0 && line[o - 1] === '\\');
    return o > 0 ? enclosingKey(line, o + 1) : undefined;
  }
  if (line[j] === '[') return keyAt(line, j + 1);
  if (line[j] === ',') {
    // an array element: back to the '[' that opens the array (same nesting level)
    let depth = 0;
    for (let i = j - 1; i >= 0 && pos - i < MAX_BACK; i--) {
      const c = line[i];
      if (c === ']' || c === '}') depth++;
      else if (c === '{') {
        if (depth === 0) return undefined; // a comma between object members: not in an array
        depth--;
      } else if (c === '[') {
        if (depth === 0) return keyAt(line, i + 1);
        depth--;
      }
    }
  }
  return undefined;
}

const OTLP_VALUE_KEYS = new Set(['stringValue', 'intValue', 'doubleValue', 'boolValue', 'bytesValue', 'value']);
const OTLP_KEY = /\\?"key\\?"\s*:\s*\\?"([^"\\]{1,200})\\?"/g;

/**
 * Enclosing object keys of `pos`, outermost first. Braces are counted whatever quotes or
 * escapes surround them, so JSON escaped inside a string nests like JSON; a document embedded
 * in a string (`"log":"{\"user\":…}"`) is its own root, so its fields are named as written.
 * Returns the OTLP attribute key instead when `pos` is inside `{"key":K,"value":{…}}`.
 */
function parents(line: string, pos: number): { path: string[]; otlp?: string } {
  const path: string[] = [];
  let depth = 0;
  for (let i = pos - 1; i >= 0 && pos - i < MAX_BACK; i--) {
    const c = line[i];
    if (c === '}' || c === ']') depth++;
    else if (c === '{' || c === '[') {
      if (depth > 0) {
        depth--;
        continue;
      }
      let b = i - 1;
      if (line[b] === '\\') b--;
      if (line[b] === '"') break; // embedded document root
      const k = keyAt(line, i);
      if (k) {
        path.unshift(k.key);
        i = k.start;
      }
    }
  }
  return { path };
}

/** OTLP `{"key":"enduser.id","value":{"stringValue":"x"}}`: the attribute key for a value at `pos`. */
function otlpKey(line: string, keyStart: number): string | undefined {
  // the attribute object opens before `"value":{` (or holds `"value":"x"` directly)
  const from = Math.max(0, keyStart - 400);
  const before = line.slice(from, keyStart);
  let last: string | undefined;
  OTLP_KEY.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = OTLP_KEY.exec(before))) last = m[1];
  return last;
}

const NGINX = /^(\S+) (\S+) (\S+) \[[^\]]{1,64}\] /;
const ENVOY = /^\[[^\]]{1,64}\] /;
const NGINX_QUOTED = ['request', 'http_referer', 'http_user_agent', 'http_x_forwarded_for'];
const NGINX_BARE = ['status', 'body_bytes_sent'];
const ENVOY_QUOTED = ['request', 'x_forwarded_for', 'user_agent', 'x_request_id', 'authority', 'upstream_host'];

// what may stand before the record: a container runtime's prefix (CRI), or the string of Docker's
// json-file (`{"log":"…`) and of JSON loggers (`{"message":"…`), where its quotes are escaped;
// then Ambassador's `ACCESS `
/** A container runtime's prefix before a record (CRI: `2026-11-30T09:27:02.123Z stdout F `). */
export const CRI_PREFIX = String.raw`\S+ (?:stdout|stderr) [FP] `;
/** The keys a whole record may be logged under. */
const RECORD_KEYS = new Set(['log', 'message', 'msg']);
const RECORD_PREFIX = new RegExp(String.raw`^(?:${CRI_PREFIX}|(\{?"(?:${[...RECORD_KEYS].join('|')})"\s*:\s*"))?(?:ACCESS )?`);

/**
 * The positional field of an access-log line (nginx/Apache combined and main, Envoy's default
 * text format) that `pos` is in, or undefined.
 */
export function positionalField(line: string, pos: number): string | undefined {
  const m = RECORD_PREFIX.exec(line)!;
  const base = m[0].length;
  if (pos < base) return undefined;
  return recordField(base ? line.slice(base) : line, pos - base, m[1] !== undefined);
}

function recordField(line: string, pos: number, escaped: boolean): string | undefined {
  let m = NGINX.exec(line);
  let quoted = NGINX_QUOTED;
  let bare: string[] = NGINX_BARE;
  if (m) {
    const a = m[1].length;
    const u = a + 1 + m[2].length + 1;
    if (pos < a) return 'remote_addr';
    if (pos >= u && pos < u + m[3].length) return 'remote_user';
  } else {
    m = ENVOY.exec(line);
    if (!m) return undefined;
    quoted = ENVOY_QUOTED;
    bare = [];
  }
  let i = m[0].length;
  let q = 0;
  let b = 0;
  while (i < line.length && i <= pos) {
    if (line[i] === ' ') {
      i++;
      continue;
    }
    let end: number;
    let name: string | undefined;
    // inside a JSON string the record's quotes are `\"`, and a bare `"` ends the record
    if (escaped && line[i] === '"') return undefined;
    if (escaped ? line[i] === '\\' && line[i + 1] === '"' : line[i] === '"') {
      const close = escaped ? line.indexOf('\\"', i + 2) : -1;
      if (escaped) end = close < 0 ? line.length : close + 2;
      else {
        end = i + 1;
        while (end < line.length && line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
        end++;
      }
      name = quoted[q++];
    } else {
      end = line.indexOf(' ', i);
      if (end < 0) end = line.length;
      name = q >= 1 ? bare[b++] : undefined;
    }
    if (pos >= i && pos < end) return name;
    i = end;
  }
  return undefined;
}

/**
 * The normalised field a value starting at `pos` sits under (`client.ip`, `upstream_addr`,
 * `enduser.id`, `remote_user`), or `text` when it stands in free text.
 */
export function fieldOf(line: string, pos: number, positional = true): string {
  const k = keyAt(line, pos) ?? enclosingKey(line, pos);
  if (!k) return (positional && positionalField(line, pos)) || 'text';
  // a record logged whole under `log` or `message` (Docker's json-file): its columns name the field
  if (positional && RECORD_KEYS.has(k.key) && !parents(line, k.start).path.length) {
    const column = positionalField(line, pos);
    if (column) return column;
  }
  if (OTLP_VALUE_KEYS.has(k.key)) {
    const attr = otlpKey(line, k.start);
    if (attr) return normaliseField(attr) || 'text';
  }
  const { path } = parents(line, k.start);
  path.push(k.key);
  return normaliseField(path.join('.')) || 'text';
}

/** The normalised path of the object that holds a key starting at `keyStart` (empty at the root). */
export function parentPath(line: string, keyStart: number): string {
  return normaliseField(parents(line, keyStart).path.join('.'));
}
