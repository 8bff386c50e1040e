// PromQL syntax checks with the official lezer grammar, plus the light type and
// arity checks lezer can't do (`rate(up)` parses). promtool stays the final word.
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

export interface PromqlProblem {
  /** 0-based offset into the expression. */
  readonly pos: number;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface PromqlInfo {
  readonly problems: PromqlProblem[];
  /** Metric names of every vector selector (`foo` in `foo{a="b"}`). */
  readonly metricNames: string[];
  readonly functions: string[];
  /** True when a comparison operator (`>`, `<`, `==`, …) is used between expressions. */
  readonly hasComparison: boolean;
}

const COMPARISON = new Set(['Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte']);

/** Functions whose (index) argument must be a range vector. */
const RANGE_ARG: Record<string, number> = Object.fromEntries(
  [
    'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'predict_linear', 'holt_winters',
    'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'stddev_over_time',
    'stdvar_over_time', 'last_over_time', 'present_over_time', 'quantile_over_time', 'absent_over_time',
  ].map((f) => [f, f === 'quantile_over_time' ? 1 : 0]),
);

/** Exact argument counts (min, max) for the functions slogate's definitions use. */
const ARITY: Record<string, [number, number]> = {
  rate: [1, 1], irate: [1, 1], increase: [1, 1], delta: [1, 1], idelta: [1, 1], deriv: [1, 1],
  changes: [1, 1], resets: [1, 1], predict_linear: [2, 2], histogram_quantile: [2, 2], vector: [1, 1],
  scalar: [1, 1], abs: [1, 1], absent: [1, 1], absent_over_time: [1, 1], clamp_min: [2, 2], clamp_max: [2, 2],
  clamp: [3, 3], avg_over_time: [1, 1], min_over_time: [1, 1], max_over_time: [1, 1], sum_over_time: [1, 1],
  count_over_time: [1, 1], last_over_time: [1, 1], present_over_time: [1, 1], quantile_over_time: [2, 2],
  round: [1, 2], time: [0, 0], label_replace: [5, 5], ceil: [1, 1], floor: [1, 1],
};

function lineCol(text: string, pos: number): { line: number; column: number } {
  const before = text.slice(0, pos).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function problem(text: string, pos: number, message: string): PromqlProblem {
  return { pos, ...lineCol(text, pos), message };
}

function args(body: SyntaxNode | null): SyntaxNode[] {
  // FunctionCallBody: "(" expr ("," expr)* ")"
  const out: SyntaxNode[] = [];
  for (let c = body?.firstChild ?? null; c; c = c.nextSibling) {
    if (c.type.isError) continue;
    out.push(c);
  }
  return out;
}

// `(x[5m])`, `x[5m] offset 1h` and `x[5m] @ t` are still range vectors
const WRAPPERS = new Set(['ParenExpr', 'OffsetExpr', 'StepInvariantExpr']);
function unwrapRange(n: SyntaxNode): SyntaxNode {
  while (WRAPPERS.has(n.type.name) && n.firstChild) n = n.firstChild;
  return n;
}

export function analyzePromql(expr: string): PromqlInfo {
  const problems: PromqlProblem[] = [];
  const metricNames: string[] = [];
  const functions: string[] = [];
  let hasComparison = false;
  if (!expr.trim()) return { problems: [problem(expr, 0, 'empty expression')], metricNames, functions, hasComparison };
  const tree = parser.parse(expr);
  tree.iterate({
    enter(ref) {
      const n = ref.node;
      const name = n.type.name;
      if (n.type.isError) {
        const at = n.from;
        const near = expr.slice(at, at + 12).split('\n')[0];
        problems.push(problem(expr, at, at >= expr.length ? 'unexpected end of expression' : `syntax error near "${near}"`));
        return false;
      }
      if (name === 'VectorSelector') {
        const id = n.getChild('Identifier');
        if (id) metricNames.push(expr.slice(id.from, id.to));
      } else if (name === 'BinaryExpr') {
        for (let c = n.firstChild; c; c = c.nextSibling) if (COMPARISON.has(c.type.name)) hasComparison = true;
      } else if (name === 'FunctionCall') {
        const idNode = n.getChild('FunctionIdentifier');
        const fn = idNode ? expr.slice(idNode.from, idNode.to) : '';
        functions.push(fn);
        const a = args(n.getChild('FunctionCallBody'));
        const arity = ARITY[fn];
        if (arity && (a.length < arity[0] || a.length > arity[1])) {
          const want = arity[0] === arity[1] ? `${arity[0]}` : `${arity[0]}-${arity[1]}`;
          problems.push(problem(expr, n.from, `${fn}() takes ${want} argument(s), got ${a.length}`));
        }
        const ri = RANGE_ARG[fn];
        if (ri !== undefined && a[ri]) {
          const arg = unwrapRange(a[ri]);
          if (arg.type.name !== 'MatrixSelector' && arg.type.name !== 'SubqueryExpr') {
            problems.push(problem(expr, arg.from, `${fn}() expects a range vector such as metric[5m]`));
          }
        }
      }
      return undefined;
    },
  });
  return { problems, metricNames, functions, hasComparison };
}
