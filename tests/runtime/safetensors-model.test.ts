/**
 * exportSafetensors / importSafetensors: a built model's weights as safetensors keyed by IR
 * name, and back; a file that does not fit the graph is refused whole.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../../io/safetensors.js';
import { FINGERPRINT_KEY, graphFingerprint } from '../../io/graph-fingerprint.js';
import { exportSafetensors, importSafetensors } from '../../runtime/io/safetensors-model.js';
import { WeightMismatchError } from '../../compiler/weights-check.js';
import { buildModel } from '../../runtime/build-model.js';
import { graphOfText } from '../compiler/passes/helpers.js';

let x: tf.Tensor;

beforeAll(async () => {
  await tf.setBackend('cpu');
  x = tf.tensor2d([
    [1, -2, 0.5, 3],
    [0, 1, -1, 2],
  ]);
});

const graph = graphOfText(`model m(x: [4]) {
  return y: x |> dense(3, name: "fc") |> batch_norm(name: "bn")
}`);

/** A dense + batch-norm model with non-trivial weights (including the moving statistics). */
function tinyModel(): tf.LayersModel {
  const model = buildModel(graph);
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
  it('names tensors by node/weight and stores every weight', () => {
    const { tensors } = decodeSafetensors(exportSafetensors(tinyModel(), graph));
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
    const bytes = exportSafetensors(model, graph, { source: 'test' });
    perturb(model);
    expect(predict(model)).not.toEqual(before);
    importSafetensors(model, graph, bytes);
    expect(predict(model)).toEqual(before);
    expect(decodeSafetensors(bytes).metadata).toEqual({
      source: 'test',
      [FINGERPRINT_KEY]: graphFingerprint(graph),
    });
  });

  it('loads into another instance whose tfjs weight names carry a _N suffix', () => {
    const first = tinyModel();
    const second = tinyModel(); // same layer names: tfjs renames its weights 'fc/kernel_1', ...
    perturb(second);
    expect(second.weights[0].name).not.toBe(second.weights[0].originalName);
    importSafetensors(second, graph, exportSafetensors(first, graph));
    expect(predict(second)).toEqual(predict(first));
  });

  it('rejects a mismatched file and leaves the weights unchanged', () => {
    const model = tinyModel();
    const before = weightValues(model);
    const { tensors } = decodeSafetensors(exportSafetensors(model, graph));
    const edited = [...tensors]
      .filter(([name]) => name !== 'bn/beta')
      .map(([name, t]) =>
        name === 'fc/bias' ? { name, shape: [1, 3], data: t.data } : { name, ...t },
      );
    edited.push({ name: 'extra', shape: [1], data: new Float32Array([0]) });
    let error: unknown;
    try {
      importSafetensors(model, graph, encodeSafetensors(edited));
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
    expect(() => importSafetensors(model, graph, new Uint8Array([1, 2]))).toThrow(SafetensorsError);
    expect(weightValues(model)).toEqual(before);
  });

  it('does not leak tensors', () => {
    const model = tinyModel();
    const bytes = exportSafetensors(model, graph);
    const count = tf.memory().numTensors;
    importSafetensors(model, graph, bytes);
    exportSafetensors(model, graph);
    expect(tf.memory().numTensors).toBe(count);
  });
});
