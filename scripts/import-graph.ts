// The repository's import graph, read from the sources with the TypeScript parser:
// the architecture test asserts on it and `npm run figures` prints its numbers.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export interface ImportGraph {
  /** Repo-relative file -> repo-relative files it imports (type-only imports included). */
  readonly edges: ReadonlyMap<string, ReadonlySet<string>>;
}

const CODE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (CODE.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
}

/** Module specifiers a file imports or re-exports, static and dynamic. */
export function specifiers(path: string): string[] {
  const src = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) out.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}

/** The graph of every code file under `dirs` (relative imports only; packages are not nodes). */
export function importGraph(root: string, dirs: readonly string[]): ImportGraph {
  const files: string[] = [];
  for (const d of dirs) walk(resolve(root, d), files);
  const edges = new Map<string, Set<string>>();
  for (const f of files) {
    const from = relative(root, f);
    const to = new Set<string>();
    for (const s of specifiers(f)) {
      if (!s.startsWith('.')) continue;
      const target = resolve(dirname(f), s);
      if (existsSync(target) && statSync(target).isFile()) to.add(relative(root, target));
    }
    edges.set(from, to);
  }
  return { edges };
}

/** Every cycle's members (strongly connected components of more than one file, or a self import). */
export function cycles(g: ImportGraph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.edges.get(v) ?? []) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || g.edges.get(v)?.has(v)) out.push(comp.sort());
    }
  };
  for (const v of g.edges.keys()) if (!idx.has(v)) strong(v);
  return out;
}

/** Arrows from a file matching `from` to a file matching `to`, as "a -> b". */
export function arrows(g: ImportGraph, from: (f: string) => boolean, to: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const [a, targets] of g.edges) if (from(a)) for (const b of targets) if (to(b)) out.push(`${a} -> ${b}`);
  return out.sort();
}

export const arrowCount = (g: ImportGraph): number => [...g.edges.values()].reduce((n, s) => n + s.size, 0);

/** The longest function-like body in the files, in lines. */
export function largestFunction(root: string, files: readonly string[]): { file: string; name: string; lines: number } {
  let best = { file: '', name: '', lines: 0 };
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const src = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const visit = (n: ts.Node) => {
      if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
        const lines = src.getLineAndCharacterOfPosition(n.getEnd()).line - src.getLineAndCharacterOfPosition(n.getStart()).line + 1;
        if (lines > best.lines) {
          const named = (n as ts.FunctionDeclaration).name?.getText() ?? (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText() : '(anonymous)');
          best = { file, name: named, lines };
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return best;
}
