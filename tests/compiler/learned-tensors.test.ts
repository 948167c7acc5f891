/**
 * `weight(shape)`, a learned tensor (issue 13: "cls = weight([1, 192])  # error[E1002]: unknown
 * op or block 'weight'"): the docs example compiles with the parameters it declares; a tensor
 * passed to it is E1005 at that tensor.
 */
import { describe, expect, it } from 'vitest';
import { summarize } from '../../compiler/summary.js';
import { compile, compileDocExample } from './doc-blocks.js';

describe('learned tensors', () => {
  it("compiles docs/language.md's class token, position embedding and layer scale", () => {
    const graph = compileDocExample(
      'class_token',
      'model m(x: [4, 6]) {\n  t = class_token(x)\n  return y: layer_scale(t, t |> dense(6))\n}\n',
    );
    const weights = graph.nodes.filter((n) => n.op === 'weight');
    expect(weights.map((n) => [n.shape, n.attrs.init])).toEqual([
      [[1, 6], 'normal'],
      [[5, 6], 'normal'],
      [[6], 'constant'],
    ]);
    // The batch comes from the model's input x (node 0).
    expect(weights.every((n) => n.inputs.length === 1 && n.inputs[0] === 0)).toBe(true);
    expect(graph.outputs[0].shape).toEqual([5, 6]);
    // cls 1*6 + position 5*6 + dense 6*6+6 + gamma 6.
    expect(summarize(graph).trainableParams).toBe(6 + 30 + 42 + 6);
  });

  it('counts its values as trainable parameters', () => {
    const { graph, errors } = compile(
      'model m(x: [196, 192]) {\n  return x + weight([196, 192], init: "normal")\n}\n',
    );
    expect(errors).toEqual([]);
    const s = summarize(graph!);
    expect([s.totalParams, s.trainableParams]).toEqual([37_632, 37_632]); // 196*192
  });

  it.each([
    // `  return weight(` is 16 characters: the tensor starts at column 17.
    ['weight(x, [2])', 17],
    // `  return ` is 9 characters: the piped x starts at column 10.
    ['x |> weight([2])', 10],
  ])('%s is E1005 at the tensor', (expr, column) => {
    const { errors } = compile(`model m(x: [3]) {\n  return ${expr}\n}\n`);
    expect(errors).toEqual([['E1005', 2, column, 'weight takes no input tensor, only its shape']]);
  });

  it('a bad size is E2002 at the call', () => {
    const { errors } = compile('model m(x: [3]) {\n  return x + weight([3, -1])\n}\n');
    expect(errors.map((e) => e.slice(0, 2))).toEqual([['E2002', 2]]);
  });
});
