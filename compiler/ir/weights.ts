/**
 * Weight values of a graph as plain arrays, keyed by node and weight name, so that compiler
 * passes (batch-norm folding) and exporters (ONNX) can read and rewrite weights without loading
 * TensorFlow.js. Shapes and names are the Keras ones the op registry's `weights()` declares:
 * `conv2d` kernel `[kh, kw, in / groups, filters]`, `dense` kernel `[in, units]`, ...
 */
export interface WeightArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Weights by `weightKey(node name, weight name)`. */
export type GraphWeights = ReadonlyMap<string, WeightArray>;

/** `stage1.block0.conv/kernel`: the IR node's hierarchical name, `/`, the weight's name. */
export const weightKey = (node: string, weight: string): string => `${node}/${weight}`;
