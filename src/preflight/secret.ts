// The webhook secret check: long enough, not a placeholder. Pure; the secret itself never
// leaves this module, only its SHA-256 fingerprint (the runbook records the same digest).
import { createHash } from 'node:crypto';

/** The runbook's minimum: `echo -n "$WEBHOOK_SECRET" | wc -c` must be at least 32. */
export const MIN_SECRET_LENGTH = 32;
/** Where the runbook keeps it. */
export const SECRET_ENV = 'WEBHOOK_SECRET';

/** Words that mark a value someone meant to replace (compared without case and punctuation). */
const PLACEHOLDER_WORDS = [
  'changeme',
  'replaceme',
  'placeholder',
  'yoursecret',
  'generatedsecret',
  'webhooksecretkey',
  'secrethere',
  'notasecret',
  'insecure',
  'example',
  'dummy',
  'redacted',
  'todo',
  'fixme',
] as const;

/** Template syntax left in a value: `<generated_secret>`, `${SECRET}`, `{{ secret }}`, `%SECRET%`. */
const TEMPLATE = /^<[^>]*>$|\$\{[^}]*\}|\{\{[^}]*\}\}|^%[A-Za-z_]+%$/;

/** Fewer distinct characters than this is a typed pattern (`aaaa…`, `abcabc…`), not a generated secret. */
const MIN_DISTINCT_CHARS = 8;

/** SHA-256 of the secret's UTF-8 bytes as lowercase hex (Python's `hashlib.sha256(secret.encode()).hexdigest()`). */
export function secretFingerprint(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export type SecretProblem =
  | { kind: 'missing' }
  | { kind: 'short'; length: number }
  | { kind: 'placeholder'; why: string };

/** What is wrong with the secret, or null. Length counts characters as `wc -c` counts bytes. */
export function secretProblem(secret: string | undefined): SecretProblem | null {
  if (secret === undefined || secret === '') return { kind: 'missing' };
  const length = Buffer.byteLength(secret, 'utf8');
  const trimmed = secret.trim();
  if (TEMPLATE.test(trimmed)) return { kind: 'placeholder', why: 'it is template syntax, not a value' };
  const squashed = trimmed.toLowerCase().replace(/[^a-z0-9]/g, '');
  const word = PLACEHOLDER_WORDS.find((w) => squashed.includes(w));
  if (word) return { kind: 'placeholder', why: `it contains the placeholder word "${word}"` };
  if (trimmed !== secret) return { kind: 'placeholder', why: 'it starts or ends with whitespace (a copy-paste slip)' };
  if (length < MIN_SECRET_LENGTH) return { kind: 'short', length };
  if (new Set(secret).size < MIN_DISTINCT_CHARS) return { kind: 'placeholder', why: `it has fewer than ${MIN_DISTINCT_CHARS} distinct characters` };
  return null;
}
