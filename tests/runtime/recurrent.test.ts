/**
 * The recurrent ops (issue 14) on tfjs: netc's `NetcRecurrent` against tfjs-layers' own LSTM,
 * GRU (which only has Keras 1's reset-before form), SimpleRNN and Bidirectional given the same
 * weights, on wasm; and a training step on wasm and cpu that lowers the loss. PyTorch parity
 * (GRU's `reset_after` included) is tests/runtime/recurrent-torch.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../api/index.js';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';
import { opModel, rand, relDiff, useBackend, type Arg } from './helpers.js';

afterAll(() => useBackend('wasm'));

const tol = 1e-5;

/** netc's one-op model on `x` and tfjs-layers' `reference` given netc's (random) weights. */
function compare(op: string, args: Record<string, Arg>, reference: tf.layers.Layer): number {
  const x = rand([2, 6, 3], 3);
  const model = opModel(op, [[6, 3]], args);
  try {
    const layer = model.layers[model.layers.length - 1];
    const weights = layer.getWeights().map((w, i) => tf.add(w, rand(w.shape, 40 + i).mul(0.3)));
    layer.setWeights(weights);
    tf.dispose(reference.apply(x) as tf.Tensor); // builds it
    reference.setWeights(weights);
    const ref = reference.apply(x) as tf.Tensor;
    const got = model.predict(x) as tf.Tensor;
    expect(got.shape).toEqual(ref.shape);
    tf.dispose(weights);
    return relDiff(got.dataSync(), ref.dataSync());
  } finally {
    model.dispose();
  }
}

describe('netc recurrent layers against tfjs-layers (wasm)', () => {
  it.each([
    [{}, {}],
    [{ return_sequences: true }, { returnSequences: true }],
    [
      { return_sequences: true, go_backwards: true },
      { returnSequences: true, goBackwards: true },
    ],
  ])('lstm %j', async (args, cfg) => {
    await useBackend('wasm');
    const ref = tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', ...cfg });
    expect(compare('lstm', { units: 4, ...args }, ref)).toBeLessThan(tol);
  });

  it('gru(reset_after: false) is tfjs-layers GRU', async () => {
    await useBackend('wasm');
    const ref = tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid', returnSequences: true });
    const args = { units: 4, reset_after: false, return_sequences: true };
    expect(compare('gru', args, ref)).toBeLessThan(tol);
  });

  it('simple_rnn is tfjs-layers SimpleRNN', async () => {
    await useBackend('wasm');
    const ref = tf.layers.simpleRNN({ units: 4, goBackwards: true });
    expect(compare('simple_rnn', { units: 4, go_backwards: true }, ref)).toBeLessThan(tol);
  });

  it.each(['concat', 'sum', 'mul', 'ave'] as const)(
    'bidirectional lstm, merge_mode %s, is tfjs-layers Bidirectional',
    async (mode) => {
      await useBackend('wasm');
      const layer = tf.layers.lstm({
        units: 4,
        recurrentActivation: 'sigmoid',
        returnSequences: true,
      }) as tf.RNN;
      const ref = tf.layers.bidirectional({ layer, mergeMode: mode });
      const args = { units: 4, bidirectional: true, merge_mode: mode, return_sequences: true };
      expect(compare('lstm', args, ref)).toBeLessThan(tol);
    },
  );
});

const source = `model summer(x: [T, 3]) {
  h = x |> lstm(8, return_sequences: true) |> gru(8, return_sequences: true)
  h = h |> simple_rnn(4, return_sequences: true, bidirectional: true)
  return h |> lstm(4) |> dense(1)
}
`;

describe.each(['wasm', 'cpu'] as const)('training on %s', (backend) => {
  it('ten Adam steps lower the loss of a stack of recurrent layers', async () => {
    await useBackend(backend);
    const r = checkSource(new Source('t.net', source));
    expect(r.diagnostics).toEqual([]);
    const model = buildModel(r.graphs[0], { seed: 3 });
    const x = rand([8, 7, 3], 5);
    // The target: the sum of the first feature over the steps, a task a recurrence can learn.
    const y = tf.sum(tf.slice(x, [0, 0, 0], [8, 7, 1]), 1);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const h = await model.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, shuffle: false });
    const losses = h.history.loss as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[9]).toBeLessThan(losses[0] * 0.8);
    tf.dispose([x, y]);
    model.dispose();
  });
});
