import type * as tf from '@tensorflow/tfjs';
import { NetcBatchNorm } from './batch-norm.js';
import { NetcConv } from './conv.js';
import { NetcDepthwiseConv } from './depthwise-conv.js';
import { NetcElu } from './elu.js';
import { NetcGlobalPool } from './global-pool.js';
import { NetcScale } from './scale.js';
import { NetcSoftmax } from './softmax.js';
import { NetcSubtract } from './subtract.js';
import { NetcZeroPad1D } from './zero-pad1d.js';
import { NetcZeroPadChannels } from './zero-pad-channels.js';

export { NetcHardSigmoid, tfjsActivation, activationFn } from './activations.js';
export { NetcConv, groupedConv2d } from './conv.js';
export {
  NetcBatchNorm,
  NetcDepthwiseConv,
  NetcElu,
  NetcGlobalPool,
  NetcScale,
  NetcSoftmax,
  NetcSubtract,
  NetcZeroPad1D,
  NetcZeroPadChannels,
};

/**
 * netc's own layers by class name: what a registry lowering's `ctx.custom(className, config)`
 * builds. Every class is also registered with `tf.serialization` for model (de)serialisation.
 */
const customLayers: Record<string, new (args: never) => tf.layers.Layer> = {
  NetcBatchNorm,
  NetcConv,
  NetcDepthwiseConv,
  NetcElu,
  NetcGlobalPool,
  NetcScale,
  NetcSoftmax,
  NetcSubtract,
  NetcZeroPad1D,
  NetcZeroPadChannels,
};

export function customLayer(className: string, config: Record<string, unknown>): tf.layers.Layer {
  const cls = customLayers[className];
  if (!cls) throw new Error(`no netc layer class '${className}'`);
  return new cls(config as never);
}
