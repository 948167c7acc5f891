/**
 * Compiled vs interpreted: for every sample and fixture model, the generated module (imported
 * as TypeScript) builds a model whose topology JSON (layer classes, names, configs, wiring),
 * weight names and weight order equal the interpreter's; with the interpreter's weights
 * (randomised, batch-norm statistics included) both predict the same on the smallest input the
 * model allows, within 1e-5. wasm backend, batch 1, one forward pass each.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModule } from '../../codegen/index.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { summarize } from '../../compiler/summary.js';
import { buildModel, concreteInputShapes, inferShapes } from '../../api/index.js';
import { inputsFor, maxDiff, randomize, useBackend } from '../runtime/helpers.js';
import { fixturesDir, graphOf, sampleFiles, samplesDir, scratchDir } from './helpers.js';

interface GeneratedModule {
  createModel(): tf.LayersModel;
  inputShapes: Record<string, readonly (number | null)[]>;
  outputShapes: Record<string, readonly (number | null)[]>;
  modelInfo: { name: string; params: number; trainableParams: number; macs: number | null };
}

const dir = scratchDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => useBackend('wasm'));

const cases: [string, string, string | undefined][] = [
  ...sampleFiles.map((f): [string, string, undefined] => [
    f.replace(/\.net$/, ''),
    join(samplesDir, f),
    undefined,
  ]),
  ['hostile', join(fixturesDir, 'hostile.net'), undefined],
  ['layers.every_layer', join(fixturesDir, 'layers.net'), 'every_layer'],
  ['layers.small', join(fixturesDir, 'layers.net'), 'small'],
];

describe.each(cases)('%s', (name, path, model) => {
  it('compiled and interpreted models agree: topology, weights, predictions', async () => {
    const graph = graphOf(path, model);
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, await generateModule(graph, { sourcePath: path }));
    const mod = (await import(pathToFileURL(file).href)) as GeneratedModule;

    const summary = summarize(graph);
    expect(mod.modelInfo).toEqual({
      name: graph.name,
      params: summary.totalParams,
      trainableParams: summary.trainableParams,
      macs: summary.macs,
    });
    const dims = (s: Graph['inputs'][number]) => [
      null,
      ...s.shape.map((d) => (typeof d === 'number' ? d : null)),
    ];
    expect(Object.entries(mod.inputShapes)).toEqual(graph.inputs.map((p) => [p.name, dims(p)]));
    expect(Object.entries(mod.outputShapes)).toEqual(graph.outputs.map((p) => [p.name, dims(p)]));

    const interpreted = buildModel(graph, { seed: 11 });
    const compiled = mod.createModel();
    try {
      expect(compiled.toJSON(null, false)).toEqual(interpreted.toJSON(null, false));
      const names = (m: tf.LayersModel) =>
        m.weights.map((w) => [w.originalName, w.shape, w.trainable]);
      expect(names(compiled)).toEqual(names(interpreted));
      expect(compiled.countParams()).toBe(summary.totalParams);

      randomize(interpreted);
      const weights = interpreted.getWeights();
      compiled.setWeights(weights);

      const xs = inputsFor(graph);
      const run = (m: tf.LayersModel) => {
        const y = m.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
        return Array.isArray(y) ? y : [y];
      };
      const want = run(interpreted);
      const got = run(compiled);
      const shapes = inferShapes(graph, concreteInputShapes(graph));
      expect(got.map((y) => y.shape)).toEqual(
        graph.outputs.map((p) => [1, ...(shapes.get(p.node) as number[])]),
      );
      for (let i = 0; i < want.length; i++) {
        const a = want[i].dataSync();
        expect(a.every(Number.isFinite)).toBe(true);
        expect(maxDiff(got[i].dataSync(), a)).toBeLessThanOrEqual(1e-5);
      }
      tf.dispose([...xs, ...want, ...got]);
    } finally {
      interpreted.dispose();
      compiled.dispose();
    }
  });
});
