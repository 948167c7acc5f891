/**
 * One training step of a whole sample graph as written, Keras semantics: samples/irv2_finetune.net
 * (the Inception-ResNet-v2 base, 244 batch norms, plus a head with dropout) at its smallest
 * input (75x75), batch 2, two classes. The step's loss is finite, the head moves, batch norm
 * trains on the batch's statistics (its moving averages move; inference output unchanged by a
 * predict), and dropout is active in training (two training-mode calls differ) but not in
 * inference (two predicts agree). The cheapest whole-sample proof: resnext50 and inception_v3
 * fix their input at 224 and 299 (one step there takes minutes on two cores); their layers are
 * the same ops, each checked in training mode by tests/runtime/training.test.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, fit } from '../../../api/index.js';
import { checkFile } from '../../../compiler/compile.js';
import { readGraphWeights } from '../../../runtime/graph-weights.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('wasm'));

describe('a training step on a whole sample', () => {
  it('irv2_finetune at 75x75: finite loss, the head and the batch-norm statistics move', async () => {
    const r = checkFile('samples/irv2_finetune.net', {
      args: { classes: { kind: 'int', value: 2 } },
    });
    expect(r.ok).toBe(true);
    const graph = r.graphs[0];
    const model = buildModel(graph, { seed: 1 });
    const n = 2;
    const size = 75 * 75 * 3;
    const x = Float32Array.from({ length: n * size }, (_, i) => Math.sin(i * 0.37));
    const labels = Float32Array.from([0, 1]);
    const before = readGraphWeights(model, graph);
    const xt = tf.tensor(x, [n, 75, 75, 3]);
    const p1 = (model.predict(xt) as tf.Tensor).dataSync().slice();
    const p2 = (model.predict(xt) as tf.Tensor).dataSync().slice();
    expect(Array.from(p2)).toEqual(Array.from(p1)); // inference: no dropout, moving statistics
    const result = await fit(
      model,
      graph,
      { x: [{ shape: [n, 75, 75, 3], data: x }], y: [{ shape: [n], data: labels }] },
      {
        loss: 'sparse_categorical_crossentropy',
        epochs: 1,
        batchSize: n,
        optimizer: { name: 'sgd', lr: 0.01 },
        shuffle: false,
      },
    );
    expect(result.steps).toBe(1);
    expect(Number.isFinite(result.history[0].loss)).toBe(true);
    const after = readGraphWeights(model, graph);
    const changed = (key: string) =>
      Array.from(after.get(key)!.data).some((v, i) => v !== before.get(key)!.data[i]);
    expect(changed('predictions/kernel')).toBe(true);
    const bn = [...after.keys()].find((k) => k.endsWith('/moving_mean'))!;
    expect(changed(bn)).toBe(true);
    // Dropout is active in training mode: two calls on the same batch differ.
    const [t1, t2] = [0, 1].map(() =>
      tf.tidy(() => Array.from((model.apply(xt, { training: true }) as tf.Tensor).dataSync())),
    );
    expect(t1).not.toEqual(t2);
    result.optimizer.dispose();
    tf.dispose(xt);
    model.dispose();
  }, 300_000);
});
