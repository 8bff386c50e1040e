// Pure validators: a candidate string in, a verdict out. No I/O, no regex backtracking.
import { createRequire } from 'node:module';
import { domainToASCII } from 'node:url';
import type { CountryCode, parsePhoneNumberFromString as ParsePhone } from 'libphonenumber-js/max';

const require = createRequire(import.meta.url);
// The maintained IANA list (plus IDN forms) from the `tlds` package.
// IDN TLDs are listed in Unicode; logs write them in punycode (`xn--p1ai`), so both forms count.
const TLDS: ReadonlySet<string> = new Set(
  (require('tlds') as string[]).flatMap((t) => [t.toLowerCase(), (domainToASCII(t) || t).toLowerCase()]),
);

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

export type CardNetwork =
  | 'visa' | 'mastercard' | 'amex' | 'discover' | 'jcb' | 'diners' | 'unionpay' | 'maestro'
  | 'dankort' | 'rupay' | 'mir' | 'verve' | 'troy' | 'hipercard' | 'interpayment';

/**
 * The card network whose IIN range and length fit these digits, or undefined. Ranges overlap
 * between networks (Discover and UnionPay share 622126-622925); the first listed wins, which
 * only changes the name, never whether a number is a card.
 */
export function cardNetwork(digits: string): CardNetwork | undefined {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  const len = (lo: number, hi: number) => n >= lo && n <= hi;
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if (p4 >= 2200 && p4 <= 2204 && len(16, 19)) return 'mir';
  if (p4 === 5019 && n === 16) return 'dankort';
  if ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) && len(16, 19)) return 'discover';
  if (p4 >= 3528 && p4 <= 3589 && len(16, 19)) return 'jcb';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39 || p4 === 3095) && len(14, 19)) return 'diners';
  // UnionPay: 62 and, since 2016, 81 (810000-817199)
  if ((p2 === 62 || (p6 >= 810000 && p6 <= 817199)) && len(16, 19)) return 'unionpay';
  if (((p6 >= 506099 && p6 <= 506198) || (p6 >= 650002 && p6 <= 650027)) && (n === 16 || n === 18 || n === 19)) return 'verve';
  if ((p2 === 60 || p2 === 81 || p2 === 82 || p3 === 508 || p3 === 353 || p3 === 356) && n === 16) return 'rupay';
  if (p4 === 9792 && n === 16) return 'troy';
  if ((p6 === 606282 || p6 === 384100 || p6 === 384140 || p6 === 384160) && (n === 16 || n === 19)) return 'hipercard';
  if (p3 === 636 && len(16, 19)) return 'interpayment';
  // Maestro: 50 and 56-69 (where no network above claims the number), 12-19 digits; we look at 13+
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && len(13, 19)) return 'maestro';
  return undefined;
}

/**
 * UATP (airline cards, AirPlus): 15 digits starting with 1, passing Luhn. Ids of 15 digits start
 * with 1 too, so detection takes one as a card only where the text or its field names a card.
 */
export function isUatp(digits: string): boolean {
  return digits.length === 15 && digits[0] === '1' && luhnValid(digits);
}

/** A card number: 13-19 digits passing Luhn and starting with a real network's prefix. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && cardNetwork(digits) !== undefined && luhnValid(digits);
}

/** Parses dotted-quad IPv4 (no leading zeros, octets 0-255) into a 32-bit number, or undefined. */
export function parseIPv4(s: string): number | undefined {
  let v = 0;
  let octet = 0;
  let len = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (len === 0 || octet > 255) return undefined;
      v = v * 256 + octet;
      parts++;
      octet = 0;
      len = 0;
      continue;
    }
    if (c < 48 || c > 57 || len === 3 || (len === 1 && octet === 0)) return undefined;
    octet = octet * 10 + (c - 48);
    len++;
  }
  return parts === 4 ? v : undefined;
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
 * Addresses that cannot name a host on the internet, so not a person: unspecified 0.0.0.0/8,
 * private 10/8, 172.16/12, 192.168/16, shared (CGNAT) 100.64/10, loopback 127/8, link-local
 * 169.254/16, IETF protocol 192.0.0.0/24, benchmarking 198.18/15, and 224.0.0.0/3 (multicast,
 * reserved class E, netmasks like 255.255.255.0, the broadcast).
 */
export function isIPv4NonRoutable(v: number): boolean {
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) % 256;
  const c = Math.floor(v / 256) % 256;
  return (
    a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 192 && b === 0 && c === 0) ||
    (a === 198 && (b === 18 || b === 19))
  );
}

/**
 * IPv6 that cannot name a host on the internet: everything outside global unicast 2000::/3
 * (so `::`, `::1`, multicast ff00::/8, unassigned space, which also keeps `Db::Add` and
 * Python's `data[1::2]` from reading as addresses), plus unique-local fc00::/7 and link-local
 * fe80::/10. IPv4 carried in IPv6 (::ffff:0:0/96, NAT64 64:ff9b::/96) is judged as IPv4.
 */
export function isIPv6NonRoutable(b: Uint8Array): boolean {
  if (isV4Mapped(b)) return isIPv4NonRoutable(v4FromMapped(b));
  if (isNat64(b)) return isIPv4NonRoutable(((b[12] << 24) >>> 0) + (b[13] << 16) + (b[14] << 8) + b[15]);
  return (b[0] & 0xe0) !== 0x20;
}

/** Shapes that are never host addresses at all (not even private ones): unassigned IPv6 space, `::`, `::1`, multicast. */
export function isIPv6NotAnAddress(b: Uint8Array): boolean {
  if (isV4Mapped(b) || isNat64(b)) return false;
  if ((b[0] & 0xe0) === 0x20 || (b[0] & 0xfe) === 0xfc || (b[0] === 0xfe && (b[1] & 0xc0) === 0x80)) return false;
  return true;
}

function isNat64(b: Uint8Array): boolean {
  if (!(b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b)) return false;
  for (let i = 4; i < 12; i++) if (b[i] !== 0) return false;
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
// RFC 5322 atext (letters, digits, !#$%&'*+/=?^_`{|}~-) and dots, plus bytes 0x80-0xFF: an
// internationalised (SMTPUTF8) local part seen as latin1-decoded UTF-8.
const LOCAL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\u0080-\u00ff-]{1,64}$/;
// RFC 5321 quoted string: printable ASCII (and UTF-8 bytes) other than `"` and `\`, or a backslash pair.
const QUOTED_LOCAL = /^"(?:[ !#-\[\]-~\u0080-\u00ff]|\\[ -~]){1,62}"$/;

/** A syntactically valid address whose TLD is a real top-level domain; the local part may be quoted. */
export function isEmail(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local[0] === '"') {
    if (!QUOTED_LOCAL.test(local) || !/[^ ]/.test(local.slice(1, -1))) return false;
  } else if (at !== address.indexOf('@') || !LOCAL.test(local) || local[0] === '.' || local.endsWith('.') || local.includes('..')) return false;
  // RFC 5321's limits: 64 octets of local part, 254 in all (a latin1-decoded line counts bytes)
  if (domain.length > 253 || local.length > 64 || at + 1 + domain.length > 254) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  for (const l of labels) if (!LABEL.test(l)) return false;
  const tld = labels[labels.length - 1];
  return !/^[0-9]+$/.test(tld) && TLDS.has(tld);
}

export function isTld(s: string): boolean {
  return TLDS.has(s.toLowerCase());
}

/** Default region for numbers written without `+` when no policy names any. */
export const DEFAULT_PHONE_REGION: CountryCode = 'US';

/**
 * A number libphonenumber (full metadata) accepts as valid. Returns E.164 or undefined. With a
 * `+`, any country; without, the number is read in each of `countries` in turn.
 */
export function validPhone(text: string, countries: readonly CountryCode[] = [DEFAULT_PHONE_REGION]): string | undefined {
  const digits = text.replace(/[^0-9]/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  if (text.trimStart().startsWith('+')) {
    const p = parsePhoneNumberFromString('+' + digits);
    return p && p.isValid() ? p.number : undefined;
  }
  for (const c of countries) {
    const p = parsePhoneNumberFromString(digits, c);
    if (p && p.isValid()) return p.number;
  }
  return undefined;
}

// libphonenumber-js's typings omit these accessors of its public Metadata class.
interface PlanMetadata {
  hasCountry(c: string): boolean;
  selectNumberingPlan(c: string): void;
  numberingPlan?: { nationalNumberPattern(): string; possibleLengths(): number[] };
}
// libphonenumber-js with its full metadata is the scanner's heaviest module (about 40 ms to load):
// loaded on the first phone candidate, so a log without one never pays for it. One module system
// (require) for the parser and the metadata, so the metadata is read once.
let phoneLib: { parse: typeof ParsePhone; metadata: PlanMetadata } | undefined;
function lib(): { parse: typeof ParsePhone; metadata: PlanMetadata } {
  if (!phoneLib) {
    const { Metadata } = require('libphonenumber-js/core') as { Metadata: new (m: unknown) => PlanMetadata };
    phoneLib = {
      parse: (require('libphonenumber-js/max') as { parsePhoneNumberFromString: typeof ParsePhone }).parsePhoneNumberFromString,
      metadata: new Metadata(require('libphonenumber-js/max/metadata')),
    };
  }
  return phoneLib;
}
const parsePhoneNumberFromString: typeof ParsePhone = (...args: Parameters<typeof ParsePhone>) => lib().parse(...args);
const shapeCache = new Map<string, { pattern: RegExp; lengths: number[] } | null>();

/** The national number pattern and possible lengths of a country's numbering plan. */
function plan(country: string): { pattern: RegExp; lengths: number[] } | null {
  let p = shapeCache.get(country);
  if (p === undefined) {
    p = null;
    const { metadata } = lib();
    if (metadata.hasCountry(country)) {
      metadata.selectNumberingPlan(country);
      const np = metadata.numberingPlan!;
      p = { pattern: new RegExp(`^(?:${np.nationalNumberPattern()})$`), lengths: np.possibleLengths() };
    }
    shapeCache.set(country, p);
  }
  return p;
}

/**
 * A number written with an international dialling prefix instead of `+` (`00`, the ITU's, used in
 * most countries; `011`, North America's) as the `+` number it dials, or undefined. Country codes
 * never start with 0, so `000…` and `0110…` are not such numbers.
 */
export function iddAsPlus(text: string): string | undefined {
  const m = /^(?:011|00)[ .-]?(?=[1-9])/.exec(text);
  return m ? '+' + text.slice(m[0].length) : undefined;
}

/** The country calling code of a `+` number (`44` for `+442079460958`), or undefined. */
export function callingCode(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.countryCallingCode as string | undefined;
}

/**
 * A phone number's shape, assigned or not: it fits the numbering plan's general pattern and
 * lengths, so a number in a new or unlisted area code still counts (fail closed under a phone
 * field). With `+`, the country comes from the calling code; without, from `countries`, then
 * after an international dialling prefix (`00`, `011`) from the calling code that follows it, and
 * as a last resort the digits are read as an international number without its `+` (msisdn style).
 */
export function phoneShape(text: string, countries: readonly CountryCode[] = [DEFAULT_PHONE_REGION]): string | undefined {
  const valid = validPhone(text, countries);
  if (valid) return valid;
  // `011 44 20 7946 0958`, `0044 …`: dialled from abroad; a policy country's national reading wins (above)
  const idd = iddAsPlus(text);
  if (idd) {
    const intl = phoneShape(idd, countries);
    if (intl) return intl;
  }
  const digits = text.replace(/[^0-9]/g, '');
  if (digits.length < 7 || digits.length > 15) return undefined;
  const plus = text.trimStart().startsWith('+');
  const tries: [string, CountryCode | undefined][] = plus ? [['+' + digits, undefined]] : [...countries.map((c): [string, CountryCode] => [digits, c]), ['+' + digits, undefined]];
  for (const [t, c] of tries) {
    const p = parsePhoneNumberFromString(t, c);
    if (!p) continue;
    if (!plus && !c && p.isValid()) return p.number; // msisdn: international without +
    const pl = plan(p.country ?? c ?? '');
    const national = p.nationalNumber as string;
    if (pl && pl.lengths.includes(national.length) && pl.pattern.test(national)) return p.number;
    if (!pl && p.isPossible()) return p.number;
  }
  return undefined;
}
