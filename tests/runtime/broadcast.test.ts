/**
 * Broadcasting `+ - * /` on tfjs (netc's NetcBroadcast layer) against a plain-JS NumPy
 * broadcast: outputs, and the gradients with respect to both operands (each summed over the
 * positions its value was stretched to).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../api/index.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { maxDiff, rand, useBackend } from './helpers.js';

beforeAll(() => useBackend('cpu'));

type Op = '+' | '-' | '*' | '/';
const apply: Record<Op, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};
/** d(a op b)/da and d(a op b)/db. */
const partials: Record<Op, (a: number, b: number) => [number, number]> = {
  '+': () => [1, 1],
  '-': () => [1, -1],
  '*': (a, b) => [b, a],
  '/': (a, b) => [1 / b, -a / (b * b)],
};

/** Row-major offset of output index `idx` in an operand of shape `s` (batch first), NumPy-aligned. */
function offsetIn(s: readonly number[], out: readonly number[], idx: readonly number[]): number {
  // s keeps its batch axis first; its other axes align with the last ones of out.
  const full = [s[0], ...Array<number>(out.length - s.length).fill(1), ...s.slice(1)];
  let off = 0;
  for (let k = 0; k < out.length; k++) off = off * full[k] + (full[k] === 1 ? 0 : idx[k]);
  return off;
}

/** The naive broadcast of `a op b`, and the gradients of sum(y * t) with respect to a and b. */
function reference(op: Op, a: tf.Tensor, b: tf.Tensor, out: number[], t: Float32Array) {
  const [ad, bd] = [a.dataSync(), b.dataSync()];
  const n = out.reduce((p, d) => p * d, 1);
  const y = new Float32Array(n);
  const [ga, gb] = [new Float32Array(ad.length), new Float32Array(bd.length)];
  const idx = Array<number>(out.length).fill(0);
  for (let i = 0; i < n; i++) {
    let r = i;
    for (let k = out.length - 1; k >= 0; k--) {
      idx[k] = r % out[k];
      r = Math.floor(r / out[k]);
    }
    const [ia, ib] = [offsetIn(a.shape, out, idx), offsetIn(b.shape, out, idx)];
    y[i] = apply[op](ad[ia], bd[ib]);
    const [da, db] = partials[op](ad[ia], bd[ib]);
    ga[ia] += t[i] * da;
    gb[ib] += t[i] * db;
  }
  return { y, ga, gb };
}

const cases: [Op, number[], number[], number[]][] = [
  // op, a's shape, b's shape, the broadcast (batch excluded), by hand
  ['*', [4, 3, 5], [1, 1, 5], [4, 3, 5]], // squeeze-excite gate
  ['*', [4, 3, 5], [5], [4, 3, 5]], // per-channel vector
  ['+', [4], [3, 1], [3, 4]],
  ['-', [1, 3], [2, 1], [2, 3]],
  ['/', [3], [4, 2, 1], [4, 2, 3]],
];

describe.each(cases)('a %s b with a %j, b %j', (op, as, bs, out) => {
  const text = `model m(a: [${as.join(', ')}], b: [${bs.join(', ')}]) {\n  return y: a ${op} b\n}\n`;

  it(`is ${JSON.stringify(out)}, with the values and gradients of a NumPy broadcast`, () => {
    const graph = graphOfText(text);
    expect(graph.outputs[0].shape).toEqual(out);
    const model = buildModel(graph, { seed: 1 });
    const a = rand([2, ...as], 3);
    // Divisors kept away from 0: in [1.5, 2.5).
    const b = op === '/' ? tf.add(tf.mul(rand([2, ...bs], 5), 0.5), 2) : rand([2, ...bs], 5);
    const t = rand([2, ...out], 7);
    try {
      const want = reference(op, a, b, [2, ...out], t.dataSync() as Float32Array);
      const y = model.predict([a, b]) as tf.Tensor;
      expect(y.shape).toEqual([2, ...out]);
      expect(maxDiff(y.dataSync(), want.y)).toBeLessThan(1e-5);
      const loss = (x: tf.Tensor, z: tf.Tensor): tf.Scalar =>
        tf.sum(tf.mul(model.apply([x, z], { training: true }) as tf.Tensor, t));
      const [ga, gb] = tf.grads(loss)([a, b]);
      expect(ga.shape).toEqual(a.shape);
      expect(gb.shape).toEqual(b.shape);
      expect(maxDiff(ga.dataSync(), want.ga)).toBeLessThan(1e-4);
      expect(maxDiff(gb.dataSync(), want.gb)).toBeLessThan(1e-4);
      tf.dispose([y, ga, gb]);
    } finally {
      tf.dispose([a, b, t]);
      model.dispose();
    }
  });
});

it('trains a learned gate through a broadcast product (fit lowers the loss)', async () => {
  const graph = graphOfText(
    'model m(x: [4, 4, 3]) {\n  g = x |> global_avg_pool2d(keepdims: true) |> conv2d(3, 1) |> sigmoid\n  return y: x * g\n}\n',
  );
  const model = buildModel(graph, { seed: 2 });
  const x = rand([8, 4, 4, 3], 11);
  const target = tf.mul(x, 0.9);
  try {
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const h = await model.fit(x, target, { epochs: 5, batchSize: 8, verbose: 0 });
    const loss = h.history.loss as number[];
    expect(loss[4]).toBeLessThan(loss[0]);
  } finally {
    tf.dispose([x, target]);
    model.dispose();
  }
});
