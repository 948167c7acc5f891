/**
 * Destructuring assignment `a, b = f(x)` (issue 13: "error[E0002]: expected '=', found ','"):
 * it unpacks the values a block returns and lists, nested with parentheses; a count that does
 * not match is E2006 at the pattern and assigns nothing (the names are poisoned, so no
 * follow-on errors); parse errors near a pattern stay located and recover.
 */
import { describe, expect, it } from 'vitest';
import { Source } from '../../compiler/source.js';
import { parse } from '../../grammar/parse.js';
import { print } from '../../grammar/printer.js';
import { compile, compileDocExample } from './doc-blocks.js';

const two = `block two(x) {
  return x |> dense(3), x |> dense(5)
}
`;

describe('destructuring assignment', () => {
  it("unpacks a block's two return values (issue 13)", () => {
    const { graph, errors } = compile(
      `${two}model m(x: [8]) {\n  a, b = two(x)\n  return a: a, b: b\n}\n`,
    );
    expect(errors).toEqual([]);
    expect(graph!.outputs.map((o) => [o.name, o.shape])).toEqual([
      ['a', [3]],
      ['b', [5]],
    ]);
  });

  it('unpacks nested lists and swaps', () => {
    const { graph, errors } = compile(`model m(x: [8]) {
  w, (d, s) = [4, [2, "relu"]]
  d, w = (w, d)
  return x |> dense(w * 10 + d, activation: s)
}
`);
    expect(errors).toEqual([]);
    // After the swap d = 4, w = 2: 2 * 10 + 4 units.
    expect(graph!.outputs[0].shape).toEqual([24]);
  });

  it.each([
    // the pattern starts at column 3
    ['a, b, c = two(x)', 'cannot unpack a list of 2 values into 3 names', 3],
    ['a, b = 1', 'cannot unpack int into 2 names', 3],
    ['a, (b, c) = [1, [2]]', 'cannot unpack a list of 1 value into 2 names', 6],
    ['(a) = [1, 2]', 'cannot unpack a list of 2 values into 1 name', 3],
  ])('%s is E2006 at the pattern', (stmt, message, column) => {
    const { errors } = compile(`${two}model m(x: [8]) {\n  ${stmt}\n  return x |> dense(a)\n}\n`);
    // The failed assignment poisons its names: `dense(a)` reports nothing more.
    expect(errors.filter((e) => e[0] !== 'W0001')).toEqual([['E2006', 5, column, message]]);
  });

  it('warns about a destructured name that is never read, unless it starts with _', () => {
    const { errors } = compile(
      `${two}model m(x: [8]) {\n  a, b = two(x)\n  c, _d = two(x)\n  return a + c\n}\n`,
    );
    expect(errors.filter((e) => e[0] === 'W0001')).toEqual([
      ['W0001', 5, 6, "variable 'b' is assigned but never used"],
    ]);
  });

  it('prints patterns without outer parentheses and round-trips', () => {
    const text = 'block t(x) {\n  a ,( b,c ) =f(x)\n  return a\n}\n';
    const { program, problems } = parse(text);
    expect(problems).toEqual([]);
    expect(print(program, text)).toBe('block t(x) {\n  a, (b, c) = f(x)\n  return a\n}\n');
  });

  it.each([
    ['  a, b f(x)', "expected '=', found 'f'", 8],
    ['  a, = f(x)', "expected a name or '(', found '='", 6],
    ['  (a, b = f(x)', "expected ')', found '='", 9],
  ])(
    'a broken pattern %j is E0002 at column %i, and the next statement still parses',
    (line, message, column) => {
      const text = `block t(x) {\n${line}\n  c = 1\n  return c\n}\n`;
      const { problems } = parse(text);
      const src = new Source('t.net', text);
      expect(
        problems.map((p) => {
          const at = src.position(p.loc.start);
          return [p.code, at.line, at.column, p.message];
        }),
      ).toEqual([['E0002', 2, column, message]]);
    },
  );

  it('compiles the docs example', () => {
    const graph = compileDocExample(
      'two_paths',
      'model m(x: [8, 8, 3]) {\n  return x |> two_paths\n}\n',
    );
    // concat of a [8, 8, 32], b [8, 8, 16] (1x1 conv), a again: 32 + 16 + 32 channels.
    expect(graph.outputs[0].shape).toEqual([8, 8, 80]);
  });
});
