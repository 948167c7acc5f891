import * as tf from '@tensorflow/tfjs';
import { channelSumsParts } from './batch-norm-train.js';
import type { HeapBackend } from './host-arrays.js';

/** Above this many sums per row, rows are added whole (a channel walk would touch one per block). */
const WALK_MAX = 1024;

/**
 * Sum over leading axes (float32) in plain JS on the wasm heap, e.g. a bias gradient: the output
 * gradient `[n, h, w, c]` summed over `[0, 1, 2]`. tfjs-backend-wasm 4.22 first transposes the
 * reduced axes last, a full copy through its slow transpose (27 ms for D2L ResNet-18's
 * `[32, 48, 48, 64]`). Each sum walks its column in float64 (sums of many float32 values lose
 * less); other reductions and dtypes go to the backend's own kernel.
 */
export function leadingAxesSum(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    const k = axes.length;
    if (x.dtype !== 'float32' || k === 0 || k === x.shape.length || axes[k - 1] !== k - 1)
      return original(args);
    const rest = x.shape.slice(k);
    const c = tf.util.sizeFromShape(rest);
    const sums = new Float64Array(c);
    const b = args.backend as HeapBackend;
    const out = b.makeOutput(keepDims ? [...axes.map(() => 1), ...rest] : rest, 'float32');
    // Views of the wasm heap, taken after the one allocation (a heap that grows detaches them).
    const from = b.typedArrayFromHeap(x) as Float32Array;
    if (c <= WALK_MAX) channelSumsParts(from, c, 1, new Float64Array(c), sums);
    else
      for (let r = 0; r < from.length; r += c) for (let j = 0; j < c; j++) sums[j] += from[r + j];
    b.typedArrayFromHeap(out).set(sums);
    return out;
  };
}
