// A small parser for the Prometheus text exposition format (0.0.4), and a pure check
// of an exposition against the metric contract. A service's own test can call
// `contractViolations(await metrics.exposition())` so a drift fails CI, not production.
import { metrics, SCRAPE_LABELS, type MetricDef } from '../contract/metrics.ts';

export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ExpositionFamily {
  name: string;
  type?: string;
  help?: string;
  samples: ExpositionSample[];
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

function parseValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

/** Parses `{a="x",b="y"}` starting at `i` (the `{`); returns labels and the index after `}`. */
function parseLabels(line: string, i: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i++; // '{'
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return [labels, i + 1];
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') throw new Error(`bad label in: ${line}`);
    const key = line.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\') {
        j++;
        value += line[j] === 'n' ? '\n' : line[j];
      } else {
        value += line[j];
      }
    }
    if (j >= line.length) throw new Error(`unterminated label value in: ${line}`);
    labels[key] = value;
    i = j + 1;
  }
  throw new Error(`unterminated label set in: ${line}`);
}

/** Families keyed by metric name; histogram series are grouped under their family. */
export function parseExposition(text: string): Map<string, ExpositionFamily> {
  const families = new Map<string, ExpositionFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, samples: [] }));
    return f;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)\s?(.*)$/.exec(line);
      if (!m) continue; // plain comment
      if (m[1] === 'HELP') family(m[2]).help = m[3].replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      else family(m[2]).type = m[3].trim();
      continue;
    }
    const nameEnd = line.search(/[{\s]/);
    const name = nameEnd < 0 ? line : line.slice(0, nameEnd);
    let labels: Record<string, string> = {};
    let rest = nameEnd < 0 ? '' : line.slice(nameEnd);
    if (rest.startsWith('{')) {
      const [l, after] = parseLabels(line, nameEnd);
      labels = l;
      rest = line.slice(after);
    }
    const value = parseValue(rest.trim().split(/\s+/)[0] ?? '');
    // Histogram series belong to the family that declared TYPE histogram.
    let owner = name;
    for (const s of HISTOGRAM_SUFFIXES) {
      const base = name.slice(0, -s.length);
      if (name.endsWith(s) && families.get(base)?.type === 'histogram') owner = base;
    }
    family(owner).samples.push({ name, labels, value });
  }
  return families;
}

export interface ContractCheckOptions {
  /** Metric definitions the exposition must hold exactly. Default: every `service` metric of the contract. */
  defs?: readonly MetricDef[];
  /** Families allowed besides the contract (e.g. process metrics a service adds on purpose). */
  allowExtra?: (name: string) => boolean;
}

/** One sentence per way the exposition differs from the contract; empty when it conforms. */
export function contractViolations(text: string, options: ContractCheckOptions = {}): string[] {
  const defs = options.defs ?? (Object.values(metrics) as MetricDef[]).filter((m) => m.source === 'service');
  const families = parseExposition(text);
  const out: string[] = [];
  const scrapeLabels = new Set<string>(SCRAPE_LABELS);
  for (const def of defs) {
    const fam = families.get(def.name);
    if (!fam) {
      out.push(`${def.name} is missing`);
      continue;
    }
    if (fam.type !== def.type) out.push(`${def.name} has TYPE ${fam.type ?? '(none)'}, the contract says ${def.type}`);
    for (const s of fam.samples) {
      const keys = Object.keys(s.labels).filter((k) => !(def.type === 'histogram' && s.name === def.name + '_bucket' && k === 'le'));
      const extra = keys.filter((k) => !def.labels.includes(k) && !scrapeLabels.has(k));
      const missing = def.labels.filter((k) => !(k in s.labels));
      if (extra.length) out.push(`${s.name} has labels outside the contract: ${extra.join(', ')}`);
      if (missing.length) out.push(`${s.name} lacks contract labels: ${missing.join(', ')}`);
    }
    if (def.type === 'histogram') {
      const want = [...(def.buckets ?? []).map(String), '+Inf'];
      const series = new Map<string, string[]>();
      for (const s of fam.samples.filter((x) => x.name === def.name + '_bucket')) {
        const { le, ...rest } = s.labels;
        const key = JSON.stringify(rest);
        series.set(key, [...(series.get(key) ?? []), le]);
      }
      for (const les of series.values()) {
        if (les.map((v) => (v === '+Inf' ? v : String(Number(v)))).join(',') !== want.join(',')) {
          out.push(`${def.name} has buckets ${les.join(',')}, the contract says ${want.join(',')}`);
        }
      }
    }
  }
  const known = new Set(defs.map((d) => d.name));
  for (const name of families.keys()) {
    if (!known.has(name) && !options.allowExtra?.(name)) out.push(`${name} is not in the contract`);
  }
  return out;
}
