/**
 * A tfjs model's weights as safetensors bytes and back: `readGraphWeights` / `fillModel` around
 * io/weights-file.ts's codec, so tensors are keyed by IR name (`<node name>/<weight>`) and a
 * file that does not fit the graph changes nothing.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import { decodeWeightsSafetensors, encodeWeightsSafetensors } from '../../io/weights-file.js';
import { fillModel, readGraphWeights } from '../graph-weights.js';

/** The weights of `model` (built by `buildModel(graph)`) as a safetensors file (F32). */
export function exportSafetensors(
  model: tf.LayersModel,
  graph: Graph,
  metadata?: Record<string, string>,
): Uint8Array {
  return encodeWeightsSafetensors(graph, readGraphWeights(model, graph), metadata);
}

/**
 * Sets all of the model's weights from a safetensors file. Throws (leaving the model unchanged)
 * a `SafetensorsError` for a malformed file or a `WeightMismatchError` listing every missing,
 * unexpected and mis-shaped tensor.
 */
export function importSafetensors(model: tf.LayersModel, graph: Graph, bytes: Uint8Array): void {
  fillModel(model, graph, decodeWeightsSafetensors(bytes, graph));
}
