import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';

/** The diagnostics of `return x |> dense(<expr>)` as [code, line, column, message]. */
function denseOf(expr: string): [string, number, number, string][] {
  const text = `model m(x: [4]) {\n  return x |> dense(${expr})\n}\n`;
  return checkSource(new Source('t.net', text)).diagnostics.map((d) => {
    const { line, column } = d.span.source.position(d.span.start);
    return [d.code, line, column, d.message];
  });
}

describe('numbers are finite, ints are safe integers', () => {
  it.each([
    // `  return x |> dense(int(` is 24 characters: int's argument starts at column 25.
    ['int(1e400)', 25, 'number 1e400 is out of range (at most 1.7976931348623157e+308)'],
    ['int(1e400 - 1e400)', 25, 'number 1e400 is out of range (at most 1.7976931348623157e+308)'],
    ['int(1e300 * 1e300)', 31, "float overflow: the result of '*' is not a finite number"],
    ['int(10.0 ** 400)', 30, "float overflow: the result of '**' is not a finite number"],
    ['int(3 / 1e-320)', 27, "float overflow: the result of '/' is not a finite number"],
    // 2^60 is a float exactly, but no int: ints stop at 2^53 - 1.
    [
      'int(2.0 ** 60)',
      25,
      'int() of 1152921504606846976.0 is not an integer of at most 9007199254740991',
    ],
  ])('dense(%s) is error E2005 at 2:%i', (expr, column, message) => {
    expect(denseOf(expr)).toEqual([['E2005', 2, column, message]]);
  });

  it('keeps the largest safe integer and finite floats', () => {
    // Kept exactly: dense(2^52) on 4 inputs then needs a 4 * 2^52 kernel, over the weight limit.
    const big = denseOf('int(2.0 ** 52)');
    expect(big.map((d) => d[0])).toEqual(['E4005']);
    expect(big[0][3]).toContain((4 * 2 ** 52).toLocaleString('en-US'));
    expect(denseOf('int(1e300 / 1e298)')).toEqual([]);
  });
});
