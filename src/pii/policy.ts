// The PII policy: which log fields carry personal data and which carry the service's own
// infrastructure, plus the service's own mailboxes, accounts and address ranges. A runbook
// defines the value (runbooks/<service>/pii-policy.ts); the scanner only receives it.
import type { CountryCode } from 'libphonenumber-js';
import { domainToASCII } from 'node:url';
import { parseCidr, inCidr, type Cidr } from './allow-match.ts';

export type { FieldPattern, PiiPolicy } from '../contract/pii-policy.ts';
import type { PiiPolicy } from '../contract/pii-policy.ts';

/** A policy compiled for matching. Built once per scan (and once per worker). */
export interface CompiledPolicy {
  readonly source: PiiPolicy;
  fieldClass(field: string | undefined): 'personal' | 'infrastructure' | undefined;
  /** The infrastructure pattern that matches `field`, for the explanation. */
  infrastructurePattern(field: string): string | undefined;
  isUsernameField(field: string): boolean;
  /**
   * Whether a key may end a username field once its parents are known: a pattern of several
   * segments ends in it (`handle` for `agent.handle`, `nick` for `*.nick`).
   */
  mayEndUsernameField(key: string): boolean;
  /**
   * Whether an object under `key` (no username field itself) could hold one in a member whose
   * name holds no username word: a pattern of several segments has a `*`, a one-segment pattern
   * has a word before its last `*`, or a second-last segment is the key's last (`user.name` under
   * `http.user`). Every other match is a pattern naming the member itself (`*_user_name`), and
   * such a name holds one of the prefilter's username words.
   */
  mayParentUsernameField(key: string): boolean;
  isPhoneField(field: string): boolean;
  /** The account pattern matching the field or one of its parents. */
  accountPattern(field: string): string | undefined;
  /** The role mailbox or own domain that exempts this (lowercased) address. */
  emailExemption(address: string): string | undefined;
  /** The service-account pattern matching this login name. */
  serviceAccount(name: string): string | undefined;
  allowedRange(bytes: Uint8Array): string | undefined;
  personalRange(bytes: Uint8Array): string | undefined;
  readonly phoneCountries: readonly CountryCode[];
}

const normCache = new Map<string, string>();

/** `clientIP` -> `client_ip`, `X-Forwarded-For` -> `x_forwarded_for`; dots separate segments. */
export function normaliseField(field: string): string {
  let n = normCache.get(field);
  if (n === undefined) {
    n = spell(field);
    if (normCache.size > 8192) normCache.clear();
    normCache.set(field, n);
  }
  return n;
}

function spell(field: string): string {
  return field
    .split('.')
    .map((seg) =>
      seg
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
        .toLowerCase()
        .replace(/[^a-z0-9*]+/g, '_')
        .replace(/^_+|_+$/g, ''),
    )
    .filter(Boolean)
    .join('.');
}

interface FieldMatcher {
  pattern: string;
  whole: RegExp;
}

function fieldMatcher(pattern: string): FieldMatcher {
  const body = normaliseField(pattern)
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9_.]*');
  return { pattern, whole: new RegExp(`^${body}$`) };
}

/**
 * The pattern matching the most specific trailing part of `field` (its last segment first,
 * then the last two, ...), so `upstream.client_ip` is judged by `client_ip`.
 */
/** Field names repeat on every line: remember answers (bounded, so odd logs cannot grow it). */
function cached<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  let v = cache.get(key);
  if (v === undefined && !cache.has(key)) {
    v = compute();
    if (cache.size > 4096) cache.clear();
    cache.set(key, v);
  }
  return v as T;
}

function matchTail(matchers: FieldMatcher[], field: string): string | undefined {
  if (matchers.length === 0) return undefined;
  const segs = field.split('.');
  for (let k = segs.length - 1; k >= 0; k--) {
    const tail = k === 0 ? field : segs.slice(k).join('.');
    for (const m of matchers) if (m.whole.test(tail)) return m.pattern;
  }
  return undefined;
}

function globRegExp(glob: string): RegExp {
  const body = glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'i');
}

/** Problems with a policy value, one line each naming the entry (empty when it is valid). */
export function policyProblems(p: PiiPolicy): string[] {
  const out: string[] = [];
  for (const [name, list] of Object.entries(p.fields)) {
    (list as readonly string[]).forEach((f, i) => {
      if (!normaliseField(f)) out.push(`fields.${name}[${i}] '${f}' is not a field name`);
    });
  }
  p.allowedRanges.forEach((r, i) => {
    if (!parseCidr(r)) out.push(`allowedRanges[${i}] '${r}' is not an IP address or CIDR`);
  });
  p.personalRanges.forEach((r, i) => {
    if (!parseCidr(r)) out.push(`personalRanges[${i}] '${r}' is not an IP address or CIDR`);
  });
  p.ownDomains.forEach((d, i) => {
    if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(domainToASCII(d) || '')) out.push(`ownDomains[${i}] '${d}' is not a domain`);
  });
  p.roleMailboxes.forEach((m, i) => {
    if (!/^[A-Za-z0-9._%-]+$/.test(m)) out.push(`roleMailboxes[${i}] '${m}' is not a mailbox local part`);
  });
  p.phoneCountries.forEach((c, i) => {
    if (!/^[A-Z]{2}$/.test(c)) out.push(`phoneCountries[${i}] '${c}' is not an ISO 3166 country code`);
  });
  if (p.phoneCountries.length === 0) out.push('phoneCountries is empty: national numbers need at least one country');
  return out;
}

/** A role mailbox's local part, compared without `+tag`, case and `.`/`_`/`-` spelling. */
function mailboxKey(local: string): string {
  const plus = local.indexOf('+');
  return (plus > 0 ? local.slice(0, plus) : local).toLowerCase().replace(/[._-]/g, '');
}

export function compilePolicy(p: PiiPolicy): CompiledPolicy {
  const personal = p.fields.personal.map(fieldMatcher);
  const infra = p.fields.infrastructure.map(fieldMatcher);
  const username = p.fields.username.map(fieldMatcher);
  const phone = p.fields.phone.map(fieldMatcher);
  const account = p.fields.account.map(fieldMatcher);
  const roles = new Map(p.roleMailboxes.map((m) => [mailboxKey(m), m]));
  const domains = p.ownDomains.map((d) => (domainToASCII(d) || d).toLowerCase());
  const accounts = p.serviceAccounts.map((a) => ({ pattern: a, re: globRegExp(a) }));
  const ranges = (list: readonly string[]) => list.map((r) => ({ entry: r, cidr: parseCidr(r) as Cidr }));
  const allowed = ranges(p.allowedRanges);
  const personalR = ranges(p.personalRanges);
  const classCache = new Map<string, 'personal' | 'infrastructure' | undefined>();
  const usernameCache = new Map<string, boolean>();
  const usernameEndCache = new Map<string, boolean>();
  const usernameSegs = p.fields.username.map((f) => normaliseField(f).split('.'));
  const usernameLast = usernameSegs.filter((segs) => segs.length > 1).map((segs) => fieldMatcher(segs[segs.length - 1]));
  // A `*` can span segments, so such a pattern may name a member of any object, unless every word
  // of it follows its last `*` (`*_user_name`): then the member's own key holds the word.
  const usernameWildcard = usernameSegs.some((segs) => segs.length > 1 ? segs.some((seg) => seg.includes('*')) : /[a-z0-9]/.test(segs[0].slice(0, segs[0].lastIndexOf('*') + 1)));
  const usernameParents = new Set(usernameSegs.filter((segs) => segs.length > 1).map((segs) => segs[segs.length - 2]));
  const phoneCache = new Map<string, boolean>();
  return {
    source: p,
    phoneCountries: p.phoneCountries,
    fieldClass(field) {
      if (!field) return undefined;
      let c = classCache.get(field);
      if (c === undefined && !classCache.has(field)) {
        // the most specific (shortest trailing) match decides; personal wins a tie
        const segs = field.split('.');
        c = undefined;
        for (let k = segs.length - 1; k >= 0 && c === undefined; k--) {
          const tail = segs.slice(k).join('.');
          if (personal.some((m) => m.whole.test(tail))) c = 'personal';
          else if (infra.some((m) => m.whole.test(tail))) c = 'infrastructure';
        }
        if (classCache.size < 4096) classCache.set(field, c);
      }
      return c;
    },
    infrastructurePattern: (field) => matchTail(infra, field),
    isUsernameField: (field) => cached(usernameCache, field, () => matchTail(username, field) !== undefined),
    mayEndUsernameField: (key) => cached(usernameEndCache, key, () => usernameLast.some((m) => m.whole.test(key.slice(key.lastIndexOf('.') + 1)))),
    mayParentUsernameField: (key) => usernameWildcard || usernameParents.has(key.slice(key.lastIndexOf('.') + 1)),
    isPhoneField: (field) => cached(phoneCache, field, () => matchTail(phone, field) !== undefined),
    accountPattern(field) {
      // the field itself or any parent object (`db.user`, `service_account.name`)
      const segs = field.split('.');
      for (let k = segs.length; k >= 1; k--) {
        const hit = matchTail(account, segs.slice(0, k).join('.'));
        if (hit) return hit;
      }
      return undefined;
    },
    emailExemption(address) {
      const at = address.lastIndexOf('@');
      const role = roles.get(mailboxKey(address.slice(0, at)));
      if (role) return `roleMailboxes: ${role}`;
      const domain = address.slice(at + 1);
      const own = domains.find((d) => domain === d || domain.endsWith('.' + d));
      if (own) return `ownDomains: ${own}`;
      // a machine identity written as an address (`etl@my-project.iam.gserviceaccount.com`, `svc-billing@…`)
      const account = accounts.find((a) => a.re.test(address))?.pattern;
      return account ? `serviceAccounts: ${account}` : undefined;
    },
    serviceAccount(name) {
      return accounts.find((a) => a.re.test(name))?.pattern;
    },
    allowedRange: (b) => allowed.find((r) => inCidr(r.cidr, b))?.entry,
    personalRange: (b) => personalR.find((r) => inCidr(r.cidr, b))?.entry,
  };
}

/**
 * What the library uses when given no policy: no exemptions at all (no infrastructure field, no
 * role mailbox, no service account), only the field names every log writer agrees on.
 */
export const EMPTY_POLICY: PiiPolicy = {
  fields: {
    personal: [],
    infrastructure: [],
    username: ['username', 'user_name'],
    phone: ['*phone*', '*mobile*', '*msisdn*', 'tel', 'telephone*', 'contact', 'contact_number', 'cell'],
    account: [],
  },
  ownDomains: [],
  roleMailboxes: [],
  serviceAccounts: [],
  allowedRanges: [],
  personalRanges: [],
  phoneCountries: ['US'],
};
