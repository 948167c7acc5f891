/**
 * FastConv2D (runtime/layers/fast-conv2d.ts) against tfjs's own Conv2D with the same weights,
 * on wasm: outputs, kernel, bias and input gradients in training mode, inference, and the
 * kernels a training step runs (no Conv2DBackpropInput for a data input, which tfjs's fused
 * convolution computes anyway).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../api/index.js';
import { FastConv2D } from '../../runtime/layers/index.js';
import { randValues as values } from './helpers.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

type ConvArgs = NonNullable<Parameters<typeof tf.layers.conv2d>[0]>;
interface Case {
  name: string;
  x: [number, number, number, number];
  args: ConvArgs;
}
const cases: Case[] = [
  {
    name: '3x3/2 same with bias, odd sizes',
    x: [2, 9, 7, 3],
    args: { filters: 4, kernelSize: 3, strides: 2, padding: 'same' },
  },
  {
    name: '2x3 valid, strides 1x2, no bias',
    x: [3, 8, 9, 2],
    args: { filters: 5, kernelSize: [2, 3], strides: [1, 2], padding: 'valid', useBias: false },
  },
  {
    name: '7x7/2 same stem on one channel',
    x: [2, 12, 12, 1],
    args: { filters: 3, kernelSize: 7, strides: 2, padding: 'same' },
  },
  {
    name: 'relu (tfjs call: unfused in training anyway)',
    x: [2, 6, 5, 2],
    args: { filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
  },
];

/** A built layer with deterministic weights. */
function layerOf(c: Case, fast: boolean): tf.layers.Layer {
  const args = { ...c.args, name: `conv_${fast ? 'fast' : 'tfjs'}` };
  const layer = fast ? new FastConv2D(args) : tf.layers.conv2d(args);
  layer.build([null, ...c.x.slice(1)]);
  layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(values(w.size, 10 + i), w.shape)));
  return layer;
}

/** Training output, gradients of sum(y * r) in the weights and in x, and inference output. */
function run(c: Case, fast: boolean): Float32Array[] {
  return tf.tidy(() => {
    const layer = layerOf(c, fast);
    const x = tf.tensor(values(size(c.x), 1), c.x);
    const y0 = layer.apply(x, { training: true }) as tf.Tensor;
    const r = tf.tensor(values(y0.size, 2), y0.shape);
    const loss = (a: tf.Tensor) =>
      tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, r)) as tf.Scalar;
    const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { grads } = tf.variableGrads(() => loss(x), vars);
    const dx = tf.grad(loss)(x);
    const inference = layer.apply(x) as tf.Tensor;
    return [y0, ...vars.map((v) => grads[v.name]), dx, inference].map(
      (t) => t.dataSync() as Float32Array,
    );
  });
}

/** The kernels one training step of the layer's weights runs on a data input. */
async function stepKernels(c: Case, fast: boolean): Promise<string[]> {
  const layer = layerOf(c, fast);
  const x = tf.tensor(values(size(c.x), 1), c.x);
  const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      vars,
    );
    tf.dispose([value, ...Object.values(grads)]);
  });
  tf.dispose(x);
  return info.kernelNames;
}

beforeAll(async () => {
  await initBackend('wasm');
}, 60_000);

describe('FastConv2D (what the runtime builds for tfjs Conv2D)', () => {
  for (const c of cases) {
    it(`${c.name}: outputs and gradients as tfjs's Conv2D`, () => {
      const got = run(c, true);
      const want = run(c, false);
      expect(got.length).toBe(want.length);
      got.forEach((g, k) => {
        expect(g.length).toBe(want[k].length);
        let m = 0;
        for (let i = 0; i < g.length; i++) m = Math.max(m, Math.abs(g[i] - want[k][i]));
        expect(m).toBeLessThan(1e-4);
      });
    });
  }

  it("keeps tfjs's class name and config", () => {
    const layer = new FastConv2D({ filters: 2, kernelSize: 3, name: 'c' });
    expect(layer.getClassName()).toBe('Conv2D');
    expect(layer.getConfig()).toEqual(
      tf.layers.conv2d({ filters: 2, kernelSize: 3, name: 'c' }).getConfig(),
    );
  });

  it('skips the input gradient of a data input, which the fused convolution computes', async () => {
    const c = cases[2];
    const fast = await stepKernels(c, true);
    expect(fast).toContain('Conv2DBackpropFilter');
    expect(fast).not.toContain('Conv2DBackpropInput');
    expect(await stepKernels(c, false)).toContain('Conv2DBackpropInput');
  });
});
