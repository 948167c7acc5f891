/**
 * Masking of padded steps (issue 14) on tfjs, wasm and cpu: `step_mask` and `masking` on
 * hand-computed cases, and models whose recurrent layers read the mask the compiler carries
 * from `embedding(mask_zero: true)` or `masking`. The ground truth of a masked model is the same
 * model on each example without its padded steps (the length is symbolic, `[T]`): a padded step
 * must change nothing. PyTorch parity of the masked recurrent ops themselves (packed sequences)
 * is in tests/runtime/recurrent-torch.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../api/index.js';
import { checkSource } from '../../compiler/compile.js';
import { Source } from '../../compiler/source.js';
import { opModel, randValues, relDiff, useBackend } from './helpers.js';

afterAll(() => useBackend('wasm'));

const tol = 1e-5;

function modelOf(text: string): tf.LayersModel {
  const r = checkSource(new Source('t.net', text));
  expect(r.diagnostics).toEqual([]);
  return buildModel(r.graphs[0], { seed: 5 });
}

/** The model's outputs on each example alone: `rows[b]` without the steps `padded[b]` lists. */
function unpadded(model: tf.LayersModel, rows: number[][], padded: number[][]): number[] {
  return rows.flatMap((row, b) => {
    const kept = row.filter((_, t) => !padded[b].includes(t));
    const x = tf.tensor([kept]);
    const y = model.predict(x) as tf.Tensor;
    const out = Array.from(y.dataSync());
    tf.dispose([x, y]);
    return out;
  });
}

describe.each(['wasm', 'cpu'] as const)('masking on %s', (backend) => {
  it('step_mask marks the steps that differ from mask_value', async () => {
    await useBackend(backend);
    const ids = opModel('step_mask', [[5]]);
    const y = ids.predict(
      tf.tensor([
        [3, 0, 1, 0, 0],
        [0, 2, 2, 2, 7],
      ]),
    ) as tf.Tensor;
    expect(y.arraySync()).toEqual([
      [1, 0, 1, 0, 0],
      [0, 1, 1, 1, 1],
    ]);
    // Features: a step is padding only when every feature is -1.
    const features = opModel('step_mask', [[3, 2]], { mask_value: -1 });
    const z = features.predict(
      tf.tensor([
        [
          [-1, -1],
          [-1, 4],
          [0, -1],
        ],
      ]),
    ) as tf.Tensor;
    expect(z.arraySync()).toEqual([[0, 1, 1]]);
    tf.dispose([y, z]);
    ids.dispose();
    features.dispose();
  });

  it('masking zeroes the steps whose every feature is mask_value', async () => {
    await useBackend(backend);
    const model = opModel('masking', [[3, 2]], { mask_value: 2 });
    const y = model.predict(
      tf.tensor([
        [
          [2, 2],
          [2, 5],
          [1, 3],
        ],
      ]),
    ) as tf.Tensor;
    expect(y.arraySync()).toEqual([
      [
        [0, 0],
        [2, 5],
        [1, 3],
      ],
    ]);
    tf.dispose(y);
    model.dispose();
  });

  it('embedding(mask_zero: true): a stack of recurrent layers skips the padded ids', async () => {
    await useBackend(backend);
    const model = modelOf(`model m(tokens: [T]) {
  h = tokens |> embedding(10, 4, mask_zero: true) |> dropout(0.2)
  h = h |> lstm(5, return_sequences: true, bidirectional: true) |> dense(3)
  h = h |> gru(4, return_sequences: true)
  return h |> simple_rnn(3, go_backwards: true)
}
`);
    // Right padding, and zeros in the middle and at the start: a mask need not be a prefix.
    const ids = [
      [4, 7, 1, 0, 0, 0],
      [5, 0, 2, 9, 3, 8],
      [0, 0, 6, 6, 2, 1],
    ];
    const padded = ids.map((row) => row.flatMap((v, t) => (v === 0 ? [t] : [])));
    const y = model.predict(tf.tensor(ids)) as tf.Tensor;
    const want = unpadded(model, ids, padded);
    expect(y.shape).toEqual([3, 3]);
    expect(relDiff(y.dataSync(), want)).toBeLessThan(tol);
    // Without the mask the padding is read: another result (the test can fail).
    const plain = modelOf(`model m(tokens: [T]) {
  return tokens |> embedding(10, 4) |> lstm(5)
}
`);
    const masked = modelOf(`model m(tokens: [T]) {
  return tokens |> embedding(10, 4, mask_zero: true) |> lstm(5)
}
`);
    masked.setWeights(plain.getWeights());
    const a = plain.predict(tf.tensor([ids[0]])) as tf.Tensor;
    const b = masked.predict(tf.tensor([ids[0]])) as tf.Tensor;
    expect(relDiff(a.dataSync(), b.dataSync())).toBeGreaterThan(1e-3);
    tf.dispose([y, a, b]);
    [model, plain, masked].forEach((m) => m.dispose());
  });

  it('masking: return_sequences repeats the last real output over right padding', async () => {
    await useBackend(backend);
    const model = modelOf(`model m(x: [T, 3]) {
  return x |> masking() |> lstm(4, return_sequences: true)
}
`);
    const v = randValues(2 * 5 * 3, 9);
    const rows = [0, 1].map((b) =>
      [0, 1, 2, 3, 4].map((t) =>
        b === 1 && t >= 3
          ? [0, 0, 0]
          : Array.from(v.subarray((b * 5 + t) * 3, (b * 5 + t) * 3 + 3)),
      ),
    );
    const y = (model.predict(tf.tensor(rows)) as tf.Tensor).arraySync() as number[][][];
    const short = model.predict(tf.tensor([rows[1].slice(0, 3)])) as tf.Tensor;
    const real = (short.arraySync() as number[][][])[0];
    // The three real steps as alone, then the third one's output twice more (Keras' RNN).
    expect(relDiff(y[1].flat(), [...real, real[2], real[2]].flat())).toBeLessThan(tol);
    tf.dispose(short);
    model.dispose();
  });

  it('a masked model trains: finite loss, every weight moves', async () => {
    await useBackend(backend);
    const model = modelOf(`model m(tokens: [T]) {
  h = tokens |> embedding(10, 4, mask_zero: true)
  return h |> lstm(4, bidirectional: true) |> dense(1)
}
`);
    const x = tf.tensor([
      [3, 1, 0, 0],
      [2, 2, 5, 0],
    ]);
    const target = tf.tensor([[1], [-1]]);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const h = await model.fit(x, target, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(Number.isFinite(h.history.loss[0] as number)).toBe(true);
    model.getWeights().forEach((w, i) => {
      const after = w.dataSync();
      expect(after.every(Number.isFinite)).toBe(true);
      expect(after.some((a, k) => a !== before[i][k])).toBe(true);
    });
    tf.dispose([x, target]);
    model.dispose();
  });
});
