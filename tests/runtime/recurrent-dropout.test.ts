/**
 * `dropout` and `recurrent_dropout` of the recurrent ops (issue 14), Keras 3's semantics, on
 * wasm and cpu: nothing changes at inference; in training each direction draws one mask for the
 * input features and one for `h`, and uses them at every step. The ground truth is a naive LSTM
 * written here, step by step, fed the masks the layer drew.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { NetcRecurrent } from '../../runtime/layers/index.js';
import { opModel, rand, relDiff, useBackend } from './helpers.js';

afterAll(() => useBackend('wasm'));

const original = NetcRecurrent.dropoutMask.bind(NetcRecurrent);
afterEach(() => {
  NetcRecurrent.dropoutMask = original;
});

/** Every mask the layers draw, in order (kept alive for the test). */
function recordMasks(): tf.Tensor2D[] {
  const drawn: tf.Tensor2D[] = [];
  NetcRecurrent.dropoutMask = (shape, rate) => {
    const m = tf.keep(original(shape, rate));
    drawn.push(m);
    return m;
  };
  return drawn;
}

/** A naive Keras LSTM (gates i, f, c, o), the input times `drop` and `h` times `dropH` when read. */
function naiveLstm(
  x: tf.Tensor3D,
  [kernel, recurrent, bias]: tf.Tensor[],
  drop: tf.Tensor2D,
  dropH: tf.Tensor2D,
): tf.Tensor {
  return tf.tidy(() => {
    const [batch, steps] = x.shape;
    const units = recurrent.shape[0];
    let h: tf.Tensor = tf.zeros([batch, units]);
    let c: tf.Tensor = tf.zeros([batch, units]);
    for (let t = 0; t < steps; t++) {
      const xt = tf.mul(tf.reshape(tf.slice(x, [0, t, 0], [batch, 1, -1]), [batch, -1]), drop);
      const z = tf.add(tf.add(tf.matMul(xt, kernel), tf.matMul(tf.mul(h, dropH), recurrent)), bias);
      const [i, f, g, o] = tf.split(z, 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    }
    return h;
  });
}

describe.each(['wasm', 'cpu'] as const)('recurrent dropout on %s', (backend) => {
  const x = () => rand([3, 6, 4], 2) as tf.Tensor3D;

  it('changes nothing at inference', async () => {
    await useBackend(backend);
    const plain = opModel('gru', [[6, 4]], { units: 5, bidirectional: true });
    const dropped = opModel('gru', [[6, 4]], {
      units: 5,
      bidirectional: true,
      dropout: 0.5,
      recurrent_dropout: 0.5,
    });
    dropped.setWeights(plain.getWeights());
    const input = x();
    const a = plain.predict(input) as tf.Tensor;
    const b = dropped.predict(input) as tf.Tensor;
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([input, a, b]);
    plain.dispose();
    dropped.dispose();
  });

  it('draws one mask per sequence for the inputs and for h, the same at every step', async () => {
    await useBackend(backend);
    const model = opModel('lstm', [[6, 4]], { units: 5, dropout: 0.4, recurrent_dropout: 0.3 });
    const drawn = recordMasks();
    const input = x();
    const y = model.apply(input, { training: true }) as tf.Tensor;
    // One input mask [batch, features] and one h mask [batch, units], for all six steps.
    expect(drawn.map((m) => m.shape)).toEqual([
      [3, 4],
      [3, 5],
    ]);
    // Kept entries are scaled by 1 / (1 - rate).
    const values = new Set(drawn[0].dataSync());
    expect([...values].every((v) => v === 0 || Math.abs(v - 1 / 0.6) < 1e-6)).toBe(true);
    const want = naiveLstm(input, model.getWeights(), drawn[0], drawn[1]);
    expect(relDiff(y.dataSync(), want.dataSync())).toBeLessThan(1e-5);
    // Inference of the same input differs: the masks were applied.
    const inference = model.predict(input) as tf.Tensor;
    expect(relDiff(inference.dataSync(), y.dataSync())).toBeGreaterThan(1e-3);
    tf.dispose([input, y, want, inference, ...drawn]);
    model.dispose();
  });

  it('trains with a different, finite loss and finite gradients', async () => {
    await useBackend(backend);
    const args = { units: 5, return_sequences: true, bidirectional: true };
    const plain = opModel('simple_rnn', [[6, 4]], args);
    const dropped = opModel('simple_rnn', [[6, 4]], {
      ...args,
      dropout: 0.5,
      recurrent_dropout: 0.5,
    });
    dropped.setWeights(plain.getWeights());
    const input = x();
    const target = rand([3, 6, 10], 8);
    const loss = (m: tf.LayersModel) => () =>
      tf.losses.meanSquaredError(
        target,
        m.apply(input, { training: true }) as tf.Tensor,
      ) as tf.Scalar;
    const a = tf.variableGrads(loss(plain));
    const b = tf.variableGrads(loss(dropped));
    expect(Number.isFinite(b.value.dataSync()[0])).toBe(true);
    expect(Math.abs(b.value.dataSync()[0] - a.value.dataSync()[0])).toBeGreaterThan(1e-4);
    for (const g of Object.values(b.grads)) expect(g.dataSync().every(Number.isFinite)).toBe(true);
    expect(Object.keys(b.grads)).toHaveLength(6);
    tf.dispose([
      input,
      target,
      a.value,
      b.value,
      ...Object.values(a.grads),
      ...Object.values(b.grads),
    ]);
    plain.dispose();
    dropped.dispose();
  });
});
