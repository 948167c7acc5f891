/**
 * `weight(shape)` on tfjs: the value is the same for every example of a batch; an unseeded build
 * starts it as `init` says; one SGD step moves it by the batch mean of the gradient (the tile
 * over the batch sums its examples' gradients, mean squared error divides by the batch).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../api/index.js';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';
import { maxDiff, rand, useBackend } from './helpers.js';

beforeAll(() => useBackend('wasm'));

function model(text: string, seed?: number): tf.LayersModel {
  const r = checkSource(new Source('w.net', text));
  expect(r.diagnostics).toEqual([]);
  return buildModel(r.graphs[0], seed === undefined ? {} : { seed });
}

const values = (m: tf.LayersModel): number[][] =>
  m.layers
    .filter((l) => l.getClassName() === 'NetcWeight')
    .map((l) => Array.from(l.getWeights()[0].dataSync()));

describe('weight on tfjs', () => {
  it('adds the same [2, 3] value to every example of a batch', () => {
    const m = model('model m(x: [2, 3]) {\n  return y: x + weight([2, 3], init: "normal")\n}\n', 3);
    const [w] = values(m);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0);
    const x = rand([4, 2, 3], 7);
    const y = Array.from((m.predict(x) as tf.Tensor).dataSync());
    const want = Array.from(x.dataSync()).map((v, i) => v + w[i % 6]);
    expect(maxDiff(y, want)).toBeLessThan(1e-6);
    m.dispose();
  });

  it('an unseeded build starts as init says', () => {
    const m = model(`model m(x: [4]) {
  a = weight([4], init: "ones")
  b = weight([4], init: "constant", value: 0.000001)
  c = weight([64, 64], init: "normal", stddev: 0.02)
  return y: x + a + b, z: c
}
`);
    const [a, b, c] = values(m);
    expect(a).toEqual([1, 1, 1, 1]);
    expect(b.map((v) => v / 1e-6)).toEqual(b.map(() => expect.closeTo(1, 5)));
    const sd = Math.sqrt(c.reduce((s, v) => s + v * v, 0) / c.length);
    // 4096 draws: the sample deviation is within 5 % of 0.02.
    expect(sd).toBeGreaterThan(0.019);
    expect(sd).toBeLessThan(0.021);
    m.dispose();
  });

  it('one SGD step moves it by lr times the batch mean of the error', async () => {
    const m = model('model m(x: [2]) {\n  return y: x + weight([2])\n}\n', 1);
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const x = tf.tensor2d([
      [1, 2],
      [3, -4],
      [0.5, 6],
    ]);
    const t = tf.tensor2d([
      [0, 0],
      [1, 1],
      [2, -2],
    ]);
    await m.fit(x, t, { batchSize: 3, epochs: 1, shuffle: false, verbose: 0 });
    // loss = sum_b sum_j (w_j + x_bj - t_bj)^2 / (3 * 2): d/dw_j = mean_b (x_bj - t_bj) at w = 0.
    const grad = [0, 1].map(
      (j) => [0, 1, 2].reduce((s, b) => s + (x.arraySync()[b][j] - t.arraySync()[b][j]), 0) / 3,
    );
    expect(
      maxDiff(
        values(m)[0],
        grad.map((g) => -0.1 * g),
      ),
    ).toBeLessThan(1e-6);
    m.dispose();
  });
});
