/**
 * The last part of `npm start`: ResNeXt-50 built on TensorFlow.js's wasm backend with a fixed
 * seed, one batch-1 inference on random input, then the same model compiled to a TypeScript
 * module by `netc compile`, loaded with the interpreter's weights and run once. Imported lazily
 * by demo.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import { buildModel } from '../../runtime/build-model.js';
import type { Output } from '../io.js';
import { runCompiledModule } from './demo-compiled.js';
import { dims, duration, startBackend } from './model-support.js';

const SEED = 0;

export async function timeInference(io: Output, graph: Graph, sourcePath: string): Promise<void> {
  const t0 = performance.now();
  await startBackend('wasm');
  const t1 = performance.now();
  const model = buildModel(graph, { seed: SEED });
  const t2 = performance.now();
  const shape = [1, ...graph.inputs[0].shape.map((d) => (typeof d === 'number' ? d : 224))];
  const x = tf.randomUniform(shape, 0, 1, 'float32', SEED);
  try {
    const t3 = performance.now();
    const y = model.predict(x) as tf.Tensor;
    const probs = await y.data();
    const t4 = performance.now();
    let top = 0;
    for (let i = 1; i < probs.length; i++) if (probs[i] > probs[top]) top = i;
    io.out(`\nTensorFlow.js, wasm backend (single-threaded), seed ${SEED}:`);
    io.out(
      `  build    ${duration(t2 - t0)} (backend ${duration(t1 - t0)}, layers and weights ${duration(t2 - t1)})`,
    );
    io.out(
      `  predict  ${duration(t4 - t3)} (first run) for one ${dims(shape.slice(1))} input (batch 1), output ${dims(y.shape)}, top class ${top}`,
    );
    await runCompiledModule(io, graph, sourcePath, model, x, probs);
    y.dispose();
  } finally {
    x.dispose();
    model.dispose();
  }
}
