// A definition that does not compile or whose values crash the code reading them must be
// one line naming the file (and the field, when the bad value can be found), never a stack.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Project folders that are not definitions: engines, tests, outputs, tooling. */
const NOT_DEFINITIONS = new Set(['src', 'test', 'node_modules', 'generated', 'docs', 'bin', 'scripts', 'bench', 'schemas', 'templates', '.git']);

const rel = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');

function isDefinitionFile(root: string, file: string): boolean {
  const r = rel(root, file);
  if (r.startsWith('..') || path.isAbsolute(r)) return false;
  const top = r.split('/')[0];
  return r.includes('/') && !NOT_DEFINITIONS.has(top) && /\.(m|c)?tsx?$|\.m?js$/.test(r);
}

function definitionFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (dir !== root || !NOT_DEFINITIONS.has(e.name)) walk(p);
      } else if (isDefinitionFile(root, p)) out.push(p);
    }
  };
  try {
    walk(root);
  } catch {
    // a folder we cannot read: no location, the message still stands
  }
  return out.sort();
}

/** Where a quoted value from an error message is written in the definitions: `file:line` and the field it is assigned to. */
function locateValue(root: string, value: string): { where: string; field?: string } | null {
  const hits: { where: string; field?: string }[] = [];
  const quoted = new RegExp(`(?:([\\w$]+)\\s*:\\s*)?(['"\`])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\2`);
  for (const f of definitionFiles(root)) {
    const lines = readFileSync(f, 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = quoted.exec(l);
      if (m) hits.push({ where: `${rel(root, f)}:${i + 1}`, field: m[1] });
    });
  }
  return hits.length === 1 ? hits[0] : null;
}

/** The first stack frame in a definition file, as `file:line`. */
function definitionFrame(root: string, stack: string): string | null {
  for (const m of stack.matchAll(/\(?(?:file:\/\/)?(\/[^():\s]+):(\d+):\d+\)?/g)) {
    if (isDefinitionFile(root, m[1])) return `${rel(root, m[1])}:${m[2]}`;
  }
  return null;
}

/**
 * One line for an error raised while loading or evaluating the definitions (esbuild's
 * TransformError for a syntax error; anything thrown from a definition file), or null when
 * the error did not come from the definitions.
 */
export function definitionErrorLine(err: unknown, root: string): string | null {
  const e = err as Error | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (e?.name === 'TransformError' || /^Transform failed with \d+ error/.test(message)) {
    const m = /(\/[^\n]+?):(\d+):(\d+): ERROR: ([^\n]+)/.exec(message);
    if (m) return `${rel(root, m[1])}:${m[2]}:${m[3]}: ${m[4]} (the definition does not compile)`;
    return `a definition does not compile: ${message.split('\n').slice(0, 2).join(' ')}`;
  }
  const frame = definitionFrame(root, e?.stack ?? '');
  if (!frame) return null;
  const first = message.split('\n')[0];
  const value = /"([^"\n]{1,200})"/.exec(first)?.[1];
  const at = value ? locateValue(root, value) : null;
  if (at) return `${at.where}: ${at.field ? `${at.field}: ` : ''}${first}${at.where.split(':')[0] !== frame.split(':')[0] ? ` (read by ${frame})` : ''}`;
  return `${frame}: ${first}`;
}
