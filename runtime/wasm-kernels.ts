/**
 * Gradient kernels for tfjs-backend-wasm 4.22, one file per kernel family in runtime/kernels/:
 * the ones it lacks (Conv2DBackpropFilter, the depthwise backprops, UnsortedSegmentSum) and
 * faster ones where its own are naive loops. See runtime/kernels/index.ts.
 */
export { registerWasmGradientKernels } from './kernels/index.js';
