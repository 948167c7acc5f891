import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkFile } from '../../compiler/compile.js';
import { buildModel, concreteInputShapes, inferShapes } from '../../api/index.js';
import { useBackend } from './helpers.js';

const dir = join(import.meta.dirname, '../../samples');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.net'))
  .sort();

beforeAll(() => useBackend('wasm'));

/**
 * Every model of every sample builds on TensorFlow.js and a batch-1 forward pass gives the
 * inferred output shapes. Unknown input sizes take the smallest size the shape rules accept;
 * fixed large inputs (inception at 299x299) run as they are, once.
 */
describe.each(files)('samples/%s', (file) => {
  const result = checkFile(join(dir, file));
  // A sample that does not compile is the samples suite's failure, not the runtime's.
  it.skipIf(!result.ok).each(result.graphs.map((g) => [g.name, g] as const))(
    'model %s builds and runs',
    (_name, graph) => {
      const model = buildModel(graph);
      try {
        expect(model.outputs.map((o) => o.shape.slice(1))).toEqual(
          graph.outputs.map((p) => p.shape.map((d) => (typeof d === 'number' ? d : null))),
        );
        const shapes = concreteInputShapes(graph);
        const want = inferShapes(graph, shapes);
        // Uniform [0, 1): valid ids (0) for any embedding input too.
        const xs = shapes.map((s) => tf.randomUniform([1, ...s]));
        const ys = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
        const outs = Array.isArray(ys) ? ys : [ys];
        expect(outs.map((y) => y.shape)).toEqual(
          graph.outputs.map((p) => [1, ...(want.get(p.node) as number[])]),
        );
        for (const y of outs) expect(Number.isFinite(y.dataSync()[0])).toBe(true);
        tf.dispose([...xs, ...outs]);
      } finally {
        model.dispose();
      }
    },
  );
});
