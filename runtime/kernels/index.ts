import * as tf from '@tensorflow/tfjs';
import { fusedBatchNormGrad } from './batch-norm-grad.js';
import { conv2dBackpropFilter, conv2dBackpropInput } from './conv2d-backprop.js';
import { conv2dForward } from './conv2d-forward.js';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise-backprop.js';
import { sharedIdentity } from './identity.js';
import { fastBatchMatMul } from './matmul.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { reluGrad } from './relu-grad.js';
import { fastReverse } from './reverse.js';
import { leadingAxesSum } from './sum.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

/** Kernels that tfjs-backend-wasm 4.22 lacks: registered where the backend has none. */
const missing: [string, tf.KernelFunc][] = [
  ['Conv2DBackpropFilter', conv2dBackpropFilter],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput],
  ['UnsortedSegmentSum', unsortedSegmentSum],
];

let registered = false;
const replaced = new Map<string, tf.KernelFunc>();

/** The backend's own kernel that {@link registerWasmGradientKernels} replaced (for benches). */
export function originalWasmKernel(kernelName: string): tf.KernelFunc | undefined {
  return replaced.get(kernelName);
}

/**
 * Registers, for `wasm`, the gradient kernels the backend lacks (Conv2DBackpropFilter, the
 * depthwise backprops, UnsortedSegmentSum), faster ones where the backend's are naive loops
 * (Conv2DBackpropInput, BatchMatMul with transposes or batches, MaxPoolGrad, Reverse, Sum over
 * leading axes), a Conv2D by one matMul where a new large filter costs more to re-lay out than
 * the columns do (conv2d-forward.ts), an Identity that shares its input's data instead of
 * copying it, a FusedBatchNorm gradient without a Tile and a Relu gradient without a Cast.
 * Idempotent.
 */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  for (const [kernelName, kernelFunc] of missing) {
    if (!tf.getKernel(kernelName, 'wasm'))
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  replace('Conv2D', (original) => conv2dForward(original));
  replace('Conv2DBackpropInput', (original) => conv2dBackpropInput(original));
  replace('BatchMatMul', (original) => fastBatchMatMul(original));
  replace('MaxPoolGrad', () => maxPoolGrad);
  replace('Reverse', (original) => fastReverse(original));
  replace('Identity', (original) => sharedIdentity(original));
  replace('Sum', (original) => leadingAxesSum(original));
  for (const grad of [fusedBatchNormGrad, reluGrad]) {
    tf.unregisterGradient(grad.kernelName);
    tf.registerGradient(grad);
  }
}

/** Swaps the wasm kernel `kernelName` for `make(original)`, keeping its setup and dispose. */
function replace(kernelName: string, make: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config) return;
  replaced.set(kernelName, config.kernelFunc);
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: make(config.kernelFunc) });
}
