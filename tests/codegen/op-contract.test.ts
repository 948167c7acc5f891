/**
 * The `run` cases of the op contract table (tests/compiler/ops/cases.ts) as generated modules: all of them
 * type-check (one `tsc --strict` program, no unused locals or parameters), and each, imported,
 * builds the interpreter's topology (layer classes, names, configs), weights and parameter count,
 * and with the interpreter's (randomised) weights predicts what it does, within 1e-5.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateModule } from '../../codegen/index.js';
import { buildModel } from '../../api/index.js';
import { caseTitle, runCases } from '../compiler/ops/cases.js';
import {
  inputsFor,
  maxDiff,
  opGraph,
  randomize,
  useBackend,
  type Arg,
} from '../runtime/helpers.js';
import { scratchDir, typecheck } from './helpers.js';

interface GeneratedModule {
  createModel(): tf.LayersModel;
}

const dir = scratchDir();
const sourcePath = join(import.meta.dirname, '../ops/cases.ts');
const cases = runCases.map((c, i) => ({
  c,
  title: caseTitle(c),
  graph: opGraph(c.op, [...c.inputs], (c.args ?? {}) as Record<string, Arg>),
  file: join(dir, `case${i}_${c.op}.ts`),
}));

beforeAll(async () => {
  await useBackend('wasm');
  for (const k of cases) writeFileSync(k.file, await generateModule(k.graph, { sourcePath }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('every generated module type-checks (one program)', () => {
  expect(typecheck(cases.map((k) => k.file))).toEqual([]);
});

describe.each(cases.map((k) => [k.title, k] as const))('%s', (_title, { c, graph, file }) => {
  it('builds the interpreted model and predicts what it does', async () => {
    const mod = (await import(pathToFileURL(file).href)) as GeneratedModule;
    const interpreted = buildModel(graph, { seed: 11 });
    const compiled = mod.createModel();
    try {
      expect(compiled.toJSON(null, false)).toEqual(interpreted.toJSON(null, false));
      const names = (m: tf.LayersModel) =>
        m.weights.map((w) => [w.originalName, w.shape, w.trainable]);
      expect(names(compiled)).toEqual(names(interpreted));
      expect(compiled.countParams()).toBe(c.params);

      randomize(interpreted);
      compiled.setWeights(interpreted.getWeights());
      const xs = inputsFor(graph, 2);
      const run = (m: tf.LayersModel) => m.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
      const want = run(interpreted);
      const got = run(compiled);
      expect(got.shape).toEqual(want.shape);
      const a = want.dataSync();
      expect(a.every(Number.isFinite)).toBe(true);
      expect(maxDiff(got.dataSync(), a)).toBeLessThanOrEqual(1e-5);
      tf.dispose([...xs, want, got]);
    } finally {
      interpreted.dispose();
      compiled.dispose();
    }
  });
});
