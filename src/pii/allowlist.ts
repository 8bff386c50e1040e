// The `--allow FILE` allowlist: plain data (YAML) validated with ajv, compiled into a matcher.
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { PII_CATEGORIES, type PiiCategory } from '../contract/metrics.ts';
import { UserError } from '../cli/errors.ts';
import { isEmail, parseIPv4, parseIPv6, validPhone } from './validators.ts';

/**
 * Allowed values per category, e.g.
 * `ip: [10.0.0.0/8, "2001:db8::/32", 203.0.113.7]`, `email: [example.com, noreply@acme.io]`,
 * `username: [system, "svc-*"]`, `phone: ["+1 415 555 0100"]`, `card: ["4111111111111111"]`.
 */
export type AllowList = Partial<Record<PiiCategory, string[]>>;

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    PII_CATEGORIES.map((c) => [c, { type: 'array', items: { type: 'string', minLength: 1 } }]),
  ),
} as const;

const ajv = new Ajv({ allErrors: true });
const validateShape = ajv.compile<AllowList>(schema);

export async function loadAllowList(file: string): Promise<AllowList> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read allowlist ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 2);
  }
  return parseAllowList(text, file);
}

/** Parses and validates allowlist YAML; throws a one-line UserError naming the file and the entry. */
export function parseAllowList(text: string, source = 'allowlist'): AllowList {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new UserError(`${source}: invalid YAML: ${(err as Error).message.split('\n')[0]}`, 2);
  }
  if (data === null || data === undefined) return {};
  if (!validateShape(data)) {
    const e = validateShape.errors![0];
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      throw new UserError(`${source}: unknown category '${extra}' (expected one of ${PII_CATEGORIES.join(', ')})`, 2);
    }
    throw new UserError(`${source}: ${e.instancePath || '/'} ${e.message}`, 2);
  }
  for (const cat of PII_CATEGORIES) {
    (data[cat] ?? []).forEach((entry, i) => {
      const problem = entryProblem(cat, entry);
      if (problem) throw new UserError(`${source}: ${cat}[${i}] '${entry}' ${problem}`, 2);
    });
  }
  return data;
}

function entryProblem(cat: PiiCategory, entry: string): string | undefined {
  switch (cat) {
    case 'ip':
      return parseCidr(entry) ? undefined : 'is not an IP address or CIDR';
    case 'email':
      if (entry.includes('@')) return isEmail(entry) ? undefined : 'is not a valid email address';
      return /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(entry) ? undefined : 'is not a domain or email address';
    case 'phone':
      return validPhone(entry, undefined, true) ? undefined : 'is not a valid phone number';
    case 'card':
      return /^[\d -]{13,23}$/.test(entry) ? undefined : 'is not a card number (13-19 digits)';
    case 'username':
      return undefined;
  }
}

interface Cidr {
  v6: boolean;
  bytes: Uint8Array;
  prefix: number;
}

function parseCidr(entry: string): Cidr | undefined {
  const slash = entry.indexOf('/');
  const addr = slash >= 0 ? entry.slice(0, slash) : entry;
  const v4 = parseIPv4(addr);
  let bytes: Uint8Array | undefined;
  let v6 = false;
  if (v4 !== undefined) {
    bytes = new Uint8Array([v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255]);
  } else {
    bytes = parseIPv6(addr);
    v6 = true;
  }
  if (!bytes) return undefined;
  const max = v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  return { v6, bytes, prefix };
}

function inCidr(c: Cidr, b: Uint8Array): boolean {
  if (b.length !== c.bytes.length) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((b[i] & mask) !== (c.bytes[i] & mask)) return false;
  }
  return true;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'i');
}

export interface AllowMatcher {
  /** `norm` is the detector's normalised value (lowercased email, E.164 phone, digits, canonical IP). */
  allows(category: PiiCategory, norm: string): boolean;
}

export function compileAllowList(list: AllowList | undefined): AllowMatcher | undefined {
  if (!list || PII_CATEGORIES.every((c) => !list[c]?.length)) return undefined;
  const cidrs = (list.ip ?? []).map((e) => parseCidr(e)!);
  const emails = new Set((list.email ?? []).filter((e) => e.includes('@')).map((e) => e.toLowerCase()));
  const domains = (list.email ?? []).filter((e) => !e.includes('@')).map((e) => e.toLowerCase());
  const users = (list.username ?? []).map(globToRegExp);
  const phones = new Set((list.phone ?? []).map((p) => validPhone(p, undefined, true)));
  const cards = new Set((list.card ?? []).map((c) => c.replace(/\D/g, '')));
  return {
    allows(category, norm) {
      switch (category) {
        case 'ip': {
          const b = norm.includes(':') ? parseIPv6(norm) : ipv4Bytes(norm);
          return !!b && cidrs.some((c) => inCidr(c, b));
        }
        case 'email': {
          if (emails.has(norm)) return true;
          const domain = norm.slice(norm.indexOf('@') + 1);
          return domains.some((d) => domain === d || domain.endsWith('.' + d));
        }
        case 'username':
          return users.some((r) => r.test(norm));
        case 'phone':
          return phones.has(norm);
        case 'card':
          return cards.has(norm);
      }
    },
  };
}

function ipv4Bytes(s: string): Uint8Array | undefined {
  const v = parseIPv4(s);
  return v === undefined ? undefined : new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}
