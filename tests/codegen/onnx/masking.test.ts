/**
 * Masking of padded steps (issue 14) exported to ONNX: `step_mask` and `masking` on ONNX Runtime
 * against hand-computed values, and a model whose recurrent layers read the mask of
 * `embedding(mask_zero: true)` through a dropout (one `sequence_lens` per recurrent node) against
 * tfjs on a right-padded batch, within 1e-5 relative, as written and inference-optimized. Skipped without onnxruntime-node.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, readGraphWeights } from '../../../api/index.js';
import { exportOnnx } from '../../../codegen/onnx/index.js';
import { checkSource } from '../../../compiler/compile.js';
import type { Graph } from '../../../compiler/ir/graph.js';
import type { GraphWeights } from '../../../compiler/ir/weights.js';
import { Source } from '../../../compiler/source.js';
import { createOnnxRuntimeModel } from '../../../engines/onnxruntime.js';
import { opGraph, randomize, relDiff, useBackend } from '../../runtime/helpers.js';
import { decode, nodesOf, ortAvailable, syntheticWeights } from './helpers.js';

const source = `model m(tokens: [T]) {
  h = tokens |> embedding(10, 4, mask_zero: true) |> dropout(0.1)
  h = h |> lstm(5, return_sequences: true) |> gru(3, return_sequences: true, bidirectional: true)
  return h |> simple_rnn(3, go_backwards: true, return_sequences: true)
}
`;

function graphOf(text: string): Graph {
  const r = checkSource(new Source('t.net', text));
  expect(r.diagnostics).toEqual([]);
  return r.graphs[0];
}

async function ortRun(
  graph: Graph,
  weights: GraphWeights,
  x: number[][] | number[][][],
  optimize = false,
) {
  const t = tf.tensor(x);
  const ort = await createOnnxRuntimeModel(graph, weights, { optimize });
  try {
    const [y] = await ort.run([{ shape: t.shape, data: t.dataSync() as Float32Array }]);
    return y;
  } finally {
    t.dispose();
    await ort.dispose();
  }
}

describe('masked recurrent layers in ONNX', () => {
  it('pass sequence_lens to every recurrent node', () => {
    const graph = graphOf(source);
    const model = decode(exportOnnx(graph, syntheticWeights(graph)));
    for (const op of ['LSTM', 'GRU', 'RNN']) {
      const [node] = nodesOf(model, op);
      expect(node.input?.[4], op).toMatch(/sequence_lens$/);
    }
  });
});

describe.skipIf(!ortAvailable)('on ONNX Runtime', () => {
  beforeAll(() => useBackend('wasm'));

  it('step_mask and masking give the hand-computed values', async () => {
    const ids = await ortRun(opGraph('step_mask', [[5]]), new Map(), [
      [3, 0, 1, 0, 0],
      [0, 2, 2, 2, 7],
    ]);
    expect(Array.from(ids.data)).toEqual([1, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    const steps = await ortRun(opGraph('step_mask', [[3, 2]], { mask_value: -1 }), new Map(), [
      [
        [-1, -1],
        [-1, 4],
        [0, -1],
      ],
    ]);
    expect(Array.from(steps.data)).toEqual([0, 1, 1]);
    const masked = await ortRun(opGraph('masking', [[3, 2]], { mask_value: 2 }), new Map(), [
      [
        [2, 2],
        [2, 5],
        [1, 3],
      ],
    ]);
    expect(Array.from(masked.data)).toEqual([0, 0, 2, 5, 1, 3]);
  });

  it.each([false, true])(
    'a right-padded batch gives what tfjs gives (optimize: %s)',
    async (optimize) => {
      const graph = graphOf(source);
      const model = buildModel(graph, { seed: 4 });
      try {
        randomize(model);
        const ids = [
          [4, 7, 1, 0, 0, 0],
          [5, 3, 2, 9, 3, 8],
          [6, 0, 0, 0, 0, 0],
        ];
        const x = tf.tensor(ids);
        const want = model.predict(x) as tf.Tensor;
        // Optimized, the dropout goes and the recurrent layer reads the embedding and the mask.
        const got = await ortRun(graph, readGraphWeights(model, graph), ids, optimize);
        expect(got.shape).toEqual(want.shape);
        expect(relDiff(got.data, want.dataSync())).toBeLessThan(1e-5);
        tf.dispose([x, want]);
      } finally {
        model.dispose();
      }
    },
  );
});
