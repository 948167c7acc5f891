import * as tf from '@tensorflow/tfjs';
import type { HeapBackend } from './host-arrays.js';

/**
 * Reverse (`x`; attr `dims`) in plain JS on the wasm heap, one block copy per row of the axes up
 * to the last reversed one: tfjs-backend-wasm 4.22 computes every element's source index on its
 * own (93 ms for a 3x3x512x512 filter flipped in its two leading axes, which every 3x3 input
 * gradient needs; bench/train-kernels.ts measures both). Other dtypes (string, complex) go to
 * the backend's own kernel.
 */
export function fastReverse(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') return original(args);
    const b = args.backend as HeapBackend;
    const dims = (args.attrs as { dims: number | number[] }).dims;
    const axes = new Set(tf.util.parseAxisParam(dims, x.shape));
    // Views of the wasm heap, taken after the one allocation (a heap that grows detaches them).
    const out = b.makeOutput(x.shape, x.dtype);
    const to = b.typedArrayFromHeap(out);
    const from = b.typedArrayFromHeap(x);
    reverseInto(from, to, x.shape, axes);
    return out;
  };
}

/** Writes `from` (of `shape`, row-major) reversed along `axes` into `to`. */
export function reverseInto(
  from: tf.TypedArray,
  to: tf.TypedArray,
  shape: readonly number[],
  axes: ReadonlySet<number>,
): void {
  const last = Math.max(-1, ...[...axes].filter((a) => shape[a] > 1));
  if (last < 0) {
    to.set(from);
    return;
  }
  let inner = 1;
  for (let a = last + 1; a < shape.length; a++) inner *= shape[a];
  if (inner === 0) return;
  const strides = new Array<number>(last + 1);
  let s = inner;
  for (let a = last; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a];
  }
  const index = new Array<number>(last + 1).fill(0);
  const rows = s / inner;
  for (let row = 0, dst = 0; row < rows; row++, dst += inner) {
    let src = 0;
    for (let a = 0; a <= last; a++)
      src += (axes.has(a) ? shape[a] - 1 - index[a] : index[a]) * strides[a];
    if (inner === 1) to[dst] = from[src];
    else to.set(from.subarray(src, src + inner), dst);
    for (let a = last; a >= 0; a--) {
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
}
