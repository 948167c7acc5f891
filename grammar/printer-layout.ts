import type * as A from './ast.js';
import { binaryLevel, call, expr, operandMins, Prec, precedence } from './printer-expr.js';

/**
 * Breaking expressions over lines for `netc fmt`, so that no line is longer than `WIDTH` columns
 * unless one token is. An expression goes on one line when it fits; otherwise its outermost
 * construct breaks and each part is laid out the same way, one level deeper:
 *
 * - a pipe chain before each `|>`, four columns in;
 * - a call, list or tuple one item per line with a trailing comma, two columns in;
 * - an operator chain (`a + b - c`) before each operator, four columns in;
 * - a conditional before `?` and `:`, four columns in;
 * - an index inside its brackets, a parenthesized expression inside its parentheses.
 *
 * `.net` ignores line breaks between tokens, so every layout reads back as the same tree.
 */

/** Lines are not made longer than this when a break is possible. */
export const WIDTH = 100;
export const INDENT = '  ';
/** Continuation lines of a broken chain are indented this much past their statement. */
export const CONTINUATION = '    ';

/**
 * `head` + the expression + `tail`: one line when it fits in WIDTH columns, else broken (see
 * above). `ind` is the indentation of the line `head` starts; `min` the least precedence the
 * expression may have without parentheses.
 */
export function layout(
  head: string,
  e: A.Expression,
  ind: string,
  tail = '',
  min: number = Prec.Conditional,
): string[] {
  const flat = `${head}${expr(e, min)}${tail}`;
  if (flat.length <= WIDTH) return [flat];
  if (precedence(e) < min) {
    return [`${head}(`, ...layout(ind + INDENT, e, ind + INDENT), `${ind})${tail}`];
  }
  switch (e.kind) {
    case 'Pipe':
      return pipeLines(head, e, ind, tail);
    case 'Call':
      return callLines(head, e, ind, tail);
    case 'List':
      return listLines(head, e, ind, tail) ?? [flat];
    case 'Binary':
      return binaryLines(head, e, ind, tail);
    case 'Conditional': {
      const more = ind + CONTINUATION;
      return [
        ...layout(head, e.condition, ind, '', Prec.Pipe),
        ...layout(`${more}? `, e.then, more),
        ...layout(`${more}: `, e.otherwise, more, tail),
      ];
    }
    case 'Index':
      return indexLines(head, e, ind, tail);
    case 'Unary': {
      const op = e.operator === 'not' ? 'not ' : e.operator;
      return layout(
        `${head}${op}`,
        e.operand,
        ind,
        tail,
        e.operator === 'not' ? Prec.Not : Prec.Unary,
      );
    }
    default:
      return [flat];
  }
}

/** Items one per line between `open` and `close`, each laid out two columns in, with a comma. */
function spread(
  head: string,
  open: string,
  items: readonly ((lineHead: string, inner: string) => string[])[],
  close: string,
  ind: string,
  tail: string,
): string[] {
  const inner = ind + INDENT;
  return [
    `${head}${open}`,
    ...items.flatMap((item) => item(inner, inner)),
    `${ind}${close}${tail}`,
  ];
}

/** One argument (`name: value`) on lines starting `lineHead`, with its comma. */
const argumentItem =
  (a: A.Argument) =>
  (lineHead: string, inner: string): string[] =>
    layout(a.name ? `${lineHead}${a.name.name}: ` : lineHead, a.value, inner, ',');

function callLines(head: string, e: A.CallExpression, ind: string, tail: string): string[] {
  if (e.args.length === 0) return [`${head}${call(e)}${tail}`];
  return spread(head, `${e.callee.name}(`, e.args.map(argumentItem), ')', ind, tail);
}

function listLines(
  head: string,
  e: A.ListExpression,
  ind: string,
  tail: string,
): string[] | undefined {
  if (e.items.length === 0) return undefined;
  const [l, r] = e.tuple ? ['(', ')'] : ['[', ']'];
  const items = e.items.map(
    (item) =>
      (lineHead: string, inner: string): string[] =>
        layout(lineHead, item, inner, ','),
  );
  return spread(head, l, items, r, ind, tail);
}

/** The input, then each `|> step` on its own line, four columns in. */
function pipeLines(head: string, e: A.PipeExpression, ind: string, tail: string): string[] {
  const steps: A.CallExpression[] = [];
  let node: A.Expression = e;
  while (node.kind === 'Pipe') {
    steps.push(node.call);
    node = node.input;
  }
  steps.reverse();
  const more = ind + CONTINUATION;
  const lines = layout(head, node, ind, '', Prec.Pipe);
  steps.forEach((step, i) => {
    const last = i === steps.length - 1 ? tail : '';
    const flat = `${more}|> ${call(step)}${last}`;
    lines.push(...(flat.length <= WIDTH ? [flat] : callLines(`${more}|> `, step, more, last)));
  });
  return lines;
}

/**
 * An operator chain: the first operand, then `op operand` per line, four columns in. A chain of
 * one level (`a + b - c`) is walked iteratively, as it may be very long.
 */
function binaryLines(head: string, e: A.BinaryExpression, ind: string, tail: string): string[] {
  const level = binaryLevel(e.operator);
  const more = ind + CONTINUATION;
  if (e.operator === '**' || level === Prec.Compare) {
    const [left, right] = operandMins(e.operator);
    return [
      ...layout(head, e.left, ind, '', left),
      ...layout(`${more}${e.operator} `, e.right, more, tail, right),
    ];
  }
  const rights: A.BinaryExpression[] = [];
  let node: A.Expression = e;
  while (node.kind === 'Binary' && binaryLevel(node.operator) === level) {
    rights.push(node);
    node = node.left;
  }
  rights.reverse();
  const lines = layout(head, node, ind, '', level);
  rights.forEach((b, i) => {
    const last = i === rights.length - 1 ? tail : '';
    lines.push(...layout(`${more}${b.operator} `, b.right, more, last, level + 1));
  });
  return lines;
}

/**
 * `x[i][j]`: the target, then each index after it while the line fits, else inside its brackets
 * on lines of its own. Walked iteratively, as index chains may be very long.
 */
function indexLines(head: string, e: A.IndexExpression, ind: string, tail: string): string[] {
  const indices: A.Expression[] = [];
  let node: A.Expression = e;
  while (node.kind === 'Index') {
    indices.push(node.index);
    node = node.target;
  }
  indices.reverse();
  // The target is laid out with room for a `[` after it, which is then taken off again.
  const lines = layout(head, node, ind, '[', Prec.Postfix);
  lines[lines.length - 1] = lines[lines.length - 1].slice(0, -1);
  const inner = ind + INDENT;
  indices.forEach((index, i) => {
    const last = i === indices.length - 1 ? tail : '';
    const joined = `${lines[lines.length - 1]}[${expr(index)}]${last}`;
    // One column stays free for the `[` of a next index that has to break.
    if (joined.length < WIDTH) {
      lines[lines.length - 1] = joined;
      return;
    }
    lines[lines.length - 1] += '[';
    lines.push(...layout(inner, index, inner), `${ind}]${last}`);
  });
  return lines;
}
