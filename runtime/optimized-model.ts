import type * as tf from '@tensorflow/tfjs';
import type { Graph } from '../compiler/ir/graph.js';
import type { GraphWeights } from '../compiler/ir/weights.js';
import { optimizeForInference, type Optimized } from '../compiler/passes/index.js';
import { buildModel } from './build-model.js';
import { readGraphWeights, writeGraphWeights } from './graph-weights.js';

export interface OptimizedModel {
  /** The inference model: BN folded, activations fused, dropout gone. */
  readonly model: tf.LayersModel;
  /** The optimized graph `model` was built from, and what each pass did. */
  readonly optimized: Optimized;
}

/**
 * Builds the inference-optimized model of `graph` with the weights of `source`: a model built by
 * `buildModel(graph)` (trained, loaded or freshly initialised) or its weights as plain arrays.
 * The two models compute the same function up to float rounding; `source` is left as it is.
 */
export function buildOptimizedModel(
  graph: Graph,
  source: tf.LayersModel | GraphWeights,
): OptimizedModel {
  const optimized = optimizeForInference(graph);
  const weights =
    source instanceof Map ? source : readGraphWeights(source as tf.LayersModel, graph);
  const model = buildModel(optimized.graph);
  try {
    writeGraphWeights(model, optimized.graph, optimized.foldWeights(weights));
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, optimized };
}
