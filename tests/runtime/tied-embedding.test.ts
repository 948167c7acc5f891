/**
 * A tied output embedding (`embedding(..., reverse: true, shares: "wte")`, issue 13): on tfjs
 * (wasm and cpu) the logits are `lookup @ embeddings^T` computed by hand from the one matrix,
 * the model holds that matrix once, the gradient of a loss with respect to it is the sum over
 * both applications (tf.grad of the same function written with plain tensor ops), and a few
 * Adam steps lower the loss.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildModel, type BackendName } from '../../api/index.js';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';
import { maxDiff, rand, relDiff, useBackend } from './helpers.js';

const source = `model lm(ids: [6]) {
  h = ids |> embedding(11, 4, name: "wte")
  return h |> dense(4, activation: "tanh") |> embedding(11, 4, reverse: true, shares: "wte")
}
`;

function graph() {
  const r = checkSource(new Source('lm.net', source));
  expect(r.diagnostics).toEqual([]);
  return r.graphs[0];
}

const ids = () =>
  tf.tensor(
    [
      [0, 3, 10, 3, 7, 1],
      [5, 5, 2, 9, 0, 4],
    ],
    [2, 6],
  );

describe.each(['wasm', 'cpu'] as BackendName[])('on tfjs %s', (backend) => {
  it('holds the matrix once and projects onto it transposed', async () => {
    await useBackend(backend);
    const model = buildModel(graph(), { seed: 4 });
    try {
      expect(model.weights.map((w) => w.originalName)).toEqual([
        'wte/embeddings',
        'dense_0/kernel',
        'dense_0/bias',
      ]);
      expect(model.countParams()).toBe(11 * 4 + 4 * 4 + 4);
      const [w0, w1, w2] = model.getWeights();
      const [table, kernel] = [w0, w1].map((w) => w.arraySync() as number[][]);
      const bias = w2.arraySync() as number[];
      const x = ids();
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual([2, 6, 11]);
      // By hand: h = table[id], u = tanh(h kernel + bias), logits[v] = u . table[v].
      const want: number[] = [];
      for (const id of x.arraySync() as number[][]) {
        for (const t of id) {
          const h = table[t];
          const u = bias.map((b, j) => Math.tanh(h.reduce((s, hv, k) => s + hv * kernel[k][j], b)));
          for (const row of table) want.push(u.reduce((s, uv, k) => s + uv * row[k], 0));
        }
      }
      expect(relDiff(y.dataSync(), want)).toBeLessThanOrEqual(1e-6);
      tf.dispose([x, y]);
    } finally {
      model.dispose();
    }
  });

  it('the gradient reaches the one matrix from both applications', async () => {
    await useBackend(backend);
    const model = buildModel(graph(), { seed: 4 });
    try {
      const x = ids();
      const r = rand([2, 6, 11], 5);
      const variable = model.weights[0];
      const table = variable.read() as tf.Variable;
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(model.apply(x) as tf.Tensor, r)),
        [table],
      );
      const got = grads[table.name];
      const [kernel, bias] = model.getWeights().slice(1);
      const reference = (e: tf.Tensor) => {
        const h = tf.gather(e, tf.cast(x, 'int32'));
        const u = tf.tanh(tf.add(tf.matMul(h.reshape([12, 4]), kernel), bias));
        return tf.sum(tf.mul(tf.matMul(u, e, false, true).reshape([2, 6, 11]), r));
      };
      const want = tf.grad(reference)(variable.read());
      expect(maxDiff(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
      // The lookup alone (the projection onto a frozen copy) gives a different gradient.
      const frozen = tf.clone(table);
      const lookupOnly = tf.grad((e: tf.Tensor) => {
        const h = tf.gather(e, tf.cast(x, 'int32'));
        const u = tf.tanh(tf.add(tf.matMul(h.reshape([12, 4]), kernel), bias));
        return tf.sum(tf.mul(tf.matMul(u, frozen, false, true).reshape([2, 6, 11]), r));
      })(variable.read());
      expect(maxDiff(got.dataSync(), lookupOnly.dataSync())).toBeGreaterThan(1e-3);
      tf.dispose([x, r, want, lookupOnly, frozen, ...Object.values(grads)]);
    } finally {
      model.dispose();
    }
  });

  it('a few Adam steps lower the loss', async () => {
    await useBackend(backend);
    const model = buildModel(graph(), { seed: 4 });
    try {
      const x = ids();
      const target = rand([2, 6, 11], 6);
      model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
      const h = await model.fit(x, target, { epochs: 10, batchSize: 2, verbose: 0 });
      const losses = h.history.loss as number[];
      expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.9);
      tf.dispose([x, target]);
    } finally {
      model.dispose();
    }
  });
});
