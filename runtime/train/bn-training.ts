/**
 * Batch norm without a learned scale or offset (`scale: false` or `center: false`, as Keras'
 * Inception-v3 and Inception-ResNet-v2 have) in training mode. tfjs-layers 4.22's
 * `BatchNormalization` reads `gamma` and `beta` unconditionally in its training branch
 * (`normalizeBatchInTraining(input, this.gamma.read(), this.beta.read(), ...)`), so one
 * training step of such a model throws. netc's own layer (`FastBatchNormalization`,
 * runtime/layers/batch-norm.ts) trains without them; `fit` gives plain tfjs layers lacking them
 * (a compiled module's, say) the same training call. Inference stays tfjs's.
 */
import type * as tf from '@tensorflow/tfjs';
import { batchNormTrainingCall, FastBatchNormalization } from '../layers/batch-norm.js';

interface BatchNormLayer {
  readonly gamma?: tf.LayerVariable | null;
  readonly beta?: tf.LayerVariable | null;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

const fixedLayers = new WeakSet<object>();

/** Gives every batch norm of `model` lacking gamma or beta a working training mode; the count. */
export function fixBatchNormTraining(model: tf.LayersModel): number {
  let fixed = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization' || layer instanceof FastBatchNormalization)
      continue;
    const bn = layer as unknown as BatchNormLayer;
    if ((bn.gamma && bn.beta) || fixedLayers.has(layer)) continue;
    fixedLayers.add(layer);
    const inference = bn.call.bind(layer);
    bn.call = (inputs, kwargs) =>
      kwargs.training === true ? batchNormTrainingCall(layer, inputs) : inference(inputs, kwargs);
    fixed++;
  }
  return fixed;
}
