import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';

const errors = (text: string) =>
  checkSource(new Source('t.net', text))
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => {
      const { line, column } = d.span.source.position(d.span.start);
      return [d.code, line, column, d.message];
    });

describe('errors downstream of a failed value', () => {
  it('stay silent where they depend on it', () => {
    const text =
      'model m(x: [4]) {\n  y = x |> dense(3)\n  z = y + x\n  return z |> dense(2) |> relu\n}\n';
    expect(errors(text).map((e) => e[0])).toEqual(['E3001']);
  });

  it('are still reported when they do not depend on the value', () => {
    const text = [
      'block twice(x, filters) {',
      '  return x |> dense(filters) |> dense(filters)',
      '}',
      'model m(x: [8, 8, 3]) {',
      '  h = x |> conv2d(4, 3)',
      '  y = h + x',
      '  a = y |> sofmax',
      '  b = y |> dense(3, unitz: 2)',
      '  c = y |> relu |> dense(undefined_thing)',
      '  d = twice(y, filtrs: 3)',
      '  e = y |> dense(3) |> relu',
      '  return a',
      '}',
      '',
    ].join('\n');
    expect(errors(text)).toEqual([
      ['E3001', 6, 7, 'add cannot broadcast [8, 8, 4] with [8, 8, 3]: dimension 2 is 4 and 3'],
      // Each of these reads `y`, which failed above; none of them depends on its value.
      ['E1002', 7, 12, "unknown op or block 'sofmax'"],
      ['E1003', 8, 21, "dense has no argument 'unitz'; did you mean 'units'?"],
      ['E1001', 9, 26, "undefined name 'undefined_thing'"],
      ['E1003', 10, 16, "twice has no parameter 'filtrs'; did you mean 'filters'?"],
    ]);
  });
});
