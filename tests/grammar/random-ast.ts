import type * as A from '../../grammar/ast.js';

/** A small seeded generator (the project's splitmix32), so that failures reproduce. */
export { splitmix32 as rng } from '../../compiler/initial-weights.js';

const loc: A.Loc = { start: 0, end: 0 };
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const ident = (name: string): A.Identifier => ({ kind: 'Identifier', name, loc });

const binaryOps: readonly A.BinaryOperator[] = [
  'or',
  'and',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
];
const floats = ['0.5', '1e-3', '2.5E+10', '.25', '3.', '1.0'];
const strings = ['', 'a"b', 'back\\slash', 'line\nbreak', 'tab\there', 'bell\u0007', 'é😀'];

function leaf(r: () => number): A.Expression {
  switch (Math.floor(r() * 6)) {
    case 0: {
      const value = Math.floor(r() * 100);
      return { kind: 'Integer', value, raw: String(value), loc };
    }
    case 1: {
      const raw = pick(r, floats);
      return { kind: 'Float', value: Number(raw), raw, loc };
    }
    case 2:
      return { kind: 'String', value: pick(r, strings), loc };
    case 3:
      return r() < 0.5 ? { kind: 'Boolean', value: r() < 0.5, loc } : { kind: 'None', loc };
    default:
      return { kind: 'Name', name: pick(r, ['a', 'b', 'x', 'widths']), loc };
  }
}

function call(r: () => number, depth: number, bare: boolean): A.CallExpression {
  const parens = !bare || r() < 0.5;
  const count = parens ? Math.floor(r() * 3) : 0;
  const args = Array.from({ length: count }, (): A.Argument => {
    const name = r() < 0.3 ? { name: ident(pick(r, ['axis', 'stride'])) } : {};
    return { kind: 'Argument', ...name, value: randomExpr(r, depth - 1), loc };
  });
  return { kind: 'Call', callee: ident(pick(r, ['f', 'conv2d'])), args, parens, loc };
}

/** A random expression tree of at most `depth` levels, as the parser could build it. */
export function randomExpr(r: () => number, depth: number): A.Expression {
  if (depth <= 0 || r() < 0.15) return leaf(r);
  const sub = (): A.Expression => randomExpr(r, depth - 1);
  switch (Math.floor(r() * 8)) {
    case 0: {
      const tuple = r() < 0.5;
      const items = Array.from({ length: Math.floor(r() * 3) + (tuple ? 1 : 0) }, sub);
      return { kind: 'List', items, tuple, loc };
    }
    case 1:
      return call(r, depth, false);
    case 2:
      return { kind: 'Index', target: sub(), index: sub(), loc };
    case 3:
      return { kind: 'Unary', operator: pick(r, ['-', '+', 'not'] as const), operand: sub(), loc };
    case 4:
      return { kind: 'Conditional', condition: sub(), then: sub(), otherwise: sub(), loc };
    case 5:
      return { kind: 'Pipe', input: sub(), call: call(r, depth, true), loc };
    default:
      return {
        kind: 'Binary',
        operator: pick(r, binaryOps),
        left: sub(),
        right: sub(),
        operatorLoc: loc,
        loc,
      };
  }
}

/**
 * A random assignment or loop pattern, as the parser builds them: a name, or a tuple of
 * patterns; a tuple of one item holds a name (`((a, b))` reads back as `(a, b)`).
 */
export function randomPattern(r: () => number, depth: number): A.Pattern {
  if (depth <= 0 || r() < 0.4) return ident(pick(r, ['a', 'b', 'x', 'y_2']));
  const count = Math.floor(r() * 3) + 1;
  const items =
    count === 1
      ? [ident(pick(r, ['a', 'c']))]
      : Array.from({ length: count }, () => randomPattern(r, depth - 1));
  return { kind: 'TuplePattern', items, loc };
}

/** `block t() { x = <e> }`, or `<target> = <e>` */
export function programOf(e: A.Expression, target: A.Pattern = ident('x')): A.Program {
  const body: A.Statement[] = [{ kind: 'Assign', target, value: e, loc }];
  const block: A.Definition = { kind: 'Block', name: ident('t'), params: [], body, loc };
  return { kind: 'Program', items: [block], comments: [], loc };
}
