/**
 * `netc compile --target onnx`: one model's graph and weights as ONNX bytes. Imports
 * TensorFlow.js (to make or load the weights): cli/commands/compile.ts loads it lazily.
 */
import type { ExternalData, ExternalDataMode } from '../../codegen/onnx/external-data-plan.js';
import { exportOnnxModel, OnnxExportError } from '../../codegen/onnx/export.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { optimizeForInference } from '../../compiler/passes/index.js';
import { DataError } from '../io.js';
import { netcVersion } from '../version.js';
import { exportDiagnostic } from './onnx-diagnostics.js';
import { describeWeights, graphWeightsFor, type WeightSource } from './onnx-support.js';

export interface OnnxCompileOptions {
  readonly source: WeightSource;
  readonly optimize: boolean;
  readonly opset: number;
  /** `--external-data` forces a data file (`always`); else `auto`. */
  readonly externalData: ExternalDataMode;
}

/** The model bytes and a description for the report, or the diagnostic that stopped it. */
export type OnnxCompileResult =
  | { readonly bytes: Uint8Array; readonly data?: ExternalData; readonly detail: string }
  | { readonly diagnostic: Diagnostic };

/**
 * Makes the weights (without TensorFlow.js), optionally optimizes the
 * graph and folds them, and exports. An error at a node is returned as a diagnostic; weights
 * that do not fit are a `DataError`.
 */
export async function compileOnnx(
  graph: Graph,
  o: OnnxCompileOptions,
  modelFileName: string,
): Promise<OnnxCompileResult> {
  let weights = await graphWeightsFor(graph, o.source);
  let g = graph;
  if (o.optimize) {
    const optimized = optimizeForInference(graph);
    g = optimized.graph;
    weights = optimized.foldWeights(weights);
  }
  try {
    const { model, data } = exportOnnxModel(g, weights, {
      opset: o.opset,
      producerVersion: netcVersion(),
      externalData: o.externalData,
      modelFileName,
    });
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    const size = data
      ? `${mb(model.length)} + ${mb(data.length)} of external data`
      : mb(model.length);
    const optimized = o.optimize ? ', optimized for inference' : '';
    return {
      bytes: model,
      ...(data ? { data } : {}),
      detail: `ONNX opset ${o.opset}, ${size}, ${describeWeights(o.source)}${optimized}`,
    };
  } catch (e) {
    if (!(e instanceof OnnxExportError)) throw e;
    if (e.node) return { diagnostic: exportDiagnostic(e.node, e.message, e.code) };
    throw new DataError(e.message);
  }
}
