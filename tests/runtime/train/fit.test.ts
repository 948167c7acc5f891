/**
 * The training loop of runtime/train/fit.ts: a logits model learns a separable task, hooks
 * see every step and can stop training, the example order is a seeded permutation, batch
 * norm updates its moving statistics by Keras' rule, validation values match a recomputation,
 * and no tensor is left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildModel,
  epochOrder,
  evaluateModel,
  fit,
  type ExampleArray,
  type TrainData,
} from '../../../api/index.js';
import { checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

const graphOf = (text: string) => {
  const r = checkSource(new Source('t.net', text));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graphs[0];
};

/** A deterministic generator in [0, 1) (an LCG, independent of the loop's). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** n examples of 4 features in 3 classes: class c has feature c raised by 2, plus noise. */
function separable(n: number, seed: number): { x: ExampleArray; labels: Float32Array } {
  const next = lcg(seed);
  const x = new Float32Array(n * 4);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === c ? 2 : 0) + (next() - 0.5);
  }
  return { x: { shape: [n, 4], data: x }, labels };
}

const logitsNet = graphOf('model m(x: [4]) {\n  return logits: x |> dense(3)\n}\n');

describe('fit', () => {
  it('a logits model learns a separable task: the loss falls, accuracy rises', async () => {
    const { x, labels } = separable(60, 7);
    const data: TrainData = { x: [x], y: [{ shape: [60], data: labels }] };
    const model = buildModel(logitsNet, { seed: 5 });
    const options = {
      loss: 'sparse_categorical_crossentropy',
      metrics: ['accuracy'],
    } as const;
    const before = evaluateModel(model, logitsNet, data, options).logs;
    const r = await fit(model, logitsNet, data, {
      ...options,
      epochs: 8,
      batchSize: 10,
      optimizer: { name: 'sgd', lr: 0.5 },
      shuffleSeed: 3,
    });
    expect(r.objective.choices[0].form).toBe('logits');
    const after = evaluateModel(model, logitsNet, data, options).logs;
    const loss = r.history.map((h) => h.loss);
    expect(loss[7]).toBeLessThan(loss[0] * 0.5);
    expect(after.loss).toBeLessThan(before.loss * 0.25);
    expect(before.acc).toBeLessThan(0.7);
    expect(after.acc).toBeGreaterThan(0.95);
    expect(r.history[7].acc).toBeGreaterThan(0.95);
    expect(r.epochsRun).toBe(8);
    expect(r.steps).toBe(48);
    r.optimizer.dispose();
    model.dispose();
  });

  it('hooks see each step from the initial epoch on; an epoch or batch hook can stop training', async () => {
    const { x, labels } = separable(10, 1);
    const data: TrainData = { x: [x], y: [{ shape: [10, 1], data: labels }] };
    const optimizer = tf.train.sgd(0.1);
    const model = buildModel(logitsNet, { seed: 1 });
    const calls: string[] = [];
    const base = {
      loss: 'sparse_categorical_crossentropy' as const,
      epochs: 4,
      initialEpoch: 2,
      batchSize: 4,
      optimizer,
      shuffleSeed: 1,
    };
    const r = await fit(model, logitsNet, data, {
      ...base,
      hooks: {
        onTrainBegin: (ctx) => {
          expect(ctx.optimizer).toBe(optimizer);
          expect(ctx.model).toBe(model);
          calls.push(`begin ${ctx.batchesPerEpoch}`);
        },
        onEpochBegin: (epoch) => void calls.push(`epoch ${epoch}`),
        onBatchBegin: (step, epoch) => void calls.push(`step ${step} of ${epoch}`),
        onBatchEnd: (step, logs) =>
          void calls.push(`done ${step}: batch ${logs.batch} of ${logs.size}`),
        onEpochEnd: (epoch, logs) => {
          calls.push(`end ${epoch} ${Number.isFinite(logs.loss)}`);
          return 'stop';
        },
        onTrainEnd: (result) => void calls.push(`train end ${result.epochsRun}`),
      },
    });
    expect(calls).toEqual([
      'begin 3',
      'epoch 2',
      'step 6 of 2',
      'done 6: batch 0 of 4',
      'step 7 of 2',
      'done 7: batch 1 of 4',
      'step 8 of 2',
      'done 8: batch 2 of 2',
      'end 2 true',
      'train end 1',
    ]);
    expect(r.stopped).toEqual({ reason: 'hook', epoch: 2 });
    const early = await fit(model, logitsNet, data, {
      ...base,
      hooks: { onBatchEnd: (step) => (step === 7 ? 'stop' : undefined) },
    });
    expect(early.steps).toBe(2);
    expect(early.stopped).toEqual({ reason: 'hook', epoch: 2 });
    optimizer.dispose();
    model.dispose();
  });

  it('the example order is a seeded permutation per epoch; the same seed trains the same weights', async () => {
    const a = epochOrder(50, 9, 0);
    expect([...a].sort((p, q) => p - q)).toEqual([...Array(50).keys()]);
    expect(epochOrder(50, 9, 0)).toEqual(a);
    expect(epochOrder(50, 9, 1)).not.toEqual(a);
    expect(epochOrder(50, 10, 0)).not.toEqual(a);

    const { x, labels } = separable(30, 2);
    const data: TrainData = { x: [x], y: [{ shape: [30], data: labels }] };
    const train = async (shuffleSeed: number) => {
      const model = buildModel(logitsNet, { seed: 4 });
      const r = await fit(model, logitsNet, data, {
        loss: 'sparse_categorical_crossentropy',
        epochs: 2,
        batchSize: 7,
        optimizer: { name: 'sgd', lr: 0.3 },
        shuffleSeed,
      });
      r.optimizer.dispose();
      const w = Array.from(model.getWeights()[0].dataSync());
      model.dispose();
      return w;
    };
    const first = await train(11);
    expect(await train(11)).toEqual(first);
    expect(await train(12)).not.toEqual(first);
  });

  it('batch norm: one step moves the moving mean by (1 - momentum) of the batch mean', async () => {
    const g = graphOf(
      'model m(x: [2]) {\n  return y: x |> batch_norm(momentum: 0.25) |> dense(1)\n}\n',
    );
    const model = buildModel(g, { seed: 1 });
    const x = new Float32Array([1, 10, 3, 20, 5, 30, 7, 40]); // means 4 and 25
    const r = await fit(
      model,
      g,
      { x: [{ shape: [4, 2], data: x }], y: [{ shape: [4, 1], data: new Float32Array(4) }] },
      { loss: 'mse', epochs: 1, batchSize: 4, optimizer: { name: 'sgd', lr: 0.01 } },
    );
    const bn = model.layers[1].getWeights().map((w) => Array.from(w.dataSync()));
    // moving = momentum * moving + (1 - momentum) * batch: 0.75 * [4, 25]; the variance from
    // 1 towards the batch variance, biased as tfjs takes it (20 / 4 and 500 / 4).
    expect(bn[2][0]).toBeCloseTo(3, 5);
    expect(bn[2][1]).toBeCloseTo(18.75, 4);
    expect(bn[3][0]).toBeCloseTo(0.25 + 0.75 * 5, 4);
    expect(bn[3][1]).toBeCloseTo(0.25 + 0.75 * 125, 3);
    r.optimizer.dispose();
    model.dispose();
  });

  it('validation data: val_loss and val_acc are those of the final weights, recomputed by hand', async () => {
    const { x, labels } = separable(24, 3);
    const val = separable(9, 8);
    const oneHot = (l: Float32Array) => {
      const out = new Float32Array(l.length * 3);
      l.forEach((c, i) => (out[i * 3 + c] = 1));
      return { shape: [l.length, 3], data: out };
    };
    const model = buildModel(logitsNet, { seed: 2 });
    const before = tf.memory().numTensors;
    const r = await fit(
      model,
      logitsNet,
      { x: [x], y: [oneHot(labels)] },
      {
        loss: 'categorical_crossentropy',
        metrics: ['accuracy'],
        epochs: 2,
        batchSize: 5,
        optimizer: { name: 'adam', lr: 0.05 },
        validationData: { x: [val.x], y: [oneHot(val.labels)] },
      },
    );
    r.optimizer.dispose();
    // Nothing but the optimizer's state (disposed) outlives the loop.
    expect(tf.memory().numTensors).toBe(before);
    const logits = tf.tidy(() =>
      Array.from((model.predict(tf.tensor(val.x.data, [9, 4])) as tf.Tensor).dataSync()),
    );
    let loss = 0;
    let right = 0;
    for (let i = 0; i < 9; i++) {
      const z = logits.slice(i * 3, i * 3 + 3);
      const m = Math.max(...z);
      const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
      loss += lse - z[val.labels[i]];
      if (z.indexOf(m) === val.labels[i]) right++;
    }
    const last = r.history[1];
    expect(last.val_loss).toBeCloseTo(loss / 9, 5);
    expect(last.val_acc).toBeCloseTo(right / 9, 6);
    expect(r.validationExamples).toBe(9);
    const e = evaluateModel(
      model,
      logitsNet,
      { x: [val.x], y: [oneHot(val.labels)] },
      {
        loss: 'categorical_crossentropy',
        metrics: ['accuracy'],
        batchSize: 4,
      },
    );
    expect(e.logs.loss).toBeCloseTo(loss / 9, 5);
    model.dispose();
  });

  it('a loss that stops being finite stops training with where it happened', async () => {
    const x = new Float32Array(8).fill(1e20);
    const model = buildModel(logitsNet, { seed: 1 });
    const r = await fit(
      model,
      logitsNet,
      { x: [{ shape: [2, 4], data: x }], y: [{ shape: [2, 3], data: new Float32Array(6) }] },
      { loss: 'mse', epochs: 3, batchSize: 1, optimizer: { name: 'sgd', lr: 1e30 } },
    );
    expect(r.stopped).toMatchObject({ reason: 'diverged', epoch: 0 });
    expect(r.history).toEqual([]);
    r.optimizer.dispose();
    model.dispose();
  });
});
