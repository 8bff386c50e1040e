// Prints the architecture figures the import-graph test guards: arrows, cycles, layer
// violations, the largest function, and in how many places each runbook constant is typed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { arrowCount, arrows, cycles, importGraph, largestFunction } from './import-graph.ts';

const root = process.cwd();
const DEFINITIONS = /^(runbooks|alerts|slo|dashboards)\//;
const CLI = /^src\/cli\//;
const LIBRARY = (f: string) => f.startsWith('src/') && !CLI.test(f);
const ENGINE = (f: string) => LIBRARY(f) && !f.startsWith('src/contract/');

const g = importGraph(root, ['src', 'runbooks', 'alerts', 'slo', 'dashboards', 'scripts', 'bench']);
const code = [...g.edges.keys()].filter((f) => f.endsWith('.ts'));
const cyc = cycles(g);
console.log(`files ${g.edges.size}, import arrows ${arrowCount(g)}`);
console.log(`cycles ${cyc.length}${cyc.length ? `: ${cyc.map((c) => c.join(' <-> ')).join('; ')}` : ''}`);
console.log(`library -> runbook definitions arrows ${arrows(g, ENGINE, (f) => DEFINITIONS.test(f)).length}`);
console.log(`library -> CLI arrows ${arrows(g, LIBRARY, (f) => CLI.test(f)).length}`);
const lib = code.filter((f) => f.startsWith('src/'));
const big = largestFunction(root, lib);
console.log(`largest function ${big.name} in ${big.file}: ${big.lines} lines`);

// String and number literals in code (comments and docs don't count), per constant.
const constants: [string, (lit: string) => boolean][] = [
  ["'5m' (rate window)", (l) => /(^|\[)5m(\]|$)/.test(l)],
  ['0.95 (latency quantile)', (l) => l === '0.95'],
  ["'24h' (circuit breaker day)", (l) => /(^|\[)24h(\]|$)/.test(l)],
  ["'10m' (warning for)", (l) => l === '10m'],
  ['100 (min deliveries)', (l) => l === 'minDeliveries=100'],
  ["'platform' (team label)", (l) => l === 'platform'],
  ['runbook URL base', (l) => l.includes('blob/main/docs/runbooks')],
];
const counts = new Map<string, Set<string>>(constants.map(([n]) => [n, new Set()]));
const hits = new Map<string, number>(constants.map(([n]) => [n, 0]));
for (const file of code.filter((f) => !f.startsWith('scripts/architecture-figures'))) {
  const src = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const visit = (n: ts.Node) => {
    let lit: string | null = null;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) lit = n.text;
    else if (ts.isNumericLiteral(n)) {
      // a bare number means nothing; count it where it is named as the delivery minimum
      const owner = ts.isPropertyAssignment(n.parent) || ts.isVariableDeclaration(n.parent) ? n.parent.name.getText() : '';
      lit = /min_?deliveries/i.test(owner) ? `minDeliveries=${n.text}` : n.text;
    }
    else if (ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) lit = n.text;
    if (lit !== null) {
      const pieces = [lit, ...lit.split(/[\s(){},]+/)];
      for (const [name, match] of constants) {
        if (pieces.some(match)) {
          counts.get(name)!.add(file);
          hits.set(name, hits.get(name)! + 1);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
}
for (const [name] of constants) console.log(`${name}: ${hits.get(name)} literals in ${counts.get(name)!.size} files`);
