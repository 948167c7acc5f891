import type { OpDef } from './op.js';
import { input } from './input.js';
import { conv1d, conv2d, depthwiseConv2d, separableConv2d } from './conv.js';
import { conv1dTranspose, conv2dTranspose } from './conv-transpose.js';
import { dense } from './dense.js';
import { batchNorm, layerNorm } from './normalization.js';
import { activationOps } from './activations.js';
import { dropout, dropPath, spatialDropout1d, spatialDropout2d } from './dropout.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from './pooling.js';
import {
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
} from './global-pooling.js';
import { zeroPad1d, zeroPad2d, zeroPadChannels } from './padding.js';
import { flatten, permute, repeatVector, reshape } from './reshape.js';
import { upsampling2d } from './upsampling.js';
import { add, divide, multiply, scale, subtract } from './merging.js';
import { concat } from './concat.js';
import { embedding } from './embedding.js';
import { slice } from './slice.js';
import { einsum } from './einsum.js';
import { transpose } from './transpose.js';
import { expandDims, squeeze } from './squeeze.js';
import { cropping1d, cropping2d } from './cropping.js';
import { resizing } from './resizing.js';
import { normalization, rescaling } from './preprocessing.js';
import { matmul } from './matmul.js';
// Attention (issue 13).
import { multiHeadAttention } from './attention.js';
// Learned tensors (issue 13).
import { weight } from './weight.js';
// Group normalization (issue 13).
import { groupNorm } from './group-norm.js';
// Recurrent layers (issue 14).
import { recurrentOps } from './recurrent-ops.js';
// Masking of padded steps (issue 14).
import { maskingOps } from './masking.js';
// Position embeddings (issue 13).
import { positionEmbedding } from './position-embedding.js';

/**
 * Every primitive op, in documentation order. Adding an op = one file exporting an `OpDef`,
 * and one line here.
 */
export const allOps: readonly OpDef[] = [
  input,
  // Learned tensors (issue 13).
  weight,
  conv1d,
  conv2d,
  depthwiseConv2d,
  separableConv2d,
  conv2dTranspose,
  conv1dTranspose,
  dense,
  batchNorm,
  layerNorm,
  // Group normalization (issue 13).
  groupNorm,
  rescaling,
  normalization,
  ...activationOps,
  dropout,
  spatialDropout1d,
  spatialDropout2d,
  dropPath,
  maxPool1d,
  avgPool1d,
  maxPool2d,
  avgPool2d,
  globalMaxPool1d,
  globalAvgPool1d,
  globalMaxPool2d,
  globalAvgPool2d,
  zeroPad1d,
  zeroPad2d,
  zeroPadChannels,
  cropping1d,
  cropping2d,
  flatten,
  reshape,
  permute,
  repeatVector,
  transpose,
  squeeze,
  expandDims,
  upsampling2d,
  resizing,
  add,
  subtract,
  multiply,
  divide,
  scale,
  concat,
  matmul,
  einsum,
  embedding,
  slice,
  // Attention (issue 13).
  multiHeadAttention,
  // Recurrent layers (issue 14): lstm, gru, simple_rnn.
  ...recurrentOps,
  // Masking of padded steps (issue 14): masking, step_mask.
  ...maskingOps,
  // Position embeddings (issue 13): the first T rows of a learned table.
  positionEmbedding,
];

const byName = new Map(allOps.map((op) => [op.name, op]));

export function getOp(name: string): OpDef | undefined {
  return byName.get(name);
}

export function opNames(): string[] {
  return [...byName.keys()];
}
