// The `--allow FILE` allowlist: plain data (YAML) validated with ajv, compiled into a matcher.
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { PII_CATEGORIES, type PiiCategory } from '../contract/metrics.ts';
import { UserError } from '../contract/errors.ts';
import { isEmail, validPhone } from './validators.ts';
import { parseCidr } from './allow-match.ts';
export { compileAllowList, type AllowMatcher } from './allow-match.ts';

/**
 * Allowed values per category, e.g.
 * `ip: [10.0.0.0/8, "2001:db8::/32", 203.0.113.7]`, `email: [example.com, noreply@acme.io]`,
 * `username: [system, "svc-*"]`, `phone: ["+1 415 555 0100"]`, `card: ["4111111111111111"]`.
 */
export type { AllowList } from './allow-match.ts';
import type { AllowList } from './allow-match.ts';

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
