/**
 * Parity of `lstm`, `gru` and `simple_rnn` with PyTorch's nn.LSTM / nn.GRU / nn.RNN on the same
 * weights (tests/fixtures/recurrent/torch.json, written once by generate.py beside it, which
 * converts torch's layout to Keras'): the outputs, and the gradients of `sum(y * probe)` with
 * respect to every weight, within 1e-5 relative, on wasm and cpu. The masked cases pass a
 * right-padded batch's mask as the op's second input (torch reads them as packed sequences).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  torchCaseArgs,
  torchCaseInputs,
  torchCaseTensors,
  torchCases,
  torchCaseTitle,
} from '../fixtures/recurrent/torch-cases.js';
import { opModel, relDiff, useBackend } from './helpers.js';

const BOUND = 1e-5;

afterAll(() => useBackend('wasm'));

describe.each(['wasm', 'cpu'] as const)('PyTorch parity on %s', (backend) => {
  it.each(torchCases.map((c) => [torchCaseTitle(c), c] as const))('%s', async (_t, c) => {
    await useBackend(backend);
    const weights = Object.fromEntries(
      Object.entries(c.weights).map(([k, w]) => [k, tf.tensor(w.data, w.shape)]),
    );
    const model = opModel(c.op, torchCaseInputs(c), torchCaseArgs(c), weights);
    const x = torchCaseTensors(c).map((t) => tf.tensor(t.data, t.shape));
    const probe = tf.tensor(c.probe, c.y.shape);
    try {
      const layer = model.layers[model.layers.length - 1];
      // Every weight the fixture holds was written (names and shapes are netc's).
      expect(layer.weights.map((w) => w.originalName.split('/').pop()).sort()).toEqual(
        Object.keys(c.weights).sort(),
      );
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual(c.y.shape);
      expect(relDiff(y.dataSync(), c.y.data)).toBeLessThan(BOUND);

      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, probe)) as tf.Scalar,
        vars,
      );
      for (const w of layer.trainableWeights) {
        const short = w.originalName.split('/').pop()!;
        const g = grads[(w.read() as tf.Variable).name];
        expect(relDiff(g.dataSync(), c.weights[short].grad), `${short} gradient`).toBeLessThan(
          BOUND,
        );
      }
      tf.dispose([y, ...Object.values(grads)]);
    } finally {
      tf.dispose([...x, probe, ...Object.values(weights)]);
      model.dispose();
    }
  });
});
