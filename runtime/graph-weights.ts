/**
 * The one way weights go into (and come out of) a TensorFlow.js model built by
 * `buildModel(graph)`: `fillModel` writes `GraphWeights` (keyed by IR name), `readGraphWeights`
 * copies them back out. Files, seeds and compiler passes all produce `GraphWeights` first.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../compiler/ir/graph.js';
import { weightKey, type GraphWeights, type WeightArray } from '../compiler/ir/weights.js';
import { checkWeights } from '../compiler/weights-check.js';
import { layerNames } from '../compiler/ir/layer-names.js';

/** The short weight name of a tfjs variable: `stage1_conv/kernel` gives `kernel`. */
const shortName = (v: tf.LayerVariable): string => v.originalName.split('/').pop()!;

/** Copies every weight of a model built by `buildModel(graph)` into plain arrays. */
export function readGraphWeights(model: tf.LayersModel, graph: Graph): GraphWeights {
  const names = layerNames(graph.nodes);
  const out = new Map<string, WeightArray>();
  for (const node of graph.nodes) {
    if (node.shares !== undefined) continue;
    const layer = model.getLayer(names.get(node.id)!);
    for (const v of layer.weights) {
      const t = v.read();
      out.set(weightKey(node.name, shortName(v)), {
        shape: [...t.shape],
        data: Float32Array.from(t.dataSync() as Float32Array),
      });
    }
  }
  return out;
}

/**
 * Sets every weight of a model built by `buildModel(graph)` from plain arrays. Every weight the
 * op registry declares must be present with its exact shape, and nothing else (else a
 * `WeightMismatchError` listing every problem), checked before anything is written, so
 * nothing is half-loaded.
 */
export function fillModel(model: tf.LayersModel, graph: Graph, weights: GraphWeights): void {
  checkWeights(graph, weights);
  const names = layerNames(graph.nodes);
  for (const node of graph.nodes) {
    if (node.shares !== undefined) continue;
    for (const v of model.getLayer(names.get(node.id)!).weights) {
      const w = weights.get(weightKey(node.name, shortName(v)));
      if (!w) throw new Error(`internal error: ${v.name} is not a weight of graph ${graph.name}`);
      const t = tf.tensor(w.data, [...w.shape], 'float32');
      v.write(t);
      t.dispose();
    }
  }
}

/** The earlier name of `fillModel` (the same function). */
export const writeGraphWeights = fillModel;
