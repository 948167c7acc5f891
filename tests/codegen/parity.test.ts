/**
 * Compiled vs interpreted: for every sample and fixture model, the generated module (imported
 * as TypeScript) builds a model whose topology JSON (layer classes, names, configs, wiring),
 * weight names, weight order and parameter count equal the interpreter's. Given the same layer
 * classes, that is the same computation; the classes themselves are proved on tensors once, on
 * `layers.every_layer`, the small fixture that uses every layer class netc generates: with the
 * interpreter's weights (randomised, batch-norm statistics included) both predict the same on
 * the smallest input the model allows, within 1e-5 (wasm backend, batch 1).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModule } from '../../codegen/index.js';
import { layerLibrary } from '../../codegen/embed.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { jsonCount, summarize } from '../../compiler/summary.js';
import { buildModel, concreteInputShapes, inferShapes } from '../../api/index.js';
import { inputsFor, maxDiff, randomize, useBackend } from '../runtime/helpers.js';
import { fixturesDir, graphOf, sampleFiles, samplesDir, scratchDir } from './helpers.js';

interface GeneratedModule {
  createModel(): tf.LayersModel;
  inputShapes: Record<string, readonly (number | null)[]>;
  outputShapes: Record<string, readonly (number | null)[]>;
  modelInfo: {
    name: string;
    params: number;
    trainableParams: number;
    macs: number | string | null;
  };
}

const dir = scratchDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => useBackend('wasm'));

/** The one model whose predictions are compared too. */
const PREDICTS = 'layers.every_layer';

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

it('compares the predictions of a model that uses every generated layer class', async () => {
  const graph = graphOf(join(fixturesDir, 'layers.net'), 'every_layer');
  const text = await generateModule(graph, { sourcePath: join(fixturesDir, 'layers.net') });
  const embedded = [...text.matchAll(/^export class (\w+)/gm)].map((m) => m[1]).sort();
  expect(cases.map((c) => c[0])).toContain(PREDICTS);
  expect(embedded).toEqual([...layerLibrary().classes.values()].map((c) => c.name).sort());
});

describe.each(cases)('%s', (name, path, model) => {
  const predicts = name === PREDICTS;
  it(`compiled and interpreted models agree: topology, weights${predicts ? ', predictions' : ''}`, async () => {
    const graph = graphOf(path, model);
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, await generateModule(graph, { sourcePath: path }));
    const mod = (await import(pathToFileURL(file).href)) as GeneratedModule;

    const summary = summarize(graph);
    expect(mod.modelInfo).toEqual({
      name: graph.name,
      params: summary.totalParams,
      trainableParams: summary.trainableParams,
      macs: jsonCount(summary.macs),
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
      if (!predicts) return;

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
