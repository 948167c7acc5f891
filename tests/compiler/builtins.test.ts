/**
 * The rounding builtins `ceil`, `floor`, `round` and the numeric `min`, `max`, `abs`: exact
 * results (an int from the rounding ones, so that a layer size can use it) worked out by hand,
 * and located errors for wrong types and arity.
 */
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';
import { compileDocExample } from './doc-blocks.js';

/** Compiles `return x |> dense(<expr>)`: the units it got, or the diagnostics. */
function denseOf(expr: string): number | [string, number, number, string][] {
  const text = `model m(x: [4]) {\n  return x |> dense(${expr})\n}\n`;
  const r = checkSource(new Source('t.net', text));
  if (r.ok) return r.graphs[0].outputs[0].shape[0] as number;
  return r.diagnostics.map((d) => {
    const { line, column } = d.span.source.position(d.span.start);
    return [d.code, line, column, d.message];
  });
}

describe('rounding builtins give ints', () => {
  it.each([
    // 1.1 * 3 is 3.3000000000000003 in binary floating point: its ceiling is 4 (issue 13).
    ['ceil(1.1 * 3)', 4],
    ['ceil(3.0)', 3],
    ['ceil(7)', 7],
    ['ceil(0.5 - 1) + 1', 1], // ceil(-0.5) is 0
    ['floor(3.99)', 3],
    ['floor(-0.5) + 2', 1], // floor(-0.5) is -1
    ['floor(64 / 3)', 21], // 21.33...
    // Python's round: halves go to the even neighbour.
    ['round(2.5)', 2],
    ['round(3.5)', 4],
    ['round(2.4999)', 2],
    ['round(2.51)', 3],
    ['round(-2.5) + 5', 3], // round(-2.5) is -2
    ['round(-1.5) + 5', 3], // round(-1.5) is -2
    ['round(0.1 * 3 * 10)', 3], // 3.0000000000000004
    ['max(1, ceil(0.2))', 1],
    ['int(max(2, 3.5) * 2)', 7],
    ['min([5, 2, 9])', 2],
    ['abs(-6)', 6],
    ['int(abs(-2.5) * 2)', 5],
    ['round(2 ** 52 + 0.5) - 2 ** 52 + 1', 1], // 2^52 + 0.5 is not a double: it is 2^52
  ])('dense(%s) has %i units', (expr, units) => {
    expect(denseOf(expr)).toBe(units);
  });
});

describe('errors', () => {
  // `  return x |> dense(` is 20 characters: the expression starts at column 21.
  it.each([
    ['ceil("3")', 'E2001', 26, 'ceil() expects a number, found string'],
    ['floor([1.5])', 'E2001', 27, 'floor() expects a number, found list'],
    ['round(x)', 'E2001', 27, 'round() expects a number, found tensor [4]'],
    ['round(true)', 'E2001', 27, 'round() expects a number, found bool'],
    ['ceil(1.5, 2)', 'E1005', 21, 'ceil() takes 1 argument, found 2'],
    ['floor()', 'E1005', 21, 'floor() takes 1 argument, found 0'],
    ['abs([-3, 4])', 'E2001', 25, 'abs() expects a number, found list'],
    ['abs(1, 2)', 'E1005', 21, 'abs() takes 1 argument, found 2'],
    ['max(1, "a")', 'E2001', 28, 'max() expects numbers, found string'],
    ['min([])', 'E2002', 21, 'min() of an empty sequence'],
    ['ceil(1e300)', 'E2005', 26, 'ceil() of 1e+300 is not an integer of at most 9007199254740991'],
  ])('dense(%s) is %s at 2:%i', (expr, code, column, message) => {
    expect(denseOf(expr)).toEqual([[code, 2, column, message]]);
  });
});

describe('docs/language.md', () => {
  it('compiles the expand_reduce example with round()', () => {
    const graph = compileDocExample(
      'expand_reduce',
      'model m(x: [8, 8, 10]) {\n  return x |> expand_reduce\n}\n',
    );
    // round(10 * 0.25) = round(2.5) = 2 (halves to even).
    expect(graph.nodes.filter((n) => n.op === 'conv2d').map((n) => n.shape[2])).toEqual([2, 10]);
  });
});
