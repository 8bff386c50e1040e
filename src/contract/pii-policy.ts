// The shape of a runbook's PII policy: which fields hold personal or infrastructure data, and what
// the service itself writes that is not personal. The scanner compiles it (src/pii/policy.ts).
import type { CountryCode } from 'libphonenumber-js';

/**
 * A field pattern is a dotted path with `*` wildcards, matched case-insensitively against the
 * field a value was found under, after spelling is normalised (`clientIP`, `client-ip` and
 * `client_ip` are one name). A pattern matches the whole path or any trailing part of it that
 * starts at a segment, so `client.*` matches `client.address` and `http.client.ip`.
 */
export type FieldPattern = string;

export interface PiiPolicy {
  fields: {
    /** Fields whose values are about a person (OTel/ECS `client.*`, `user.*`, ...). */
    personal: readonly FieldPattern[];
    /** Fields that name the service's own machines: a public address there is not personal. */
    infrastructure: readonly FieldPattern[];
    /** Fields whose value is a login name. */
    username: readonly FieldPattern[];
    /** Fields whose value is a phone number: any number of a phone number's shape counts. */
    phone: readonly FieldPattern[];
    /** Fields (or parents) naming service or database accounts: a username there is not personal. */
    account: readonly FieldPattern[];
  };
  /** Domains the service sends from or owns for machines: mailboxes there are not a customer's. */
  ownDomains: readonly string[];
  /** Local parts of role mailboxes (RFC 2142, the no-reply family); a `+tag` is ignored. */
  roleMailboxes: readonly string[];
  /** Machine identities, exact or with `*` wildcards (`svc-*`, `system:*`), under any field. */
  serviceAccounts: readonly string[];
  /** Address ranges (CIDR) that are never personal, e.g. the service's public egress. */
  allowedRanges: readonly string[];
  /** Non-routable ranges that are personal here after all (e.g. a staff VPN pool). */
  personalRanges: readonly string[];
  /** Countries national phone numbers (written without `+`) are read in, ISO 3166 codes. */
  phoneCountries: readonly CountryCode[];
}
