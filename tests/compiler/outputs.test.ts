import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';

const diagnostics = (text: string) =>
  checkSource(new Source('t.net', text)).diagnostics.map((d) => {
    const { line, column } = d.span.source.position(d.span.start);
    return [d.code, line, column, d.message];
  });

describe('model outputs', () => {
  it('rejects one tensor returned under two names (E4004 at the second)', () => {
    const text = 'model m(x: [4]) {\n  y = x |> dense(2)\n  return a: y, b: y\n}\n';
    expect(diagnostics(text)).toEqual([
      ['E4004', 3, 19, "'b' is the same tensor as the output 'a': return it once"],
    ]);
  });

  it('accepts two different tensors, even of the same op', () => {
    const text = 'model m(x: [4]) {\n  return a: x |> dense(2), b: x |> dense(2)\n}\n';
    expect(diagnostics(text)).toEqual([]);
  });
});

describe('argument names', () => {
  it.each(['__proto__', 'constructor', 'toString'])(
    'rejects %s as an unknown argument of an op (E1003)',
    (name) => {
      const text = `model m(x: [4]) {\n  return x |> dense(3, ${name}: 5)\n}\n`;
      expect(diagnostics(text)).toEqual([['E1003', 2, 24, `dense has no argument '${name}'`]]);
    },
  );
});
