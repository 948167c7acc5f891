import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../../io/safetensors.js';
import {
  exportSafetensors,
  importSafetensors,
  modelWeightSpecs,
} from '../../runtime/io/safetensors-model.js';
import { WeightMismatchError } from '../../runtime/io/weights.js';

let x: tf.Tensor;

beforeAll(async () => {
  await tf.setBackend('cpu');
  x = tf.tensor2d([
    [1, -2, 0.5, 3],
    [0, 1, -1, 2],
  ]);
});

function tinyModel(): tf.LayersModel {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 3, inputShape: [4], name: 'fc' }),
      tf.layers.batchNormalization({ name: 'bn' }),
    ],
  });
  model.setWeights(
    model.weights.map((w, i) => tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', i)),
  );
  return model;
}

function predict(model: tf.LayersModel): number[] {
  return [...((model.predict(x) as tf.Tensor).dataSync() as Float32Array)];
}

function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => [...w.dataSync()]);
}

function perturb(model: tf.LayersModel): void {
  model.setWeights(model.weights.map((w) => tf.fill(w.shape as number[], 0.125)));
}

describe('exportSafetensors / importSafetensors', () => {
  it('names tensors by layer/weight and stores every weight', () => {
    const { tensors } = decodeSafetensors(exportSafetensors(tinyModel()));
    expect([...tensors.keys()]).toEqual([
      'fc/kernel',
      'fc/bias',
      'bn/gamma',
      'bn/beta',
      'bn/moving_mean',
      'bn/moving_variance',
    ]);
    expect(tensors.get('fc/kernel')!.shape).toEqual([4, 3]);
  });

  it('round-trips: export, perturb, import gives the original predictions', () => {
    const model = tinyModel();
    const before = predict(model);
    const bytes = exportSafetensors(model, { source: 'test' });
    perturb(model);
    expect(predict(model)).not.toEqual(before);
    importSafetensors(model, bytes);
    expect(predict(model)).toEqual(before);
    expect(decodeSafetensors(bytes).metadata).toEqual({ source: 'test' });
  });

  it('loads into another instance whose tfjs weight names carry a _N suffix', () => {
    const first = tinyModel();
    const second = tinyModel(); // same layer names: tfjs renames its weights 'fc/kernel_1', ...
    perturb(second);
    expect(second.weights[0].name).not.toBe(second.weights[0].originalName);
    expect(modelWeightSpecs(second)[0].name).toBe('fc/kernel');
    importSafetensors(second, exportSafetensors(first));
    expect(predict(second)).toEqual(predict(first));
  });

  it('rejects a mismatched file and leaves the weights unchanged', () => {
    const model = tinyModel();
    const before = weightValues(model);
    const { tensors } = decodeSafetensors(exportSafetensors(model));
    const edited = [...tensors]
      .filter(([name]) => name !== 'bn/beta')
      .map(([name, t]) =>
        name === 'fc/bias' ? { name, shape: [1, 3], data: t.data } : { name, ...t },
      );
    edited.push({ name: 'extra', shape: [1], data: new Float32Array([0]) });
    let error: unknown;
    try {
      importSafetensors(model, encodeSafetensors(edited));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightMismatchError);
    expect((error as WeightMismatchError).message).toBe(
      [
        'weights do not match the model:',
        '  missing (1): bn/beta',
        '  unexpected (1): extra',
        '  wrong shape: fc/bias: expected [3], found [1, 3]',
      ].join('\n'),
    );
    expect(weightValues(model)).toEqual(before);
    expect(() => importSafetensors(model, new Uint8Array([1, 2]))).toThrow(SafetensorsError);
    expect(weightValues(model)).toEqual(before);
  });

  it('does not leak tensors', () => {
    const model = tinyModel();
    const bytes = exportSafetensors(model);
    const count = tf.memory().numTensors;
    importSafetensors(model, bytes);
    exportSafetensors(model);
    expect(tf.memory().numTensors).toBe(count);
  });
});
