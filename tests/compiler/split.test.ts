/**
 * `split` and `chunk` (issue 13): the parts of a tensor along an axis as consecutive `slice`
 * layers, a list for destructuring; bad counts and sizes are located diagnostics.
 */
import { describe, expect, it } from 'vitest';
import { compile, compileDocExample } from './doc-blocks.js';

const slices = (src: string) => {
  const { graph, errors } = compile(src);
  expect(errors).toEqual([]);
  return graph!.nodes
    .filter((n) => n.op === 'slice')
    .map((n) => [n.attrs.axis, n.attrs.start, n.attrs.stop, n.shape]);
};

describe('split and chunk', () => {
  it("compiles docs/language.md's example: q, k, v = chunk(3)", () => {
    const g = compileDocExample(
      'attention_inputs',
      'model m(x: [10, 8]) {\n  return attention_inputs(x)\n}\n',
    );
    const parts = g.nodes.filter((n) => n.op === 'slice');
    expect(parts.map((n) => [n.attrs.start, n.attrs.stop, n.shape])).toEqual([
      [0, 64, [10, 64]],
      [64, 128, [10, 64]],
      [128, 192, [10, 64]],
      [0, 16, [10, 16]],
      [16, 64, [10, 48]],
    ]);
    expect(g.outputs[0].shape).toEqual([10, 64]);
  });

  it('chunk on another axis; split by one size leaves the rest last (torch.split)', () => {
    expect(
      slices('model m(x: [6, 4]) {\n  a, b = chunk(x, 2, axis: 0)\n  return a + b\n}\n'),
    ).toEqual([
      [0, 0, 3, [3, 4]],
      [0, 3, 6, [3, 4]],
    ]);
    expect(slices('model m(x: [10]) {\n  return concat(x |> split(4))\n}\n')).toEqual([
      [0, 0, 4, [4]],
      [0, 4, 8, [4]],
      [0, 8, 10, [2]],
    ]);
  });

  it.each([
    // `  return chunk(x, ` is 18 characters: the count starts at column 19.
    ['chunk(x, 3)', 'E2002', 19, 'chunk: 3 equal parts do not divide axis 1 of size 10'],
    ['chunk(x, 0)', 'E2002', 19, 'chunk: 0 equal parts do not divide axis 1 of size 10'],
    [
      'split(x, [4, 4])',
      'E2002',
      19,
      'split: the sizes [4, 4] must be 1 or more and add up to 10, the size of axis 1, found a total of 8',
    ],
    ['split(x, 0)', 'E2002', 19, 'split: the part size must be 1 or more, found 0'],
    [
      'split(x, "a")',
      'E2001',
      19,
      'split: expected a part size or a list of sizes (ints), found string',
    ],
    // The name `axis` starts at column 22, as for ops.
    [
      'chunk(x, 2, axis: 2)',
      'E2002',
      22,
      "invalid value for 'axis': expected an axis in [-2, 1] for an input of rank 2, found 2",
    ],
    ['chunk(x, 2, dim: 0)', 'E1003', 22, "chunk has no argument 'dim'"],
    ['chunk(2, 2)', 'E1004', 16, 'chunk needs an input tensor, found int'],
  ])('%s is %s at column %i', (expr, code, column, message) => {
    const { errors } = compile(`model m(x: [4, 10]) {\n  return ${expr}\n}\n`);
    expect(errors.filter((e) => String(e[0]).startsWith('E'))).toEqual([
      [code, 2, column, message],
    ]);
  });

  it('a count that does not match the pattern is E2006', () => {
    const { errors } = compile('model m(x: [4, 10]) {\n  a, b = chunk(x, 5)\n  return a\n}\n');
    expect(errors.filter((e) => String(e[0]).startsWith('E')).map((e) => e.slice(0, 3))).toEqual([
      ['E2006', 2, 3],
    ]);
  });
});
