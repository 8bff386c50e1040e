// Pure validators: a candidate string in, a verdict out. No I/O, no regex backtracking.
import { createRequire } from 'node:module';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

const require = createRequire(import.meta.url);
// The maintained IANA list (plus IDN forms) from the `tlds` package.
const TLDS: ReadonlySet<string> = new Set((require('tlds') as string[]).map((t) => t.toLowerCase()));

/** Luhn checksum over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

export type CardNetwork = 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay' | 'maestro';

// Maestro's IIN prefixes (12-19 digits; we look at 13-19).
const MAESTRO_PREFIXES = new Set([5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763]);

/** The card network whose IIN range and length fit these digits, or undefined. */
export function cardNetwork(digits: string): CardNetwork | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if (
    (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) &&
    n >= 16 &&
    n <= 19
  )
    return 'discover';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p4 === 3095) && n >= 14 && n <= 19)
    return 'diners';
  if (p2 === 62 && n >= 16 && n <= 19) return 'unionpay';
  if (MAESTRO_PREFIXES.has(p4) && n >= 13) return 'maestro';
  return undefined;
}

/** A card number: 13-19 digits passing Luhn and starting with a real network's prefix. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && cardNetwork(digits) !== undefined && luhnValid(digits);
}

/** Parses dotted-quad IPv4 (no leading zeros, octets 0-255) into a 32-bit number, or undefined. */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return undefined;
    if (p.length > 1 && p[0] === '0') return undefined;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
    const o = Number(p);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v;
}

/** Parses an IPv6 address (with `::` and an optional embedded IPv4 tail) into 16 bytes, or undefined. */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct); // zone id
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const groups: number[] = [];
  let v4: number | undefined;
  const parseSide = (side: string, isTail: boolean): number[] | undefined => {
    if (side === '') return [];
    const parts = side.split(':');
    const out: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (isTail && i === parts.length - 1 && p.includes('.')) {
        v4 = parseIPv4(p);
        if (v4 === undefined) return undefined;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
        continue;
      }
      if (p.length === 0 || p.length > 4 || !/^[0-9a-fA-F]+$/.test(p)) return undefined;
      out.push(parseInt(p, 16));
    }
    return out;
  };
  if (dbl >= 0) {
    const head = parseSide(s.slice(0, dbl), false);
    const tail = parseSide(s.slice(dbl + 2), true);
    if (!head || !tail) return undefined;
    if (head.length + tail.length > 7) return undefined;
    groups.push(...head, ...new Array(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    const all = parseSide(s, true);
    if (!all || all.length !== 8) return undefined;
    groups.push(...all);
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = groups[i] >> 8;
    bytes[2 * i + 1] = groups[i] & 0xff;
  }
  return bytes;
}

/**
 * Not about any person: 0.0.0.0, loopback 127.0.0.0/8, and 224.0.0.0/3 (multicast groups, the
 * reserved class E, netmasks like 255.255.255.0 and the 255.255.255.255 broadcast).
 */
export function isIPv4Excluded(v: number): boolean {
  const first = Math.floor(v / 16777216);
  return v === 0 || first === 127 || first >= 224;
}

/**
 * Only unicast ranges that hosts are given are about a person: global unicast 2000::/3, unique local
 * fc00::/7, link-local fe80::/10, and IPv4 carried in IPv6 (::ffff:0:0/96, NAT64 64:ff9b::/96) unless
 * that IPv4 is excluded. Everything else (`::`, `::1`, multicast ff00::/8, unassigned space) is not,
 * which also keeps `Db::Add` and Python's `data[1::2]` from reading as addresses.
 */
export function isIPv6Excluded(b: Uint8Array): boolean {
  if (isV4Mapped(b)) return isIPv4Excluded(v4FromMapped(b));
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    for (let i = 4; i < 12; i++) if (b[i] !== 0) return true;
    return isIPv4Excluded(((b[12] << 24) >>> 0) + (b[13] << 16) + (b[14] << 8) + b[15]);
  }
  if ((b[0] & 0xe0) === 0x20) return false; // 2000::/3
  if ((b[0] & 0xfe) === 0xfc) return false; // fc00::/7
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return false; // fe80::/10
  return true;
}

export function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

export function v4FromMapped(b: Uint8Array): number {
  return ((b[12] << 24) >>> 0) + (b[13] << 16) + (b[14] << 8) + b[15];
}

export function formatIPv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

/** Canonical lowercase, zero-compressed-free form (every group, no leading zeros), for fingerprints. */
export function formatIPv6(b: Uint8Array): string {
  const g: string[] = [];
  for (let i = 0; i < 8; i++) g.push(((b[2 * i] << 8) | b[2 * i + 1]).toString(16));
  return g.join(':');
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const LOCAL = /^[A-Za-z0-9._%+-]{1,64}$/;

/** A syntactically valid address whose TLD is a real top-level domain. */
export function isEmail(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at !== address.indexOf('@')) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (!LOCAL.test(local) || local[0] === '.' || local.endsWith('.') || local.includes('..')) return false;
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) if (!LABEL.test(l)) return false;
  const tld = labels[labels.length - 1];
  return !/^[0-9]+$/.test(tld) && TLDS.has(tld);
}

export function isTld(s: string): boolean {
  return TLDS.has(s.toLowerCase());
}

/** Default region for numbers written without `+`: the NANP grouping rules below assume it. */
export const DEFAULT_PHONE_REGION: CountryCode = 'US';

/**
 * Validates a phone number with libphonenumber's full metadata. Returns E.164 or undefined.
 * `text` keeps its `+` if it had one; digits without `+` are read in `region`, and, when
 * `tryInternational` (bare values under a phone key, e.g. msisdn), also as `+digits`.
 */
export function validPhone(text: string, region: CountryCode = DEFAULT_PHONE_REGION, tryInternational = false): string | undefined {
  const digits = text.replace(/[^0-9]/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  const plus = text.trimStart().startsWith('+');
  const tries = plus ? ['+' + digits] : tryInternational ? [digits, '+' + digits] : [digits];
  for (const t of tries) {
    const p = parsePhoneNumberFromString(t, plus || t.startsWith('+') ? undefined : region);
    if (p && p.isValid()) return p.number;
  }
  // Under a phone key, a national number with a trunk prefix (`07700 900123`, `030 901820`) is
  // still a phone: try the regions slogate's users most often log in.
  if (tryInternational && !plus && digits[0] === '0') {
    for (const r of NATIONAL_REGIONS) {
      const p = parsePhoneNumberFromString(digits, r);
      if (p && p.isValid()) return p.number;
    }
  }
  return undefined;
}

/** Regions tried for bare national numbers under a phone key (after DEFAULT_PHONE_REGION). */
export const NATIONAL_REGIONS: readonly CountryCode[] = ['GB', 'DE', 'FR', 'IN', 'AU', 'ES', 'IT', 'NL', 'BR', 'JP', 'IE', 'NZ', 'ZA', 'CH', 'AT', 'BE', 'SE', 'PL', 'MX'];
