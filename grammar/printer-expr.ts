import type * as A from './ast.js';

/**
 * Expression printing for `netc fmt`: parentheses are re-derived from precedence, so an
 * expression prints with the fewest parentheses that parse back to the same tree.
 */

/** Precedence levels, loosest first (see the grammar in docs/language.md). */
export const Prec = {
  Conditional: 0,
  Pipe: 1,
  Or: 2,
  And: 3,
  Not: 4,
  Compare: 5,
  Add: 6,
  Mul: 7,
  Unary: 8,
  Power: 9,
  Postfix: 10,
  Primary: 11,
} as const;

const binaryPrec: Record<A.BinaryOperator, number> = {
  or: Prec.Or,
  and: Prec.And,
  '==': Prec.Compare,
  '!=': Prec.Compare,
  '<': Prec.Compare,
  '<=': Prec.Compare,
  '>': Prec.Compare,
  '>=': Prec.Compare,
  '+': Prec.Add,
  '-': Prec.Add,
  '*': Prec.Mul,
  '/': Prec.Mul,
  '//': Prec.Mul,
  '%': Prec.Mul,
  '**': Prec.Power,
};

export function precedence(e: A.Expression): number {
  switch (e.kind) {
    case 'Conditional':
      return Prec.Conditional;
    case 'Pipe':
      return Prec.Pipe;
    case 'Binary':
      return binaryPrec[e.operator];
    case 'Unary':
      return e.operator === 'not' ? Prec.Not : Prec.Unary;
    case 'Index':
      return Prec.Postfix;
    default:
      return Prec.Primary;
  }
}

/** The precedence level of a binary operator. */
export const binaryLevel = (op: A.BinaryOperator): number => binaryPrec[op];

/** The least precedence each operand of `op` may have without parentheses: [left, right]. */
export function operandMins(op: A.BinaryOperator): readonly [number, number] {
  return operandPrec(op);
}

function operandPrec(op: A.BinaryOperator): readonly [number, number] {
  const p = binaryPrec[op];
  if (op === '**') return [Prec.Postfix, Prec.Unary];
  if (p === Prec.Compare) return [Prec.Add, Prec.Add];
  return [p, p + 1];
}

/** `e` on one line, in parentheses when its precedence is below `min`. */
export function expr(e: A.Expression, min: number = Prec.Conditional): string {
  const text = bare(e);
  return precedence(e) < min ? `(${text})` : text;
}

function bare(e: A.Expression): string {
  switch (e.kind) {
    case 'Integer':
      return integer(e);
    case 'Float':
      return float(e);
    case 'String':
      return quote(e.value);
    case 'Boolean':
      return e.value ? 'true' : 'false';
    case 'None':
      return 'none';
    case 'Name':
      return e.name;
    case 'List':
      return list(e);
    case 'Call':
      return call(e);
    case 'Index':
      return index(e);
    case 'Unary':
      return unary(e);
    case 'Binary':
      return binary(e);
    case 'Conditional':
      return `${expr(e.condition, Prec.Pipe)} ? ${expr(e.then)} : ${expr(e.otherwise)}`;
    case 'Pipe':
      return pipeParts(e).join(' |> ');
  }
}

export function integer(e: A.IntegerLiteral): string {
  return Number.isInteger(e.value) && e.value >= 0 ? BigInt(e.value).toString() : e.raw;
}

const FLOAT = /^(?:\d+\.\d*(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?)$/;

/** The source text when it reads back as the same value, else the shortest float spelling. */
export function float(e: A.FloatLiteral): string {
  if (FLOAT.test(e.raw) && Number(e.raw) === e.value) return e.raw;
  if (!Number.isFinite(e.value)) return '1e999';
  const text = String(e.value).replace('e+', 'e');
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A string literal that `unescapeString` reads back as `value`. */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff))
      out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

function list(e: A.ListExpression): string {
  const items = e.items.map((item) => expr(item));
  if (!e.tuple || items.length === 0) return `[${items.join(', ')}]`;
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

export function argument(a: A.Argument): string {
  return a.name ? `${a.name.name}: ${expr(a.value)}` : expr(a.value);
}

/** `f(a, b: 1)`; a bare `f` when written without parentheses (right of `|>`). */
export function call(e: A.CallExpression): string {
  if (!e.parens && e.args.length === 0) return e.callee.name;
  return `${e.callee.name}(${e.args.map(argument).join(', ')})`;
}

/** `x[i][j]`: index chains are walked iteratively, as they may be very long. */
function index(e: A.IndexExpression): string {
  const suffixes: string[] = [];
  let node: A.Expression = e;
  while (node.kind === 'Index') {
    suffixes.push(`[${expr(node.index)}]`);
    node = node.target;
  }
  return expr(node, Prec.Postfix) + suffixes.reverse().join('');
}

function unary(e: A.UnaryExpression): string {
  if (e.operator === 'not') return `not ${expr(e.operand, Prec.Not)}`;
  return `${e.operator}${expr(e.operand, Prec.Unary)}`;
}

/** Left-associative chains (`a + b - c`) are walked iteratively, as they may be very long. */
function binary(e: A.BinaryExpression): string {
  const level = binaryPrec[e.operator];
  if (e.operator === '**' || level === Prec.Compare) {
    const [left, right] = operandPrec(e.operator);
    return `${expr(e.left, left)} ${e.operator} ${expr(e.right, right)}`;
  }
  const rights: string[] = [];
  let node: A.Expression = e;
  while (node.kind === 'Binary' && binaryPrec[node.operator] === level) {
    rights.push(`${node.operator} ${expr(node.right, level + 1)}`);
    node = node.left;
  }
  return [expr(node, level), ...rights.reverse()].join(' ');
}

/** A pipe chain as its input followed by each call: `x |> f |> g(1)` gives `x`, `f`, `g(1)`. */
export function pipeParts(e: A.PipeExpression): string[] {
  const steps: string[] = [];
  let node: A.Expression = e;
  while (node.kind === 'Pipe') {
    steps.push(call(node.call));
    node = node.input;
  }
  return [expr(node, Prec.Pipe), ...steps.reverse()];
}
