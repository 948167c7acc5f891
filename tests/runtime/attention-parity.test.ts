/**
 * `multi_head_attention` on tfjs (wasm and cpu) against PyTorch's nn.MultiheadAttention with the
 * same weights (tests/runtime/attention-fixture.ts), within 1e-5 relative; and training: a few
 * Adam steps lower the loss on both backends (the layer's gradients).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildModel, fillModel } from '../../api/index.js';
import { attentionCases, caseGraph, caseWeights } from './attention-fixture.js';
import { rand, relDiff, useBackend } from './helpers.js';

describe.each(['wasm', 'cpu'] as const)('multi_head_attention on tfjs %s', (backend) => {
  it.each(attentionCases.map((c) => [c.name, c] as const))(
    '%s matches PyTorch within 1e-5',
    async (_name, c) => {
      await useBackend(backend);
      const graph = caseGraph(c);
      const model = buildModel(graph);
      try {
        fillModel(model, graph, caseWeights(c));
        const xs = c.inputs.map((x) => tf.tensor(x.data, x.shape, 'float32'));
        const y = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
        expect(y.shape).toEqual(c.output.shape);
        expect(relDiff(y.dataSync(), c.output.data)).toBeLessThanOrEqual(1e-5);
        tf.dispose([...xs, y]);
      } finally {
        model.dispose();
      }
    },
  );

  it('a few Adam steps lower the loss (causal cross attention with dropout)', async () => {
    await useBackend(backend);
    const source = `model m(q: [4, 6], v: [5, 6]) {
  return y: multi_head_attention(q, v, num_heads: 2, key_dim: 3, causal: true, dropout: 0.1)
}
`;
    const graph = caseGraph({
      name: 'train',
      source,
      inputs: [],
      weights: {},
      output: { shape: [], data: [] },
    });
    const model = buildModel(graph, { seed: 5 });
    try {
      const xs = [rand([8, 4, 6], 1), rand([8, 5, 6], 2)];
      const target = rand([8, 4, 6], 3);
      model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
      const h = await model.fit(xs, target, { epochs: 20, batchSize: 8, verbose: 0 });
      const losses = h.history.loss as number[];
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.8);
      tf.dispose([...xs, target]);
    } finally {
      model.dispose();
    }
  });
});
