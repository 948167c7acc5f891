/**
 * conv2d_transpose end to end: its ONNX export on onnxruntime against tfjs, and the optimized
 * model (batch norm folded along kernel axis -2) against the unoptimized one.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, buildOptimizedModel } from '../../../api/index.js';
import { graphOfText } from '../../compiler/passes/helpers.js';
import { inputsFor, randomize, relDiff, useBackend } from '../../runtime/helpers.js';
import { ortAvailable, parity } from './helpers.js';

beforeAll(() => useBackend('wasm'));

const source = (args: string) => `model up(x: [5, 7, 3]) {
  return y: x |> conv2d_transpose(${args}) |> batch_norm |> relu
}
`;

const cases = [
  '4, 3, stride: 2, padding: "same"',
  '4, 3, stride: 2, padding: "valid"',
  '4, 3, stride: 2, padding: "same", output_padding: 1',
  '4, 3, stride: 2, padding: "valid", output_padding: [1, 0]',
  '4, 2, stride: 3, padding: "valid"',
];

describe.skipIf(!ortAvailable).each(cases)('conv2d_transpose(%s)', (args) => {
  const text = source(args);

  it('exports to ONNX with the Keras output size and values', async () => {
    const [out] = await parity(graphOfText(text));
    expect(out.finite).toBe(true);
    expect(out.error).toBeLessThan(1e-4);
  });

  it('folds the batch norm into it without changing the output', () => {
    const graph = graphOfText(text);
    const plain = buildModel(graph, { seed: 3 });
    randomize(plain);
    const { model: fast, optimized } = buildOptimizedModel(graph, plain);
    try {
      expect(optimized.graph.nodes.map((n) => n.op)).toEqual(['input', 'conv2d_transpose']);
      const [x] = inputsFor(graph, 2);
      const want = (plain.predict(x) as tf.Tensor).dataSync();
      const got = (fast.predict(x) as tf.Tensor).dataSync();
      expect(relDiff(got, want)).toBeLessThan(1e-4);
    } finally {
      plain.dispose();
      fast.dispose();
    }
  });
});
