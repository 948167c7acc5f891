/**
 * What `netc compile --target onnx` and `netc run --engine onnxruntime` share: the graph's
 * weights as plain arrays (from a weights file, or initialised from a seed, through the
 * TensorFlow.js model `netc run` would build), and ONNX failures turned into diagnostics or
 * exit codes. Imports TensorFlow.js: loaded lazily.
 */
import { OnnxExportError } from '../../codegen/onnx/export.js';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import { buildModel } from '../../runtime/build-model.js';
import { OnnxRuntimeUnavailableError } from '../../engines/onnxruntime-loader.js';
import { readGraphWeights } from '../../runtime/graph-weights.js';
import { DataError, type Output } from '../io.js';
import { printDiagnostics } from './check.js';
import type { Backend } from './model-args.js';
import { startBackend } from './model-support.js';
import { loadWeightsFrom } from './weights.js';
import { exportDiagnostic } from './onnx-diagnostics.js';

/** Where weights come from: a file, else a seed, else tfjs's unseeded initialisers. */
export interface WeightSource {
  readonly weights?: string;
  readonly seed?: number;
}

/** `weights from PATH`, `initial weights from --seed N`, ... for reports. */
export function describeWeights(source: WeightSource): string {
  if (source.weights) return `weights from ${source.weights}`;
  if (source.seed !== undefined) return `initial weights from --seed ${source.seed}`;
  return 'random initial weights (no --weights or --seed)';
}

/**
 * The graph's weights, read from the tfjs model built with `buildModel(graph, { seed })` after
 * loading `source.weights` into it (same formats and checks as `netc run`).
 */
export async function graphWeightsFor(
  graph: Graph,
  source: WeightSource,
  backend: Backend,
): Promise<GraphWeights> {
  await startBackend(backend);
  const model = buildModel(graph, { seed: source.seed });
  try {
    if (source.weights) await loadWeightsFrom(model, source.weights);
    return readGraphWeights(model, graph);
  } finally {
    model.dispose();
  }
}

/**
 * Reports an ONNX failure: an export error at a node as a located diagnostic (returns exit
 * status 1); other export errors and a missing onnxruntime-node as a `DataError` (exit 1).
 * Anything else is rethrown.
 */
export function reportOnnxFailure(io: Output, e: unknown): number {
  if (e instanceof OnnxExportError && e.node) {
    printDiagnostics(io, [exportDiagnostic(e.node, e.message, e.code)], 'text');
    return 1;
  }
  if (e instanceof OnnxExportError || e instanceof OnnxRuntimeUnavailableError) {
    throw new DataError(e.message);
  }
  throw e;
}
