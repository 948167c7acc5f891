import type * as tf from '@tensorflow/tfjs';
import type { CustomLayerConfigs, CustomLayerName } from '../../compiler/ops/custom-layers.js';
import { NetcConvTranspose } from './conv-transpose.js';
import { FastBatchNormalization, NetcBatchNorm } from './batch-norm.js';
import { NetcBroadcast } from './broadcast.js';
import { NetcConv } from './conv.js';
import { FastConv2D } from './fast-conv2d.js';
import { NetcDepthwiseConv } from './depthwise-conv.js';
import { NetcElu } from './elu.js';
import { NetcGlobalPool } from './global-pool.js';
import { NetcScale } from './scale.js';
import { NetcSlice } from './slice.js';
import { NetcSoftmax } from './softmax.js';
import { NetcSubtract } from './subtract.js';
import { NetcZeroPad1D } from './zero-pad1d.js';
import { NetcZeroPadChannels } from './zero-pad-channels.js';
import { NetcMatMul } from './matmul.js';
import { NetcEinsum } from './einsum.js';
import { NetcAxisReshape } from './axis-reshape.js';
import { NetcCropping1D } from './cropping1d.js';
import { NetcResize } from './resize.js';
import { NetcNormalization, NetcRescaling } from './preprocessing.js';
import { NetcAttention } from './attention.js';
// Learned tensors (issue 13).
import { NetcWeight } from './weight.js';
// Group normalization (issue 13).
import { NetcGroupNorm } from './group-norm.js';
// Recurrent layers (issue 14).
import { NetcRecurrent } from './recurrent.js';
// Tied embeddings (issue 13).
import { NetcEmbedding } from './embedding.js';
// Masking of padded steps (issue 14).
import { NetcMasking, NetcStepMask } from './masking.js';
// Position embeddings (issue 13).
import { NetcPositionEmbedding } from './position-embedding.js';

export { NetcHardSigmoid, NetcHardSwish, tfjsActivation, activationFn } from './activations.js';
export { NetcConv, groupedConv2d } from './conv.js';
export {
  FastBatchNormalization,
  FastConv2D,
  NetcBatchNorm,
  NetcBroadcast,
  NetcConvTranspose,
  NetcDepthwiseConv,
  NetcElu,
  NetcGlobalPool,
  NetcScale,
  NetcSlice,
  NetcSoftmax,
  NetcSubtract,
  NetcZeroPad1D,
  NetcZeroPadChannels,
  NetcMatMul,
  NetcEinsum,
  NetcAxisReshape,
  NetcCropping1D,
  NetcResize,
  NetcRescaling,
  NetcNormalization,
  NetcAttention,
  NetcWeight,
  NetcGroupNorm,
  NetcRecurrent,
  NetcEmbedding,
  NetcStepMask,
  NetcMasking,
  NetcPositionEmbedding,
};

/**
 * netc's own layers by class name: what a registry lowering's `ctx.custom(className, config)`
 * builds. Every class is also registered with `tf.serialization` for model (de)serialisation.
 * Each constructor must take its `CustomLayerConfigs` entry, which the type checks.
 */
const customLayers: {
  [K in CustomLayerName]: new (args: CustomLayerConfigs[K]) => tf.layers.Layer;
} = {
  NetcBatchNorm,
  NetcBroadcast,
  NetcConv,
  NetcConvTranspose,
  NetcDepthwiseConv,
  NetcElu,
  NetcGlobalPool,
  NetcScale,
  NetcSlice,
  NetcSoftmax,
  NetcSubtract,
  NetcZeroPad1D,
  NetcZeroPadChannels,
  NetcMatMul,
  NetcEinsum,
  NetcAxisReshape,
  NetcCropping1D,
  NetcResize,
  NetcRescaling,
  NetcNormalization,
  NetcAttention,
  NetcWeight,
  NetcGroupNorm,
  NetcRecurrent,
  NetcEmbedding,
  NetcStepMask,
  NetcMasking,
  NetcPositionEmbedding,
};

/** Builds netc layer `className` from its typed config. */
export function customLayer<K extends CustomLayerName>(
  className: K,
  config: CustomLayerConfigs[K],
): tf.layers.Layer {
  const cls: new (args: CustomLayerConfigs[K]) => tf.layers.Layer = customLayers[className];
  if (!cls) throw new Error(`no netc layer class '${className}'`);
  return new cls(config);
}
