/**
 * `netc run`: inference on `.npy` inputs with TensorFlow.js. Options are parsed (and their
 * help kept) in model-args.ts; cli/main.ts imports this module lazily, since it loads tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { buildModel } from '../../runtime/build-model.js';
import type { Output } from '../io.js';
import type { RunOptions } from './model-args.js';
import {
  bindPorts,
  checkBatches,
  checkOutputPath,
  compileModel,
  dims,
  duration,
  inputsFit,
  loadWeightsFrom,
  readBoundArrays,
  startBackend,
  toTensors,
  writeArray,
} from './model-support.js';

/** Rows shown in an argmax preview. */
const PREVIEW_ROWS = 16;

const num = (x: number): string => String(Number(x.toPrecision(4)));

/**
 * One line about an output batch: the argmax of each row when an example's output is a vector
 * of several values (a classifier), else min, max and mean; non-finite values are counted.
 */
export function preview(shape: readonly number[], data: Float32Array): string {
  let nan = 0;
  let inf = 0;
  for (const v of data) {
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
  }
  const bad = nan + inf > 0 ? `  (non-finite: ${nan} NaN, ${inf} ±Inf)` : '';
  const rows = shape[0];
  if (shape.length === 2 && shape[1] > 1) {
    const k = shape[1];
    const shown = Math.min(rows, PREVIEW_ROWS);
    const argmax: number[] = [];
    for (let r = 0; r < shown; r++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (data[r * k + j] > data[r * k + best]) best = j;
      argmax.push(best);
    }
    const more = rows > shown ? ` ... (${rows - shown} more rows)` : '';
    return `argmax per row: ${argmax.join(' ')}${more}${bad}`;
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let n = 0;
  for (const v of data) {
    if (!Number.isFinite(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    n++;
  }
  if (n === 0) return `no finite values${bad}`;
  return `min ${num(min)}  max ${num(max)}  mean ${num(sum / n)}${bad}`;
}

export async function execRun(o: RunOptions, io: Output): Promise<number> {
  const start = performance.now();
  const graph = compileModel(io, o.file, o.model);
  if (!graph) return 1;
  const compiled = performance.now();
  const inputs = bindPorts('input', 'input', graph.inputs, o.inputs, true);
  const outputs = bindPorts('output', 'output', graph.outputs, o.outputs, false);
  for (const a of outputs) if (a) await checkOutputPath(a.path);
  const arrays = await readBoundArrays(graph.inputs, inputs);
  const batch = checkBatches('input', arrays);
  if (!inputsFit(io, graph, arrays)) return 1;

  const t0 = performance.now();
  await startBackend(o.backend);
  const t1 = performance.now();
  const model = buildModel(graph, { seed: o.seed });
  const t2 = performance.now();
  try {
    if (o.weights) await loadWeightsFrom(model, o.weights);
    const t3 = performance.now();
    const x = toTensors(arrays);
    const t4 = performance.now();
    const y = model.predict(x) as tf.Tensor | tf.Tensor[];
    const ys = Array.isArray(y) ? y : [y];
    const values = await Promise.all(ys.map(async (t) => Float32Array.from(await t.data())));
    const t5 = performance.now();
    const shapes = ys.map((t) => [...t.shape]);
    tf.dispose([x, ...ys]);

    const weights = o.weights
      ? `weights from ${o.weights}`
      : o.seed !== undefined
        ? `initial weights from --seed ${o.seed}`
        : 'random initial weights (no --weights or --seed)';
    const parts = [`compile ${duration(compiled - start)}`, `backend ${duration(t1 - t0)}`];
    parts.push(`layers ${duration(t2 - t1)}`);
    if (o.weights) parts.push(`weights ${duration(t3 - t2)}`);
    io.out(`model    ${graph.name} (${o.file}) on ${o.backend}, ${weights}`);
    io.out(`build    ${duration(compiled - start + t3 - t0)} (${parts.join(', ')})`);
    io.out(`predict  ${duration(t5 - t4)} (batch ${batch})`);
    const width = Math.max(8, ...graph.outputs.map((p) => p.name.length + 1));
    graph.outputs.forEach((p, i) => {
      io.out(`${p.name.padEnd(width)} ${dims(shapes[i])}  ${preview(shapes[i], values[i])}`);
    });
    for (const [i, a] of outputs.entries()) {
      if (!a) continue;
      await writeArray(a.path, shapes[i], values[i]);
      io.out(`wrote    ${graph.outputs[i].name} ${dims(shapes[i])} to ${a.path}`);
    }
    return 0;
  } finally {
    model.dispose();
  }
}
