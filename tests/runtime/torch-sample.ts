/**
 * A sample compiled at a small configuration against a PyTorch fixture (a generate.py beside
 * it): the fixture holds the PyTorch model's config, its weights in netc's layout (keys
 * `node/weight`), an input batch and PyTorch's output for it. `sampleParity` registers the
 * tfjs checks (wasm and cpu within 1e-5 relative, the generated module predicting what the
 * interpreter does, a few Adam steps lowering the loss); tests/codegen/onnx runs the same
 * fixture on ONNX Runtime with `sampleGraph` and `fixtureWeights`.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, fillModel, type BackendName } from '../../api/index.js';
import { generateModule } from '../../codegen/index.js';
import { checkSource } from '../../compiler/compile.js';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import { Source } from '../../compiler/source.js';
import type { FixtureArray } from './attention-fixture.js';
import { rand, relDiff, useBackend } from './helpers.js';

const repo = join(import.meta.dirname, '../..');

export interface TorchFixture {
  /** The small configuration: the sample's model parameters (ints) and anything else. */
  readonly config: Record<string, number>;
  /** The input batch, in netc's layout (NHWC images, token ids as floats). */
  readonly input: FixtureArray;
  readonly weights: Record<string, FixtureArray>;
  /** PyTorch's output for `input`. */
  readonly output: FixtureArray;
}

export interface SampleCase {
  /** The sample, relative to the repository: `samples/vit_b16.net`. */
  readonly file: string;
  /** The fixture JSON, relative to the repository. */
  readonly fixture: string;
  /** Text replacements that give the sample's inputs the fixture's shapes. */
  readonly replace: readonly (readonly [string, string])[];
  /** Model parameters from the fixture's config (names in the sample's spelling). */
  readonly args: Readonly<Record<string, number>>;
}

export function readFixture(c: SampleCase): TorchFixture {
  return JSON.parse(readFileSync(join(repo, c.fixture), 'utf8')) as TorchFixture;
}

/** The sample at the small configuration; it must compile. */
export function sampleGraph(c: SampleCase): Graph {
  let text = readFileSync(join(repo, c.file), 'utf8');
  for (const [from, to] of c.replace) {
    if (!text.includes(from)) throw new Error(`${c.file} has no '${from}'`);
    text = text.replace(from, to);
  }
  const args = Object.fromEntries(
    Object.entries(c.args).map(([k, v]) => [k, { kind: 'int', value: v } as const]),
  );
  const r = checkSource(new Source(join(repo, c.file), text), { args });
  if (!r.ok || r.graphs.length !== 1) {
    throw new Error(`${c.file}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  }
  return r.graphs[0];
}

export function fixtureWeights(f: TorchFixture): GraphWeights {
  return new Map(
    Object.entries(f.weights).map(([k, w]) => [
      k,
      { shape: w.shape, data: Float32Array.from(w.data) },
    ]),
  );
}

interface GeneratedModule {
  createModel(): tf.LayersModel;
}

/** The tfjs checks of a sample against its PyTorch fixture. */
export function sampleParity(c: SampleCase): void {
  const fixture = readFixture(c);
  const graph = sampleGraph(c);
  const weights = fixtureWeights(fixture);
  const input = () => tf.tensor(fixture.input.data, fixture.input.shape, 'float32');

  describe.each(['wasm', 'cpu'] as BackendName[])('on tfjs %s', (backend) => {
    it('matches PyTorch within 1e-5 relative', async () => {
      await useBackend(backend);
      const model = buildModel(graph);
      try {
        fillModel(model, graph, weights);
        const x = input();
        const y = model.predict(x) as tf.Tensor;
        expect(y.shape).toEqual(fixture.output.shape);
        const err = relDiff(y.dataSync(), fixture.output.data);
        expect(err).toBeLessThanOrEqual(1e-5);
        tf.dispose([x, y]);
      } finally {
        model.dispose();
      }
    });
  });

  describe('the generated module', () => {
    const dir = join(repo, 'tests', '.tmp-codegen');
    let file: string | undefined;
    afterAll(() => file && rmSync(file, { force: true }));
    it('predicts what the interpreter does with the same weights', async () => {
      await useBackend('wasm');
      mkdirSync(dir, { recursive: true });
      file = join(dir, `${graph.name}-${process.pid}.ts`);
      writeFileSync(file, await generateModule(graph, { sourcePath: join(repo, c.file) }));
      const mod = (await import(pathToFileURL(file).href)) as GeneratedModule;
      const interpreted = buildModel(graph);
      const compiled = mod.createModel();
      try {
        fillModel(interpreted, graph, weights);
        compiled.setWeights(interpreted.getWeights());
        const x = input();
        const want = interpreted.predict(x) as tf.Tensor;
        const got = compiled.predict(x) as tf.Tensor;
        expect(got.shape).toEqual(want.shape);
        expect(relDiff(got.dataSync(), want.dataSync())).toBeLessThanOrEqual(1e-6);
        expect(relDiff(got.dataSync(), fixture.output.data)).toBeLessThanOrEqual(1e-5);
        tf.dispose([x, want, got]);
      } finally {
        interpreted.dispose();
        compiled.dispose();
      }
    });
  });

  describe.each(['wasm', 'cpu'] as BackendName[])('training on tfjs %s', (backend) => {
    it('a few Adam steps from the fixture weights lower the loss', async () => {
      await useBackend(backend);
      const model = buildModel(graph, { seed: 3 });
      try {
        fillModel(model, graph, weights);
        const x = input();
        const target = rand(fixture.output.shape, 9);
        model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
        const h = await model.fit(x, target, {
          epochs: 6,
          batchSize: fixture.input.shape[0],
          verbose: 0,
        });
        const losses = h.history.loss as number[];
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.9);
        tf.dispose([x, target]);
      } finally {
        model.dispose();
      }
    });
  });
}
