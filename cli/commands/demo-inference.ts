/**
 * The last part of `npm start`: ResNeXt-50 built on TensorFlow.js's wasm backend with a fixed
 * seed, one batch-1 inference on random input, then the same model compiled to a TypeScript
 * module by `netc compile`, loaded with the interpreter's weights and run once. Imported lazily
 * by demo.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import { buildModel } from '../../runtime/build-model.js';
import { buildOptimizedModel } from '../../runtime/optimized-model.js';
import type { Output } from '../io.js';
import { runCompiledModule } from './demo-compiled.js';
import { dims, duration, startBackend } from './model-support.js';

const SEED = 0;

export async function timeInference(io: Output, graph: Graph, sourcePath: string): Promise<void> {
  const t0 = performance.now();
  const backend = await startBackend('wasm');
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
    io.out(`\nTensorFlow.js on ${backend}, seed ${SEED}:`);
    io.out(
      `  build    ${duration(t2 - t0)} (backend ${duration(t1 - t0)}, layers and weights ${duration(t2 - t1)})`,
    );
    io.out(
      `  predict  ${duration(t4 - t3)} (first run) for one ${dims(shape.slice(1))} input (batch 1), output ${dims(y.shape)}, top class ${top}`,
    );
    await compareOptimized(io, graph, model, x, probs);
    await runCompiledModule(io, graph, sourcePath, model, x, probs);
    y.dispose();
  } finally {
    x.dispose();
    model.dispose();
  }
}

const ROUNDS = 3;

/**
 * The inference-optimized model (compiler/passes) with the same weights: layer counts, the
 * median of a few interleaved runs of each after one warm-up, and the largest difference.
 */
async function compareOptimized(
  io: Output,
  graph: Graph,
  model: tf.LayersModel,
  x: tf.Tensor,
  probs: Float32Array | Int32Array | Uint8Array,
): Promise<void> {
  const { model: fast, optimized } = buildOptimizedModel(graph, model);
  try {
    const time = async (m: tf.LayersModel): Promise<[number, Float32Array]> => {
      const t0 = performance.now();
      const y = m.predict(x) as tf.Tensor;
      const data = (await y.data()) as Float32Array;
      y.dispose();
      return [performance.now() - t0, data];
    };
    await time(fast);
    const plain: number[] = [];
    const opt: number[] = [];
    let out: Float32Array = new Float32Array(0);
    for (let r = 0; r < ROUNDS; r++) {
      plain.push((await time(model))[0]);
      const [t, data] = await time(fast);
      opt.push(t);
      out = data;
    }
    let diff = 0;
    for (let i = 0; i < out.length; i++) diff = Math.max(diff, Math.abs(out[i] - probs[i]));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const folded = optimized.passes
      .filter((p) => p.changed > 0)
      .map((p) => `${p.pass} ${p.changed}`)
      .join(', ');
    io.out(
      `  optimized for inference: ${graph.nodes.length} ops -> ${optimized.graph.nodes.length} (${folded})`,
    );
    io.out(
      `  predict  ${duration(median(plain))} as written, ${duration(median(opt))} optimized (median of ${ROUNDS}, ${(median(plain) / median(opt)).toFixed(2)}x); max |difference| ${diff.toExponential(1)}`,
    );
  } finally {
    fast.dispose();
  }
}
