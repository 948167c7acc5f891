/**
 * Each inference pass on small graphs: what it rewrites, what it must leave alone (a value read
 * twice, a graph output, a non-default argument), and the folded weights against hand-computed
 * values.
 */
import { describe, expect, it } from 'vitest';
import { optimizeForInference, PASSES } from '../../../compiler/passes/index.js';
import { arr, get, graphOfText, opsOf, weights } from './helpers.js';

const only = (pass: string) => ({ passes: [pass] });

describe('drop-dropout', () => {
  it('removes dropout and rewires its readers and outputs', () => {
    const g = graphOfText(`model m(x: [4]) {
      h = x |> dense(3) |> dropout(0.5)
      return a: h |> dense(2), b: h |> dropout(0.2)
    }`);
    const o = optimizeForInference(g, only('drop-dropout'));
    expect(opsOf(o.graph)).toEqual(['dense', 'dense']);
    expect(o.passes).toEqual([{ pass: 'drop-dropout', changed: 2 }]);
    const [, d1, d2] = o.graph.nodes;
    expect(d2.inputs).toEqual([d1.id]);
    // Output b was the dropout of h: it is now h itself.
    expect(o.graph.outputs.map((p) => [p.name, o.graph.nodes[p.node].name])).toEqual([
      ['a', d2.name],
      ['b', d1.name],
    ]);
    // Ids are indices again.
    o.graph.nodes.forEach((n, i) => expect(n.id).toBe(i));
  });
});

describe('remove-identities', () => {
  it('drops zero padding by 0, 1x1 pools, scale by 1 and same-shape reshapes', () => {
    const g = graphOfText(`model m(x: [8, 8, 3]) {
      return y: x
        |> zero_pad2d(0)
        |> max_pool2d(1, stride: 1)
        |> scale(1.0)
        |> reshape([8, 8, 3])
        |> permute([0, 1, 2])
        |> conv2d(4, 3)
    }`);
    const o = optimizeForInference(g, only('remove-identities'));
    expect(opsOf(o.graph)).toEqual(['conv2d']);
    expect(o.passes[0].changed).toBe(5);
  });

  it('keeps padding, strided pools, real reshapes and permutations', () => {
    const g = graphOfText(`model m(x: [8, 8, 3]) {
      return y: x
        |> zero_pad2d(1)
        |> max_pool2d(1, stride: 2)
        |> scale(0.5)
        |> reshape([25, 3])
        |> permute([1, 0])
        |> flatten
    }`);
    const o = optimizeForInference(g, only('remove-identities'));
    expect(opsOf(o.graph)).toEqual(opsOf(g));
  });
});

const bnSource = `model m(x: [4, 4, 2]) {
  return y: x |> conv2d(3, 1, bias: false, name: "c") |> batch_norm(epsilon: 0.5, name: "bn") |> relu
}`;

describe('fold-batch-norm', () => {
  it('folds into the conv before it: hand-computed kernel and bias', () => {
    const g = graphOfText(bnSource);
    const o = optimizeForInference(g, only('fold-batch-norm'));
    expect(opsOf(o.graph)).toEqual(['conv2d', 'relu']);
    expect(o.graph.nodes[1].attrs.bias).toBe(true);
    // kernel [1, 1, 2, 3]; s = gamma / sqrt(var + 0.5) = [2/1, 1/2, 3/3] with var = [0.5, 3.5, 8.5].
    const w = weights({
      'c/kernel': arr([1, 1, 2, 3], [1, 2, 3, 4, 5, 6]),
      'bn/gamma': arr([3], [2, 1, 3]),
      'bn/beta': arr([3], [10, 20, 30]),
      'bn/moving_mean': arr([3], [1, 2, 3]),
      'bn/moving_variance': arr([3], [0.5, 3.5, 8.5]),
    });
    const f = o.foldWeights(w);
    expect([...f.keys()].sort()).toEqual(['c/bias', 'c/kernel']);
    expect(get(f, 'c', 'kernel')).toEqual([2, 1, 3, 8, 2.5, 6]);
    // bias = (0 - mean) * s + beta
    expect(get(f, 'c', 'bias')).toEqual([-2 + 10, -1 + 20, -3 + 30]);
    // The input map is not changed.
    expect(w.size).toBe(5);
    expect(get(w, 'c', 'kernel')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps the conv bias, and handles scale/center off', () => {
    const g = graphOfText(`model m(x: [3]) {
      return y: x |> dense(2, name: "d") |> batch_norm(epsilon: 1.0, scale: false, center: false, name: "bn")
    }`);
    const o = optimizeForInference(g, only('fold-batch-norm'));
    expect(opsOf(o.graph)).toEqual(['dense']);
    const f = o.foldWeights(
      weights({
        'd/kernel': arr([3, 2], [1, 2, 3, 4, 5, 6]),
        'd/bias': arr([2], [5, 7]),
        'bn/moving_mean': arr([2], [1, 3]),
        'bn/moving_variance': arr([2], [3, 15]),
      }),
    );
    // s = 1 / sqrt(var + 1) = [1/2, 1/4]
    expect(get(f, 'd', 'kernel')).toEqual([0.5, 0.5, 1.5, 1, 2.5, 1.5]);
    expect(get(f, 'd', 'bias')).toEqual([(5 - 1) / 2, (7 - 3) / 4]);
  });

  it('scales depthwise kernels per output channel (input channel x multiplier)', () => {
    const g = graphOfText(`model m(x: [4, 4, 2]) {
      return y: x |> depthwise_conv2d(1, depth_multiplier: 2, bias: false, name: "d") |> batch_norm(epsilon: 1.0, center: false, name: "bn")
    }`);
    const o = optimizeForInference(g, only('fold-batch-norm'));
    expect(opsOf(o.graph)).toEqual(['depthwise_conv2d']);
    const f = o.foldWeights(
      weights({
        'd/depthwise_kernel': arr([1, 1, 2, 2], [1, 1, 1, 1]),
        'bn/gamma': arr([4], [1, 2, 3, 4]),
        'bn/moving_mean': arr([4], [0, 0, 0, 0]),
        'bn/moving_variance': arr([4], [0, 0, 0, 0]),
      }),
    );
    expect(get(f, 'd', 'depthwise_kernel')).toEqual([1, 2, 3, 4]);
  });

  it('leaves BN alone after an activation, on a value read twice, or off the channel axis', () => {
    const cases = [
      `model m(x: [4, 4, 2]) { return y: x |> conv2d(3, 1, activation: "relu") |> batch_norm }`,
      `model m(x: [4, 4, 2]) { c = x |> conv2d(3, 1)
         return y: c |> batch_norm, z: c }`,
      `model m(x: [4, 4, 2]) { c = x |> conv2d(3, 1)
         return y: add(c |> batch_norm, c) }`,
      `model m(x: [4, 4, 2]) { return y: x |> conv2d(3, 1) |> batch_norm(axis: 0) }`,
      `model m(x: [4, 4, 2]) { return y: x |> batch_norm }`,
    ];
    for (const text of cases) {
      const g = graphOfText(text);
      const o = optimizeForInference(g, only('fold-batch-norm'));
      expect(opsOf(o.graph), text).toEqual(opsOf(g));
    }
  });
});

describe('fold-scale', () => {
  it('multiplies kernel and bias by the factor', () => {
    const g = graphOfText(`model m(x: [2]) { return y: x |> dense(1, name: "d") |> scale(0.25) }`);
    const o = optimizeForInference(g, only('fold-scale'));
    expect(opsOf(o.graph)).toEqual(['dense']);
    const f = o.foldWeights(weights({ 'd/kernel': arr([2, 1], [4, 8]), 'd/bias': arr([1], [2]) }));
    expect(get(f, 'd', 'kernel')).toEqual([1, 2]);
    expect(get(f, 'd', 'bias')).toEqual([0.5]);
  });
});

describe('fuse-activation', () => {
  it('moves a plain activation into the conv', () => {
    const o = optimizeForInference(graphOfText(bnSource), only('fuse-activation'));
    // The BN stands between conv and relu: nothing to fuse with this pass alone.
    expect(opsOf(o.graph)).toEqual(['conv2d', 'batch_norm', 'relu']);
    const all = optimizeForInference(graphOfText(bnSource));
    expect(opsOf(all.graph)).toEqual(['conv2d']);
    expect(all.graph.nodes[1]).toMatchObject({
      name: 'c',
      attrs: { activation: 'relu', bias: true },
    });
    expect(all.graph.outputs[0].node).toBe(1);
  });

  it('keeps activations with non-default arguments and already activated convs', () => {
    for (const text of [
      `model m(x: [4, 4, 2]) { return y: x |> conv2d(3, 1) |> elu(alpha: 0.5) }`,
      `model m(x: [4, 4, 2]) { return y: x |> conv2d(3, 1, activation: "tanh") |> relu }`,
      `model m(x: [4, 4, 2]) { return y: x |> conv2d(3, 1) |> leaky_relu }`,
    ]) {
      const g = graphOfText(text);
      expect(opsOf(optimizeForInference(g).graph), text).toEqual(opsOf(g));
    }
  });
});

describe('optimizeForInference', () => {
  it('runs the passes in a fixed order and reports each', () => {
    const o = optimizeForInference(graphOfText(bnSource));
    expect(o.passes.map((p) => p.pass)).toEqual(PASSES.map((p) => p.name));
    expect(o.passes.find((p) => p.pass === 'fold-batch-norm')?.changed).toBe(1);
  });

  it('rejects unknown pass names', () => {
    expect(() =>
      optimizeForInference(graphOfText(bnSource), { passes: ['fold-everything'] }),
    ).toThrow(/unknown passes: fold-everything/);
  });
});
