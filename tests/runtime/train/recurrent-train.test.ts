/**
 * Training recurrent layers (issue 14). One SGD step of `embedding |> lstm |> dense(sigmoid)`
 * with binary cross-entropy gives PyTorch's loss and updated weights
 * (tests/fixtures/recurrent/train-step.json, written once by train_step.py beside it), on wasm
 * and cpu. And a small LSTM learns, on wasm and seeded, whether marker 1 comes before marker 2
 * in a sequence of ids, to more than 90% accuracy on sequences it did not train on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../api/index.js';
import { checkSource } from '../../../compiler/compile.js';
import { packageRoot } from '../../../compiler/package-root.js';
import { Source } from '../../../compiler/source.js';
import { relDiff, useBackend } from '../helpers.js';

afterAll(() => useBackend('wasm'));

interface Tensor {
  readonly shape: number[];
  readonly data: number[];
}

interface TrainStep {
  readonly learning_rate: number;
  readonly ids: Tensor;
  readonly labels: Tensor;
  readonly loss: number;
  readonly weights: Record<string, { shape: number[]; before: number[]; after: number[] }>;
}

const fixture = JSON.parse(
  readFileSync(join(packageRoot(), 'tests/fixtures/recurrent/train-step.json'), 'utf8'),
) as TrainStep;

function modelOf(text: string, seed = 1): tf.LayersModel {
  const r = checkSource(new Source('t.net', text));
  expect(r.diagnostics).toEqual([]);
  return buildModel(r.graphs[0], { seed });
}

const classifier = (width: number, units: number, vocabulary = 10) => `model m(ids: [T]) {
  return ids |> embedding(${vocabulary}, ${width}) |> lstm(${units}) |> dense(1, activation: "sigmoid")
}
`;

describe.each(['wasm', 'cpu'] as const)('one SGD step on %s', (backend) => {
  it("gives PyTorch's loss and weights", async () => {
    await useBackend(backend);
    const model = modelOf(classifier(4, 6));
    const vars = new Map(model.weights.map((w) => [w.originalName, w]));
    expect([...vars.keys()].sort()).toEqual(Object.keys(fixture.weights).sort());
    for (const [name, w] of Object.entries(fixture.weights))
      vars.get(name)!.write(tf.tensor(w.before, w.shape));
    model.compile({ optimizer: tf.train.sgd(fixture.learning_rate), loss: 'binaryCrossentropy' });
    const x = tf.tensor(fixture.ids.data, fixture.ids.shape);
    const y = tf.tensor(fixture.labels.data, fixture.labels.shape);
    const loss = (await model.trainOnBatch(x, y)) as number;
    expect(Math.abs(loss - fixture.loss) / fixture.loss).toBeLessThan(1e-5);
    for (const [name, w] of Object.entries(fixture.weights)) {
      const got = vars.get(name)!.read().dataSync();
      expect(relDiff(got, w.after), name).toBeLessThan(1e-5);
      // The step moved it (the check can fail).
      expect(relDiff(got, w.before), name).toBeGreaterThan(1e-4);
    }
    tf.dispose([x, y]);
    model.dispose();
  });
});

/** A seeded generator of floats in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * `n` sequences of `steps` ids in [3, 10) with markers 1 and 2 at two distinct random steps;
 * the label is 1 when marker 1 comes first.
 */
function markerTask(n: number, steps: number, seed: number): { x: tf.Tensor; y: tf.Tensor } {
  const next = lcg(seed);
  const pick = (k: number) => Math.floor(next() * k);
  const ids: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: steps }, () => 3 + pick(7));
    const a = pick(steps);
    let b = pick(steps - 1);
    if (b >= a) b++;
    row[a] = 1;
    row[b] = 2;
    ids.push(row);
    labels.push(a < b ? 1 : 0);
  }
  return { x: tf.tensor(ids), y: tf.tensor(labels, [n, 1]) };
}

describe('a small LSTM on wasm', () => {
  it('learns whether marker 1 comes before marker 2 to > 90% accuracy', async () => {
    await useBackend('wasm');
    const model = modelOf(classifier(8, 16), 3);
    const train = markerTask(512, 10, 11);
    const test = markerTask(256, 10, 12);
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'binaryCrossentropy' });
    await model.fit(train.x, train.y, { epochs: 8, batchSize: 32, verbose: 0, shuffle: false });
    const p = model.predict(test.x) as tf.Tensor;
    const correct = tf.tidy(() => tf.sum(tf.equal(tf.greater(p, 0.5), tf.cast(test.y, 'bool'))));
    const accuracy = correct.dataSync()[0] / 256;
    expect(accuracy).toBeGreaterThan(0.9);
    tf.dispose([p, correct, train.x, train.y, test.x, test.y]);
    model.dispose();
  });
});
