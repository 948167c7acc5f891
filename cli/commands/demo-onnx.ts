/**
 * `npm start`, ONNX step: a small sample exported to ONNX (written beside the demo's compiled
 * module, to open in a viewer) and run on ONNX Runtime beside TensorFlow.js with the same
 * weights and the same input batch: the median time of each and the largest difference. One
 * line, and nothing else, when onnxruntime-node is not installed.
 */
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_OPSET, exportOnnx } from '../../codegen/onnx/export.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { packageRoot } from '../../compiler/package-root.js';
import { createOnnxRuntimeModel } from '../../engines/onnxruntime.js';
import { loadOnnxRuntime, OnnxRuntimeUnavailableError } from '../../engines/onnxruntime-loader.js';
import { buildModel } from '../../runtime/build-model.js';
import { readGraphWeights } from '../../runtime/graph-weights.js';
import { writeAtomic } from '../io.js';
import type { Output } from '../io.js';
import { dims, duration } from './model-support.js';

const SEED = 0;
const BATCH = 8;
const ROUNDS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await f();
  return [performance.now() - t0, r];
}

/** Runs on the backend already started (the demo's wasm); `graph` has one input and one output. */
export async function compareOnnx(io: Output, graph: Graph, sourcePath: string): Promise<void> {
  const where = relative(process.cwd(), sourcePath);
  try {
    await loadOnnxRuntime();
  } catch (e) {
    if (!(e instanceof OnnxRuntimeUnavailableError)) throw e;
    io.out(`\nONNX Runtime: skipped (${e.message.split(':')[0]})`);
    return;
  }
  const model = buildModel(graph, { seed: SEED });
  const shape = [BATCH, ...graph.inputs[0].shape.map((d) => (typeof d === 'number' ? d : 1))];
  const x = tf.randomUniform(shape, 0, 1, 'float32', SEED);
  try {
    const weights = readGraphWeights(model, graph);
    const [exportMs, bytes] = await timed(async () => exportOnnx(graph, weights));
    const dir = join(packageRoot(), 'node_modules', '.cache', 'netc-demo');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${graph.name}.onnx`);
    writeAtomic(file, bytes);
    const [sessionMs, ort] = await timed(() => createOnnxRuntimeModel(graph, weights));
    try {
      const input = { shape, data: (await x.data()) as Float32Array };
      const runTfjs = async () => {
        const y = model.predict(x) as tf.Tensor;
        const data = (await y.data()) as Float32Array;
        y.dispose();
        return data;
      };
      const runOrt = async () => (await ort.run([input]))[0].data;
      // One warm-up each, then interleaved rounds so that both see the same machine load.
      let [expected, got] = [await runTfjs(), await runOrt()];
      const [tfjsMs, ortMs]: [number[], number[]] = [[], []];
      for (let r = 0; r < ROUNDS; r++) {
        const [a, ya] = await timed(runTfjs);
        const [b, yb] = await timed(runOrt);
        tfjsMs.push(a);
        ortMs.push(b);
        [expected, got] = [ya, yb];
      }
      let diff = 0;
      for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - expected[i]));
      const kib = Math.round(bytes.length / 1024).toLocaleString('en-US');
      const [t, o] = [median(tfjsMs), median(ortMs)];
      io.out(`\nONNX export and ONNX Runtime beside TensorFlow.js (${where}, same weights):`);
      io.out(
        `  export   ${duration(exportMs)}, ${kib} KiB, opset ${DEFAULT_OPSET}: ${relative(process.cwd(), file)}`,
      );
      io.out(`  session  ${duration(sessionMs)} (onnxruntime-node, cpu)`);
      io.out(
        `  predict  ${duration(t)} on TensorFlow.js (${tf.getBackend()}), ${duration(o)} on ONNX Runtime (median of ${ROUNDS}, batch ${BATCH} of ${dims(shape.slice(1))}, ${(t / o).toFixed(2)}x)`,
      );
      io.out(
        `  outputs  ${dims(shape.slice(0, 1).concat(model.outputs[0].shape.slice(1) as number[]))}, max |difference| ${diff.toExponential(1)}`,
      );
    } finally {
      await ort.dispose();
    }
  } finally {
    x.dispose();
    model.dispose();
  }
}
