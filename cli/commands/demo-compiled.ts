/**
 * `npm start`, compiled-module step: `netc compile` the demo graph into a TypeScript module,
 * transpile it, import it, load the interpreter's weights into its `createModel()` and compare
 * one prediction. The module lands under node_modules/.cache so that its only import,
 * `@tensorflow/tfjs`, resolves to the same copy netc uses.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as tf from '@tensorflow/tfjs';
import { ts } from 'ts-morph';
import { generateModule } from '../../codegen/index.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { packageRoot } from '../../compiler/package-root.js';
import { writeAtomic } from '../io.js';
import type { Output } from '../io.js';
import { duration } from './model-support.js';

interface CompiledModule {
  createModel(): tf.LayersModel;
}

export async function runCompiledModule(
  io: Output,
  graph: Graph,
  sourcePath: string,
  interpreted: tf.LayersModel,
  x: tf.Tensor,
  expected: Float32Array | Int32Array | Uint8Array,
): Promise<void> {
  const t0 = performance.now();
  const source = await generateModule(graph, { sourcePath });
  const t1 = performance.now();
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const dir = join(packageRoot(), 'node_modules', '.cache', 'netc-demo');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${graph.name}.mjs`);
  writeAtomic(file, js);
  const mod = (await import(pathToFileURL(file).href)) as CompiledModule;
  const compiled = mod.createModel();
  try {
    compiled.setWeights(interpreted.getWeights());
    const t2 = performance.now();
    const y = compiled.predict(x) as tf.Tensor;
    const got = await y.data();
    const t3 = performance.now();
    y.dispose();
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - expected[i]));
    const lines = source.split('\n').length.toLocaleString('en-US');
    io.out(`\nCompiled module (netc compile, ${lines} lines of TypeScript):`);
    io.out(`  compile  ${duration(t1 - t0)} (codegen + prettier)`);
    io.out(
      `  predict  ${duration(t3 - t2)} with the interpreter's weights; max |difference| ${diff.toExponential(1)}`,
    );
  } finally {
    compiled.dispose();
  }
}
