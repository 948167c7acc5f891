/**
 * Optimized vs unoptimized, for every sample and the layer fixtures: with the same randomised
 * weights (batch-norm statistics included), the optimized model (BN folded, activations fused,
 * dropout and identities removed) predicts the same on the smallest input the model allows:
 * max |optimized - unoptimized| <= 1e-4 * max(1, max |unoptimized|). wasm backend, batch 2.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../compiler/ir/graph.js';
import { summarize } from '../../../compiler/summary.js';
import { buildModel, buildOptimizedModel } from '../../../api/index.js';
import { fixturesDir, graphOf, sampleFiles, samplesDir } from '../../codegen/helpers.js';
import { inputsFor, randomize, relDiff, useBackend } from '../../runtime/helpers.js';

beforeAll(() => useBackend('wasm'));

const cases: [string, string, string | undefined][] = [
  ...sampleFiles.map((f): [string, string, undefined] => [f, join(samplesDir, f), undefined]),
  ['layers.every_layer', join(fixturesDir, 'layers.net'), 'every_layer'],
  ['layers.small', join(fixturesDir, 'layers.net'), 'small'],
];

const count = (g: Graph, op: string) => g.nodes.filter((n) => n.op === op).length;

describe.each(cases)('%s', (_name, path, model) => {
  it('optimized and unoptimized models predict the same', () => {
    const graph = graphOf(path, model);
    const plain = buildModel(graph, { seed: 3 });
    randomize(plain);
    const { model: fast, optimized } = buildOptimizedModel(graph, plain);
    try {
      const g = optimized.graph;
      // What the passes promise: no dropout left, no BN right after a linear conv or dense.
      expect(count(g, 'dropout')).toBe(0);
      for (const n of g.nodes.filter((m) => m.op === 'batch_norm')) {
        const p = g.nodes[n.inputs[0]];
        const readers = g.nodes.filter((m) => m.inputs.includes(p.id)).length;
        const foldable =
          /^(conv[12]d|conv2d_transpose|dense|depthwise_conv2d|separable_conv2d)$/.test(p.op) &&
          p.attrs.activation === 'linear' &&
          readers === 1 &&
          !g.outputs.some((o) => o.node === p.id) &&
          (n.attrs.axis === -1 || n.attrs.axis === n.shape.length - 1);
        expect(foldable, `${n.name} after ${p.name}`).toBe(false);
      }
      // Each folded BN removes its 4 (or fewer) vectors and may add a bias of the same size.
      const folded = count(graph, 'batch_norm') - count(g, 'batch_norm');
      const removed = optimized.passes.reduce((s, p) => s + p.changed, 0);
      expect(graph.nodes.length - g.nodes.length).toBeLessThanOrEqual(removed);
      if (folded > 0) expect(summarize(g).totalParams).toBeLessThan(summarize(graph).totalParams);
      expect(g.outputs.map((o) => [o.name, o.shape])).toEqual(
        graph.outputs.map((o) => [o.name, o.shape]),
      );

      const xs = inputsFor(graph, 2);
      const run = (m: tf.LayersModel) => {
        const y = m.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
        return Array.isArray(y) ? y : [y];
      };
      const want = run(plain);
      const got = run(fast);
      for (let i = 0; i < want.length; i++) {
        const a = want[i].dataSync();
        expect(a.every(Number.isFinite)).toBe(true);
        expect(got[i].shape).toEqual(want[i].shape);
        expect(relDiff(got[i].dataSync(), a)).toBeLessThanOrEqual(1e-4);
      }
      tf.dispose([...xs, ...want, ...got]);
    } finally {
      plain.dispose();
      fast.dispose();
    }
  });
});
