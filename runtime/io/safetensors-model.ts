/**
 * Exporting and importing the weights of a `tf.LayersModel` as safetensors. Tensors are named by
 * each weight's `originalName` (`<layer name>/<weight name>`, e.g. `dense1/kernel`,
 * `bn/moving_mean`): tfjs's `name` gets a `_1`, `_2`... suffix when another model in the same
 * process already used that layer name, so it would not match across model instances.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from '../../io/safetensors.js';
import { matchWeights } from './weights.js';

/** The stable, per-model names and shapes of `model.weights`, in `model.weights` order. */
export function modelWeightSpecs(model: tf.LayersModel): { name: string; shape: number[] }[] {
  const specs = model.weights.map((w) => ({ name: w.originalName, shape: w.shape.map(Number) }));
  const names = specs.map((s) => s.name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new Error(`model has two weights named '${duplicate}'`);
  return specs;
}

/** The model's weights as a safetensors file (F32, in `model.weights` order). */
export function exportSafetensors(
  model: tf.LayersModel,
  metadata?: Record<string, string>,
): Uint8Array {
  const specs = modelWeightSpecs(model);
  const tensors: NamedTensor[] = model.weights.map((w, i) => {
    if (w.dtype !== 'float32')
      throw new Error(`weight '${specs[i].name}' is ${w.dtype}, not float32`);
    // dataSync may return the backend's own array: copy it.
    const data = Float32Array.from(w.read().dataSync() as Float32Array);
    return { name: specs[i].name, shape: specs[i].shape, data };
  });
  return encodeSafetensors(tensors, metadata);
}

/**
 * Sets all of the model's weights from a safetensors file. Throws (leaving the model unchanged)
 * a `SafetensorsError` for a malformed file or a `WeightMismatchError` listing every missing,
 * unexpected and mis-shaped tensor.
 */
export function importSafetensors(model: tf.LayersModel, bytes: Uint8Array): void {
  const specs = modelWeightSpecs(model);
  const arrays = matchWeights(specs, decodeSafetensors(bytes).tensors);
  tf.tidy(() =>
    model.setWeights(arrays.map((data, i) => tf.tensor(data, specs[i].shape, 'float32'))),
  );
}
