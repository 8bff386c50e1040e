// Which labels a PromQL expression's result carries, worked out from the parse tree alone
// (a raw SLI query must keep exactly the SLO's group-by labels, or its rules mix series).
import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';

export type LabelShape =
  | { readonly kind: 'labels'; readonly labels: ReadonlySet<string> }
  | { readonly kind: 'scalar' }
  | { readonly kind: 'unknown'; readonly why: string };

const SCALAR: LabelShape = { kind: 'scalar' };
const unknown = (why: string): LabelShape => ({ kind: 'unknown', why });
const labels = (l: Iterable<string>): LabelShape => ({ kind: 'labels', labels: new Set(l) });

/** Aggregations whose result has only the `by` labels. */
const GROUPING_AGGS = new Set(['sum', 'avg', 'min', 'max', 'count', 'group', 'stddev', 'stdvar', 'quantile']);
/** Functions that return their (first vector) argument's labels. */
const KEEPS_LABELS = new Set([
  'abs', 'ceil', 'floor', 'round', 'clamp', 'clamp_min', 'clamp_max', 'exp', 'ln', 'log2', 'log10', 'sqrt', 'sgn',
  'timestamp', 'deg', 'rad', 'sort', 'sort_desc',
]);

function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) if (!c.type.isError) out.push(c);
  return out;
}

function groupingLabels(text: string, n: SyntaxNode | null): string[] {
  const g = n?.getChild('GroupingLabels');
  return g ? g.getChildren('LabelName').map((l) => text.slice(l.from, l.to)) : [];
}

function shapeOf(text: string, n: SyntaxNode): LabelShape {
  const name = n.type.name;
  switch (name) {
    case 'PromQL':
    case 'ParenExpr': {
      const inner = children(n).find((c) => c.type.name !== '(' && c.type.name !== ')');
      return inner ? shapeOf(text, inner) : unknown('empty expression');
    }
    case 'NumberDurationLiteral':
    case 'NumberLiteral':
    case 'StringLiteral':
      return SCALAR;
    case 'UnaryExpr':
      return shapeOf(text, children(n)[children(n).length - 1]);
    case 'VectorSelector':
    case 'MatrixSelector':
    case 'SubqueryExpr':
    case 'OffsetExpr':
      return unknown(`"${text.slice(n.from, n.to)}" keeps every label of its series; aggregate it with sum by (...)`);
    case 'AggregateExpr': {
      const op = text.slice(n.getChild('AggregateOp')!.from, n.getChild('AggregateOp')!.to);
      const mod = n.getChild('AggregateModifier');
      if (!GROUPING_AGGS.has(op)) return unknown(`${op}() keeps the labels of the series it picks`);
      if (mod?.getChild('Without')) return unknown(`${op} without (...) keeps labels that can't be known from the query`);
      return labels(groupingLabels(text, mod));
    }
    case 'FunctionCall': {
      const id = n.getChild('FunctionIdentifier');
      const fn = id ? text.slice(id.from, id.to) : '';
      const args = children(n.getChild('FunctionCallBody')!).filter((c) => !['(', ')', ','].includes(c.type.name));
      if (fn === 'vector' || fn === 'time') return fn === 'vector' ? labels([]) : SCALAR;
      if (fn === 'scalar') return SCALAR;
      if (fn === 'histogram_quantile' && args[1]) {
        const s = shapeOf(text, args[1]);
        return s.kind === 'labels' ? labels([...s.labels].filter((l) => l !== 'le')) : s;
      }
      if (KEEPS_LABELS.has(fn) && args[0]) return shapeOf(text, args[0]);
      if (/rate$|^increase$|^delta$|_over_time$/.test(fn)) return unknown(`${fn}() keeps every label of its series; aggregate it with sum by (...)`);
      return unknown(`${fn}() changes labels in ways the check can't follow`);
    }
    case 'BinaryExpr':
      return binaryShape(text, n);
    default:
      return unknown(`${name} is not supported here`);
  }
}

function binaryShape(text: string, n: SyntaxNode): LabelShape {
  const parts = children(n);
  const operands = parts.filter((c) => !isOperatorNode(c.type.name));
  const [lhs, rhs] = [shapeOf(text, operands[0]), shapeOf(text, operands[operands.length - 1])];
  const opNode = parts.find((c) => isOperatorNode(c.type.name) && c.type.name !== 'MatchingModifierClause' && c.type.name !== 'BoolModifier');
  const op = opNode?.type.name ?? '';
  if (lhs.kind === 'unknown') return lhs;
  if (rhs.kind === 'unknown') return rhs;
  if (lhs.kind === 'scalar') return rhs;
  if (rhs.kind === 'scalar') return lhs;
  const mod = parts.find((c) => c.type.name === 'MatchingModifierClause');
  const on = mod?.getChild('On');
  const matching = groupingLabels(text, mod ?? null);
  if (op === 'And' || op === 'Unless') return lhs;
  if (op === 'Or') {
    const same = lhs.labels.size === rhs.labels.size && [...lhs.labels].every((l) => rhs.labels.has(l));
    return same ? lhs : unknown('the two sides of "or" have different labels');
  }
  if (mod?.getChild('GroupLeft')) return lhs;
  if (mod?.getChild('GroupRight')) return rhs;
  if (on) return labels([...lhs.labels].filter((l) => matching.includes(l)));
  if (mod) return labels([...lhs.labels].filter((l) => !matching.includes(l)));
  const same = lhs.labels.size === rhs.labels.size && [...lhs.labels].every((l) => rhs.labels.has(l));
  return same ? lhs : unknown(`the two sides have different labels (${[...lhs.labels].join(', ')} vs ${[...rhs.labels].join(', ')}), so nothing matches`);
}

const OPERATORS = new Set(['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow', 'Atan2', 'Eql', 'Neq', 'Gtr', 'Lss', 'Gte', 'Lte', 'And', 'Or', 'Unless', 'MatchingModifierClause', 'BoolModifier']);
const isOperatorNode = (name: string) => OPERATORS.has(name);

/** The label shape of a PromQL expression's result. */
export function resultLabels(expr: string): LabelShape {
  return shapeOf(expr, parser.parse(expr).topNode);
}
