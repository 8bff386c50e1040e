// Compiled allowlist matching. Kept apart from allowlist.ts (YAML + ajv) so scan workers load
// only this small module.
import type { PiiCategory } from '../contract/metrics.ts';
import { PII_CATEGORIES } from '../contract/metrics.ts';
import { parseIPv4, parseIPv6, phoneShape } from './validators.ts';

/** Allowed values per category (the parsed `--allow` YAML). */
export type AllowList = Partial<Record<PiiCategory, string[]>>;

export interface Cidr {
  v6: boolean;
  bytes: Uint8Array;
  prefix: number;
}

export function parseCidr(entry: string): Cidr | undefined {
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

export function inCidr(c: Cidr, b: Uint8Array): boolean {
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
  const phones = new Set((list.phone ?? []).map((p) => phoneShape(p)));
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
