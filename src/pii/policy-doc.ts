// The default PII policy and the rule list as Markdown, for docs/pii.md (`npm run docs`).
// Rendered from the runbook's value, so the docs never drift from what the scanner applies.
import { RULES } from './detect.ts';
import type { PiiPolicy } from './policy.ts';

export const POLICY_BEGIN = '<!-- pii-policy:begin (rendered by npm run docs from the runbook; do not edit) -->';
export const POLICY_END = '<!-- pii-policy:end -->';

const code = (xs: readonly string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '(none)');

const FIELD_DOCS: Record<keyof PiiPolicy['fields'], string> = {
  personal: 'are about a person (a public address is personal here, as anywhere but under an infrastructure field)',
  infrastructure: "name the service's own machines: a public address here is not personal",
  username: 'hold a login name',
  phone: "hold a phone number: a number of a phone number's shape counts, assigned or not",
  account: 'name service or database accounts (the field or a parent object): a login name there is not personal',
};

/** The policy as Markdown tables, plus every rule id with its one-line description. */
export function renderPolicySection(p: PiiPolicy): string {
  const rows = [
    '| entry | value | meaning |',
    '|---|---|---|',
    ...(Object.keys(FIELD_DOCS) as (keyof PiiPolicy['fields'])[]).map((k) => `| \`fields.${k}\` | ${code(p.fields[k])} | fields that ${FIELD_DOCS[k]} |`),
    `| \`ownDomains\` | ${code(p.ownDomains)} | the service's own sending domains (and their subdomains): no mailbox there is a customer's |`,
    `| \`roleMailboxes\` | ${code(p.roleMailboxes)} | role mailboxes on any domain (case, \`.\`/\`-\`/\`_\` and a \`+tag\` ignored) |`,
    `| \`serviceAccounts\` | ${code(p.serviceAccounts)} | machine identities under any field (\`*\` is a wildcard, case ignored) |`,
    `| \`allowedRanges\` | ${code(p.allowedRanges)} | address ranges never personal (e.g. the service's public egress) |`,
    `| \`personalRanges\` | ${code(p.personalRanges)} | non-routable ranges that are personal after all (e.g. a staff VPN pool) |`,
    `| \`phoneCountries\` | ${code(p.phoneCountries)} | countries a number without \`+\` is read in |`,
  ];
  const rules = ['| rule | matches |', '|---|---|', ...Object.entries(RULES).map(([id, doc]) => `| \`${id}\` | ${doc} |`)];
  return [POLICY_BEGIN, '', ...rows, '', ...rules, '', POLICY_END].join('\n');
}

/** `doc` with its rendered section replaced by the current one (the markers must be there). */
export function withPolicySection(doc: string, p: PiiPolicy): string {
  const a = doc.indexOf(POLICY_BEGIN);
  const b = doc.indexOf(POLICY_END);
  if (a < 0 || b < a) throw new Error('docs/pii.md has no pii-policy markers');
  return doc.slice(0, a) + renderPolicySection(p) + doc.slice(b + POLICY_END.length);
}
