// Label selectors shared by rules, dashboards and the gate.
import { CANARY_TRACK, SCRAPE_JOB, STABLE_TRACK } from './metrics.ts';

export type Matchers = Readonly<Record<string, string>>;

/** The canary's series: job webhook-sender, track canary. */
export const canaryMatchers: Matchers = { job: SCRAPE_JOB, track: CANARY_TRACK };
/** The stable track: the baseline a canary is compared with. */
export const stableMatchers: Matchers = { job: SCRAPE_JOB, track: STABLE_TRACK };
/** Every instance of the service, whatever its track. */
export const serviceMatchers: Matchers = { job: SCRAPE_JOB };

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The four PromQL label matcher operators. */
export type MatchOp = '=' | '!=' | '=~' | '!~';
const OP_SUFFIXES: readonly Exclude<MatchOp, '='>[] = ['!=', '=~', '!~'];

/**
 * Key of a regex matcher: `{ [regexLabel('instance')]: '$instance' }` renders `instance=~"$instance"`
 * (dashboards' multi-value variables). Label names can't contain `=`, `!` or `~`, so plain keys are unaffected.
 */
export const regexLabel = (label: string): string => `${label}=~`;
/** Key of a matcher with any operator: `matcherKey('code', '!~')` is `code!~`. */
export const matcherKey = (label: string, op: MatchOp): string => (op === '=' ? label : `${label}${op}`);

/** Splits a Matchers key into label name and operator (`code!~` -> code, `!~`). */
export function parseMatcherKey(key: string): { label: string; op: MatchOp } {
  for (const op of OP_SUFFIXES) if (key.endsWith(op)) return { label: key.slice(0, -op.length), op };
  return { label: key, op: '=' };
}

/** `{a="x",b="y"}` with keys in insertion order (stable output). Keys may carry an operator suffix (`code!~`). */
export function selector(matchers: Matchers, extra: Matchers = {}): string {
  const all = { ...matchers, ...extra };
  const parts = Object.entries(all).map(([k, v]) => {
    const { label, op } = parseMatcherKey(k);
    return `${label}${op}"${escapeLabelValue(v)}"`;
  });
  return `{${parts.join(',')}}`;
}

export const DEFAULT_CANARY_SELECTOR = selector(canaryMatchers);
export const DEFAULT_BASELINE_SELECTOR = selector(stableMatchers);

/**
 * A selector as matchers, or as a `{...}` block of label matchers already checked
 * (the gate's `--selector`, which may hold regex matchers).
 */
export type Selector = Matchers | string;

/** Renders a selector, adding `extra` matchers to either form. */
export function renderSelector(sel: Selector, extra: Matchers = {}): string {
  if (typeof sel !== 'string') return selector(sel, extra);
  const block = sel.trim();
  const more = selector(extra).slice(1, -1);
  if (!more) return block;
  const inner = block.slice(1, -1).trim();
  return `{${inner ? `${inner},` : ''}${more}}`;
}
