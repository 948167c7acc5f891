/**
 * What `netc compile --target onnx` and `netc run --engine onnxruntime` share: the graph's
 * weights as plain arrays (read from a weights file, or initialised from a seed, without
 * TensorFlow.js), and ONNX failures turned into diagnostics or exit codes.
 */
import { OnnxExportError } from '../../codegen/onnx/export.js';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import { OnnxRuntimeUnavailableError } from '../../engines/onnxruntime-loader.js';
import { initialWeights } from '../../compiler/initial-weights.js';
import { describeWeights, type WeightSource } from '../../io/weights-file.js';
import { DataError, type Output } from '../io.js';
import { printDiagnostics } from './check.js';
import { readWeightsFrom } from './weights.js';
import { exportDiagnostic } from './onnx-diagnostics.js';

export { describeWeights, type WeightSource };

/**
 * The graph's weights: read from `source.weights` (same formats and checks as `netc run`), else
 * `initialWeights(graph, source.seed)`, else initial weights from a random seed.
 */
export async function graphWeightsFor(graph: Graph, source: WeightSource): Promise<GraphWeights> {
  if (source.weights) return readWeightsFrom(graph, source.weights);
  return initialWeights(graph, source.seed ?? Math.floor(Math.random() * 2 ** 32));
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
