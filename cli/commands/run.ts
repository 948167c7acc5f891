/**
 * `netc run`: inference on `.npy` inputs with TensorFlow.js. Its table is in model-args.ts,
 * which imports this module lazily, since it loads tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { escapeText } from '../../compiler/util/escape.js';
import { describeWeights } from '../../io/weights-file.js';
import { buildModel } from '../../runtime/build-model.js';
import { buildOptimizedModel } from '../../runtime/optimized-model.js';
import { memoryError } from '../errors.js';
import type { Output } from '../io.js';
import type { RunOptions } from './model-args.js';
import { checkInputs } from '../../runtime/check-inputs.js';
import { compileModel, duration, startBackend } from './model-support.js';
import { loadWeightsFrom } from './weights.js';
import type { NamedPath } from './output-paths.js';
import { prepareRunData, reportOutputs } from './run-io.js';

export async function execRun(o: RunOptions, io: Output): Promise<number> {
  if (o.engine === 'onnxruntime') return (await import('./run-onnx.js')).execRunOnnx(o, io);
  const start = performance.now();
  const sources: NamedPath[] = [];
  const graph = compileModel(io, o.file, o.model, sources);
  if (!graph) return 1;
  const compiled = performance.now();
  const data = await prepareRunData(io, graph, o, sources);
  if (!data) return 1;
  const { arrays, batch } = data;

  const t0 = performance.now();
  const backend = await startBackend(o.backend, o.threads);
  const t1 = performance.now();
  const built = buildModel(graph, { seed: o.seed });
  const t2 = performance.now();
  let model = built;
  try {
    const loaded = o.weights ? await loadWeightsFrom(built, graph, o.weights) : undefined;
    if (o.optimize) model = buildOptimizedModel(graph, built).model;
    const t3 = performance.now();
    const xs = checkInputs(
      graph,
      arrays.map((b) => b.array),
    );
    const x = xs.length === 1 ? xs[0] : xs;
    const t4 = performance.now();
    const y = model.predict(x) as tf.Tensor | tf.Tensor[];
    const ys = Array.isArray(y) ? y : [y];
    const values = await Promise.all(ys.map(async (t) => Float32Array.from(await t.data())));
    const t5 = performance.now();
    const shapes = ys.map((t) => [...t.shape]);
    tf.dispose([...xs, ...ys]);

    const weights = describeWeights(o, loaded);
    const parts = [`compile ${duration(compiled - start)}`, `backend ${duration(t1 - t0)}`];
    parts.push(`layers ${duration(t2 - t1)}`);
    if (o.weights || o.optimize) {
      const what = [o.weights ? 'weights' : '', o.optimize ? 'optimize' : ''];
      parts.push(`${what.filter(Boolean).join(' + ')} ${duration(t3 - t2)}`);
    }
    io.out(`model    ${graph.name} (${escapeText(o.file)}) on ${backend}, ${escapeText(weights)}`);
    if (o.optimize)
      io.out(`graph    ${describeOptimized(graph.nodes.length, model.layers.length)}`);
    io.out(`build    ${duration(compiled - start + t3 - t0)} (${parts.join(', ')})`);
    io.out(`predict  ${duration(t5 - t4)} (batch ${batch})`);
    await reportOutputs(
      io,
      graph,
      data.outputs,
      shapes.map((shape, i) => ({ shape, data: values[i] })),
    );
    return 0;
  } catch (e) {
    throw memoryError(e, o.backend, `running model ${graph.name} (batch ${batch})`);
  } finally {
    if (model !== built) model.dispose();
    built.dispose();
  }
}

/** `optimized for inference: 313 ops -> 125 (--no-optimize runs them as written)` */
function describeOptimized(before: number, after: number): string {
  return `optimized for inference: ${before} ops -> ${after} (--no-optimize runs them as written)`;
}
