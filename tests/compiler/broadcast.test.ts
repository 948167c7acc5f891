/**
 * Broadcasting `+ - * /` between tensors in the language: the programs of issue 13 that used to
 * fail (E3001 "there is no broadcasting") compile to the hand-computed shapes, and shapes that
 * do not broadcast give a located E3001 showing both shapes aligned and the failing dimension.
 */
import { describe, expect, it } from 'vitest';
import { checkSource } from '../../compiler/compile.js';
import { formatDiagnostic } from '../../compiler/diagnostics/format.js';
import { Source } from '../../compiler/source.js';
import { compileDocExample } from './doc-blocks.js';

function compile(text: string) {
  const r = checkSource(new Source('test.net', text));
  const errors = r.diagnostics.map((d) => {
    const { line, column } = d.span.source.position(d.span.start);
    return { code: d.code, line, column, message: d.message, d };
  });
  return { graph: r.ok ? r.graphs[0] : undefined, errors };
}

const outputShape = (text: string) => {
  const { graph, errors } = compile(text);
  expect(errors.map((e) => e.message)).toEqual([]);
  return { shape: graph!.outputs[0].shape, ops: graph!.nodes.map((n) => n.op) };
};

describe('broadcasting', () => {
  it('multiplies a [56, 56, 16] image by its [1, 1, 16] squeeze-excite gate (issue 13)', () => {
    const { shape, ops } = outputShape(`model m(image: [56, 56, 16]) {
  se = image |> global_avg_pool2d(keepdims: true) |> conv2d(4, 1, activation: "relu") |> conv2d(16, 1) |> sigmoid
  return image * se
}
`);
    expect(shape).toEqual([56, 56, 16]);
    expect(ops.at(-1)).toBe('multiply');
  });

  it.each([
    ['+', '[196, 192]', '[192]', [196, 192], 'add'],
    ['-', '[4]', '[3, 1]', [3, 4], 'subtract'],
    ['*', '[7, 1, 5]', '[1, 6, 5]', [7, 6, 5], 'multiply'],
    ['/', '[8, 8, 3]', '[8, 8, 3]', [8, 8, 3], 'divide'],
    ['/', '[3]', '[4, 2, 1]', [4, 2, 3], 'divide'],
  ])('a %s b: %s with %s is %j (%s)', (op, a, b, want, name) => {
    const { shape, ops } = outputShape(`model m(a: ${a}, b: ${b}) {\n  return a ${op} b\n}\n`);
    expect(shape).toEqual(want);
    expect(ops.at(-1)).toBe(name);
  });

  it('reports shapes that do not broadcast at the operator, aligned, with the dimension', () => {
    const text = 'model m(a: [56, 56, 16], b: [1, 8]) {\n  return a * b\n}\n';
    const { errors } = compile(text);
    expect(errors.map((e) => [e.code, e.line, e.column])).toEqual([['E3001', 2, 10]]);
    expect(errors[0].message).toBe(
      'multiply cannot broadcast [56, 56, 16] with [1, 8]: dimension 2 is 16 and 8',
    );
    const lines = formatDiagnostic(errors[0].d).split('\n');
    // Columns two wide, right-aligned: 'input 1: [' is 10 characters and '56, 56, ' 8 more, so
    // dimension 2 sits at offsets 18-19 of both lines; [1, 8] lacks the first column (4 blanks).
    expect(lines).toContain('  = note: input 1: [56, 56, 16]');
    expect(lines).toContain('  = note: input 2:     [ 1,  8]');
    expect(lines).toContain(`  = note: ${' '.repeat(18)}^^ dimension 2: 16 and 8`);
  });

  it('still rejects a tensor divided into a number, with the supported forms', () => {
    const { errors } = compile('model m(a: [4]) {\n  return 1 / a\n}\n');
    expect(errors.map((e) => [e.code, e.line, e.column])).toEqual([['E2001', 2, 12]]);
    expect(errors[0].d.notes[0].message).toContain("'+', '-', '*' and '/' with each other");
  });
});

describe('docs/language.md', () => {
  it('compiles the squeeze-excite example to a gate of the image shape', () => {
    const graph = compileDocExample(
      'squeeze_excite',
      'model m(x: [14, 14, 32]) {\n  return x |> squeeze_excite\n}\n',
    );
    expect(graph.outputs[0].shape).toEqual([14, 14, 32]);
    // The gate: pool [1, 1, 32] -> conv [1, 1, 8] (round(32 * 0.25)) -> conv [1, 1, 32].
    const convs = graph.nodes.filter((n) => n.op === 'conv2d').map((n) => n.shape);
    expect(convs).toEqual([
      [1, 1, 8],
      [1, 1, 32],
    ]);
  });
});
