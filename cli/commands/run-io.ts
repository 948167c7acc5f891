/**
 * What `netc run` does around the engine, the same for TensorFlow.js and ONNX Runtime: bind
 * `--input` / `--output` to the graph's ports, read and check the inputs against the whole model
 * before anything is built, then print and write the outputs.
 */
import { escapeText } from '../../compiler/util/escape.js';
import type { Graph } from '../../compiler/ir/graph.js';
import type { Output } from '../io.js';
import type { Assignment, RunOptions } from './model-args.js';
import {
  bindPorts,
  checkBatches,
  checkOutputPath,
  dims,
  inputsFit,
  readBoundArrays,
  writeArray,
  type BoundArray,
} from './model-support.js';
import { refuseInputOverwrite, type NamedPath } from './output-paths.js';

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

export interface RunData {
  /** The `--output` bound to each graph output (undefined: not written). */
  readonly outputs: readonly (Assignment | undefined)[];
  /** The input batches, in graph input order. */
  readonly arrays: readonly BoundArray[];
  readonly batch: number;
}

/**
 * Binds the ports, checks that the outputs can be written and overwrite none of the inputs
 * (`sources`: FILE and its imports; --weights, --input), reads the inputs and checks them
 * against every layer; null once it has printed why they do not fit (exit 1).
 */
export async function prepareRunData(
  io: Output,
  graph: Graph,
  o: RunOptions,
  sources: readonly NamedPath[] = [],
): Promise<RunData | null> {
  const inputs = bindPorts('input', 'input', graph.inputs, o.inputs, true);
  const outputs = bindPorts('output', 'output', graph.outputs, o.outputs, false);
  refuseInputOverwrite(
    o.outputs.map((a) => ({ path: a.path, what: '--output' })),
    [
      ...sources,
      ...(o.weights !== undefined ? [{ path: o.weights, what: '--weights' }] : []),
      ...o.inputs.map((a) => ({ path: a.path, what: '--input' })),
    ],
  );
  for (const a of outputs) if (a) checkOutputPath(a.path);
  const arrays = await readBoundArrays(graph.inputs, inputs);
  const batch = checkBatches('input', arrays);
  if (!inputsFit(io, graph, arrays)) return null;
  return { outputs, arrays, batch };
}

/** One line per output (shape and preview), then the outputs asked for, written as .npy. */
export async function reportOutputs(
  io: Output,
  graph: Graph,
  outputs: readonly (Assignment | undefined)[],
  values: readonly { readonly shape: number[]; readonly data: Float32Array }[],
): Promise<void> {
  const width = Math.max(8, ...graph.outputs.map((p) => p.name.length + 1));
  graph.outputs.forEach((p, i) => {
    const { shape, data } = values[i];
    io.out(`${p.name.padEnd(width)} ${dims(shape)}  ${preview(shape, data)}`);
  });
  for (const [i, a] of outputs.entries()) {
    if (!a) continue;
    await writeArray(a.path, values[i].shape, values[i].data);
    io.out(`wrote    ${graph.outputs[i].name} ${dims(values[i].shape)} to ${escapeText(a.path)}`);
  }
}
