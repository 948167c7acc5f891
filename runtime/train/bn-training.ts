/**
 * Batch norm without a learned scale or offset (`scale: false` or `center: false`, as Keras'
 * Inception-v3 and Inception-ResNet-v2 have) in training mode. tfjs-layers 4.22's
 * `BatchNormalization` reads `gamma` and `beta` unconditionally in its training branch
 * (`normalizeBatchInTraining(input, this.gamma.read(), this.beta.read(), ...)`), so one
 * training step of such a model throws. `fit` gives those layers a training branch of their
 * own, the same computation with the missing factor 1 and offset 0: the batch's mean and
 * (biased) variance over every axis but the feature axis, `(x - mean) / sqrt(variance +
 * epsilon)` in plain ops (tf.batchNorm's gradient needs the scale input), and the moving
 * averages updated as tfjs does (`moving -= (moving - batch) * (1 - momentum)`). Inference
 * stays tfjs's.
 */
import * as tf from '@tensorflow/tfjs';
import { FastBatchNormalization } from '../layers/batch-norm.js';

interface BatchNormLayer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly gamma?: tf.LayerVariable | null;
  readonly beta?: tf.LayerVariable | null;
  readonly movingMean: tf.LayerVariable;
  readonly movingVariance: tf.LayerVariable;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

const fixedLayers = new WeakSet<object>();

/** Gives every batch norm of `model` lacking gamma or beta a working training mode; the count. */
export function fixBatchNormTraining(model: tf.LayersModel): number {
  let fixed = 0;
  for (const layer of model.layers) {
    // netc's own layer (runtime/layers/batch-norm.ts) trains without gamma or beta already.
    if (layer.getClassName() !== 'BatchNormalization' || layer instanceof FastBatchNormalization)
      continue;
    const bn = layer as unknown as BatchNormLayer;
    if ((bn.gamma && bn.beta) || fixedLayers.has(layer)) continue;
    fixedLayers.add(layer);
    const inference = bn.call.bind(layer);
    bn.call = (inputs, kwargs) => {
      if (kwargs.training !== true) return inference(inputs, kwargs);
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const axis = bn.axis >= 0 ? bn.axis : bn.axis + x.rank;
        const axes = [...Array(x.rank).keys()].filter((a) => a !== axis);
        const shape = x.shape.map((d, a) => (a === axis ? d : 1));
        const { mean, variance } = tf.moments(x, axes, true);
        const along = (v: tf.LayerVariable | null | undefined) =>
          v ? tf.reshape(v.read(), shape) : undefined;
        // Plain ops, not tf.batchNorm: its gradient saves the scale input, which is absent here.
        let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, bn.epsilon)));
        const gamma = along(bn.gamma);
        const beta = along(bn.beta);
        if (gamma) y = tf.mul(y, gamma);
        if (beta) y = tf.add(y, beta);
        const update = (v: tf.LayerVariable, batch: tf.Tensor) =>
          tf.tidy(() => {
            const old = v.read();
            v.write(
              tf.sub(old, tf.mul(tf.sub(old, tf.reshape(batch, old.shape)), 1 - bn.momentum)),
            );
          });
        update(bn.movingMean, mean);
        update(bn.movingVariance, variance);
        return y;
      });
    };
    fixed++;
  }
  return fixed;
}
