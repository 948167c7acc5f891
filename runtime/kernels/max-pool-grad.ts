import * as tf from '@tensorflow/tfjs';
import type { Attrs } from './composite.js';
import type { HeapBackend } from './host-arrays.js';

/**
 * MaxPoolGrad (`dy`, `input`; attrs `filterSize`, `strides`, `pad`, `dimRoundingMode`) in plain
 * JS on the wasm heap: each output's `dy` goes to the first maximum of its window (row by row, as tfjs's cpu
 * kernel picks it; NaN never wins). One pass over the windows; replaces tfjs-backend-wasm's
 * scalar kernel, which is measured against it in bench/results.md ("MaxPoolGrad").
 */
export const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as HeapBackend;
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const a = attrs as Attrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    a.filterSize as [number, number] | number,
    a.strides as [number, number] | number,
    1,
    a.pad as 'same' | 'valid' | number,
    a.dimRoundingMode as 'floor' | undefined,
  );
  // Views of the wasm heap, taken after the one allocation (a heap that grows detaches them).
  const out = b.makeOutput(input.shape, 'float32');
  const view = (t: tf.TensorInfo) => b.typedArrayFromHeap(t) as Float32Array;
  const dx = view(out);
  dx.fill(0);
  maxPoolBackprop(view(input), view(dy), dx, info);
  return out;
};

/** Adds each `dy` to `dx` at its window's first maximum of `x` (NHWC). */
export function maxPoolBackprop(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const best = new Int32Array(c);
  const bestValue = new Float32Array(c);
  let o = 0;
  for (let n = 0; n < batchSize; n++) {
    const image = n * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(inHeight, oy * sh - top + fh);
      for (let ox = 0; ox < outWidth; ox++, o += c) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(inWidth, ox * sw - left + fw);
        if (y1 - y0 === 2 && x1 - x0 === 2) {
          // A whole 2x2 window (LeNet's pools): its four taps unrolled, in the same order.
          const rowStep = inWidth * c;
          for (let k = 0, a = image + (y0 * inWidth + x0) * c; k < c; k++, a++) {
            let at = -1;
            let v = -Infinity;
            if (x[a] > v) v = x[(at = a)];
            if (x[a + c] > v) v = x[(at = a + c)];
            if (x[a + rowStep] > v) v = x[(at = a + rowStep)];
            if (x[a + rowStep + c] > v) at = a + rowStep + c;
            if (at >= 0) dx[at] += dy[o + k];
          }
          continue;
        }
        best.fill(-1);
        bestValue.fill(-Infinity);
        for (let y = y0; y < y1; y++)
          for (let xx = x0; xx < x1; xx++) {
            const at = image + (y * inWidth + xx) * c;
            for (let k = 0; k < c; k++) {
              const v = x[at + k];
              if (v > bestValue[k]) {
                bestValue[k] = v;
                best[k] = at + k;
              }
            }
          }
        for (let k = 0; k < c; k++) if (best[k] >= 0) dx[best[k]] += dy[o + k];
      }
    }
  }
}
