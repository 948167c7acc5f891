/**
 * Saving and loading a tfjs model's weights by path: thin wrappers over io/weights-file.ts
 * (which reads and writes `GraphWeights`; see its module comment for the formats and names)
 * and `fillModel` / `readGraphWeights`. The runtime adds only the model topology that a tfjs
 * folder needs for `tf.loadLayersModel`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../compiler/ir/graph.js';
import type { GraphWeights } from '../compiler/ir/weights.js';
import { readWeightsFile, weightsFormat, writeWeightsFile } from '../io/weights-file.js';
import { fillModel, readGraphWeights } from './graph-weights.js';

export {
  tfjsFolder,
  weightsFormat,
  WeightsFileError,
  type WeightsFormat,
} from '../io/weights-file.js';

/**
 * Writes the weights of `model` (built by `buildModel(graph)`) to `path`; a tfjs folder also
 * gets the model's topology (`model.json` as `tf.loadLayersModel` reads it).
 */
export async function saveWeights(
  model: tf.LayersModel,
  graph: Graph,
  path: string,
  metadata?: Record<string, string>,
): Promise<void> {
  const weights = readGraphWeights(model, graph);
  const tfjs = weightsFormat(path) === 'tfjs';
  const modelTopology = tfjs ? (model.toJSON(null, false) as object) : undefined;
  await writeWeightsFile(path, graph, weights, {
    ...(metadata ? { metadata } : {}),
    ...(modelTopology
      ? { modelTopology, generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}` }
      : {}),
  });
}

/**
 * Sets all of the model's weights from `path` and returns them. Throws, leaving the model
 * unchanged: the file system's error for a missing path, `WeightsFileError` /
 * `SafetensorsError` / `TfjsFilesError` for a malformed file, `WeightMismatchError` when names
 * or shapes do not fit the graph.
 */
export async function loadWeights(
  model: tf.LayersModel,
  graph: Graph,
  path: string,
): Promise<GraphWeights> {
  const weights = await readWeightsFile(path, graph);
  fillModel(model, graph, weights);
  return weights;
}
