/**
 * Generated TypeScript shares the passes: a module generated from the optimized graph
 * type-checks, and with `foldWeights` of the unoptimized model's weights it predicts what the
 * unoptimized interpreter predicts.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModule } from '../../../codegen/index.js';
import {
  buildModel,
  optimizeForInference,
  readGraphWeights,
  writeGraphWeights,
} from '../../../api/index.js';
import { graphOf, samplesDir, scratchDir, typecheck } from '../../codegen/helpers.js';
import { inputsFor, randomize, relDiff, useBackend } from '../../runtime/helpers.js';

const dir = scratchDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => useBackend('wasm'));

describe.each(['lenet_bn', 'ecg_resnet', 'resnet_v1'])('%s', (name) => {
  it('the module of the optimized graph type-checks and predicts as the graph as written', async () => {
    const path = join(samplesDir, `${name}.net`);
    const graph = graphOf(path);
    const optimized = optimizeForInference(graph);
    expect(optimized.graph.nodes.length).toBeLessThan(graph.nodes.length);
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, await generateModule(optimized.graph, { sourcePath: path }));
    expect(typecheck([file])).toEqual([]);

    const mod = (await import(pathToFileURL(file).href)) as { createModel(): tf.LayersModel };
    const plain = buildModel(graph, { seed: 5 });
    const compiled = mod.createModel();
    try {
      randomize(plain);
      writeGraphWeights(
        compiled,
        optimized.graph,
        optimized.foldWeights(readGraphWeights(plain, graph)),
      );
      const [x] = inputsFor(graph, 2);
      const want = plain.predict(x) as tf.Tensor;
      const got = compiled.predict(x) as tf.Tensor;
      const a = want.dataSync();
      expect(relDiff(got.dataSync(), a)).toBeLessThanOrEqual(1e-4);
      tf.dispose([x, want, got]);
    } finally {
      plain.dispose();
      compiled.dispose();
    }
  });
});
