/**
 * `x[i]` on a tensor (issue 13: "cannot index tensor [196, 192]; only lists can be indexed"):
 * index i of the first axis after the batch, as a `slice` layer; out-of-range indices are E2004
 * at the index.
 */
import { describe, expect, it } from 'vitest';
import { compile, compileDocExample } from './doc-blocks.js';

describe('indexing a tensor', () => {
  it('reads the class token of [197, 192] tokens (issue 13)', () => {
    const { graph, errors } = compile('model m(x: [197, 192]) {\n  t = x[0]\n  return t\n}\n');
    expect(errors).toEqual([]);
    const last = graph!.nodes.at(-1)!;
    expect([last.op, last.shape, last.attrs.start, last.attrs.squeeze]).toEqual([
      'slice',
      [192],
      0,
      true,
    ]);
  });

  it('counts negative indices from the end and chains', () => {
    const { graph, errors } = compile('model m(x: [4, 6, 3]) {\n  return x[-1][2]\n}\n');
    expect(errors).toEqual([]);
    expect(graph!.outputs[0].shape).toEqual([3]);
  });

  it.each([
    // `  return x[` is 11 characters: the index starts at column 12.
    [
      'x[196]',
      'E2004',
      'slice: index 196 is out of range for axis 0 of [196, 192] (valid indices: -196 to 195)',
    ],
    [
      'x[-197]',
      'E2004',
      'slice: index -197 is out of range for axis 0 of [196, 192] (valid indices: -196 to 195)',
    ],
    ['x[0.5]', 'E2001', 'cannot index tensor [196, 192] with float'],
  ])('%s is %s at the index', (expr, code, message) => {
    const { errors } = compile(`model m(x: [196, 192]) {\n  return ${expr}\n}\n`);
    expect(errors).toEqual([[code, 2, 12, message]]);
  });

  it('does not index a vector down to a scalar', () => {
    const { errors } = compile('model m(x: [8]) {\n  return x[0]\n}\n');
    expect(errors.map((e) => e.slice(0, 3))).toEqual([['E3004', 2, 10]]);
  });
});

describe('docs/language.md', () => {
  it('compiles the read_out example', () => {
    const graph = compileDocExample(
      'read_out',
      'model m(x: [197, 192]) {\n  a, b = read_out(x)\n  return a: a, b: b\n}\n',
    );
    // tokens[0]: [192]; slice to 64 channels: [197, 64], then its last row: [64].
    expect(graph.outputs.map((o) => o.shape)).toEqual([[192], [64]]);
  });
});
