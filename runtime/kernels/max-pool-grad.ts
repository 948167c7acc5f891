import * as tf from '@tensorflow/tfjs';
import type { Attrs } from './composite.js';
import type { HeapBackend } from './host-arrays.js';
import { hostTask, runParts, splitRange } from './parts.js';

/**
 * MaxPoolGrad (`dy`, `input`, `output`; attrs `filterSize`, `strides`, `pad`, `dimRoundingMode`)
 * in plain JS on the wasm heap: each output's `dy` goes to the first maximum of its window (row
 * by row, as tfjs's cpu kernel picks it; NaN never wins). The maximum is known (`output`, the
 * forward's), so each window is searched for the first tap equal to it, and the other taps only
 * checked not to be above it: branches that nearly always go one way, where comparing running
 * maxima mispredicts at every new maximum. Side by side with the comparing version (scratch
 * benchmark, 15 rounds): 1.3x for LeNet-BN's 2x2 pools, 1.1-1.3x for ResNet-18's 3x3/2, 1.08x for
 * the ECG ResNet's. A window with a tap above the forward's maximum or without a tap equal to it
 * is searched by comparison: with a NaN in a window, XNNPACK's maximum need not be the window's
 * (two of the NaN cases in tests/runtime/wasm-train-kernels.test.ts show it).
 * Replaces tfjs-backend-wasm's scalar kernel, which is measured against it in bench/results.md
 * ("MaxPoolGrad"). On the threaded backend the images are split between the main thread and
 * the JS helpers (runtime/kernels/host-pool.ts).
 */
export const maxPoolGrad: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as HeapBackend;
  const { dy, input, output } = inputs as Record<'dy' | 'input' | 'output', tf.TensorInfo>;
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
  const [xs, ys, dys] = [view(input), view(output), view(dy)];
  // Images apart: each part writes its own images' dx (runtime/kernels/host-pool.ts).
  const per = info.inHeight * info.inWidth * info.inChannels;
  runParts(
    backpropTask,
    splitRange(info.batchSize * per, per).map(([s, e]): Parameters<typeof maxPoolBackprop> => [
      xs,
      ys,
      dys,
      dx,
      info,
      s / per,
      e / per,
    ]),
  );
  return out;
};

/** The first tap of `taps` (offsets from `at`) that holds the largest value of `x`, or -1. */
function firstMax(x: Float32Array, at: number, taps: Int32Array, count: number): number {
  let best = -1;
  let v = -Infinity;
  for (let t = 0; t < count; t++) {
    const p = at + taps[t];
    if (x[p] > v) v = x[(best = p)];
  }
  return best;
}

/** `taps` set to a 2x2 window's offsets (channel step `c`, row step `r`). */
function square(taps: Int32Array, c: number, r: number): Int32Array {
  taps[0] = 0;
  taps[1] = c;
  taps[2] = r;
  taps[3] = r + c;
  return taps;
}

/** Adds each `dy` to `dx` at its window's first maximum of `x` (NHWC; `y`: the forward's maxima). */
export function maxPoolBackprop(
  x: Float32Array,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  firstImage = 0,
  endImage = info.batchSize,
): void {
  const { inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const taps = new Int32Array(fh * fw);
  let o = firstImage * outHeight * outWidth * c;
  for (let n = firstImage; n < endImage; n++) {
    const image = n * inHeight * inWidth * c;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = Math.max(0, oy * sh - top);
      const y1 = Math.min(inHeight, oy * sh - top + fh);
      for (let ox = 0; ox < outWidth; ox++, o += c) {
        const x0 = Math.max(0, ox * sw - left);
        const x1 = Math.min(inWidth, ox * sw - left + fw);
        const base = image + (y0 * inWidth + x0) * c;
        if (y1 - y0 === 2 && x1 - x0 === 2) {
          // A whole 2x2 window (LeNet's pools): its four taps unrolled, in the same order.
          const r = inWidth * c;
          for (let k = 0, at = base; k < c; k++, at++) {
            const m = y[o + k];
            const v0 = x[at];
            const v1 = x[at + c];
            const v2 = x[at + r];
            const v3 = x[at + r + c];
            // The first tap equal to the forward's maximum, unless a tap is above it (a NaN).
            const p =
              v0 > m || v1 > m || v2 > m || v3 > m
                ? firstMax(x, at, square(taps, c, r), 4)
                : v0 === m
                  ? at
                  : v1 === m
                    ? at + c
                    : v2 === m
                      ? at + r
                      : v3 === m
                        ? at + r + c
                        : firstMax(x, at, square(taps, c, r), 4);
            if (p >= 0) dx[p] += dy[o + k];
          }
          continue;
        }
        // The window's taps, row by row, as offsets from its first element.
        let count = 0;
        for (let yy = y0; yy < y1; yy++)
          for (let xx = x0; xx < x1; xx++) taps[count++] = ((yy - y0) * inWidth + (xx - x0)) * c;
        for (let k = 0; k < c; k++) {
          const m = y[o + k];
          const at = base + k;
          // The first tap equal to the forward's maximum, unless a tap is above it (a NaN).
          let above = false;
          let t = 0;
          for (; t < count; t++) {
            const v = x[at + taps[t]];
            if (v === m) break;
            above ||= v > m;
          }
          for (let u = t + 1; u < count; u++) above ||= x[at + taps[u]] > m;
          const p = t < count && !above ? at + taps[t] : firstMax(x, at, taps, count);
          if (p >= 0) dx[p] += dy[o + k];
        }
      }
    }
  }
}

const backpropTask = hostTask(maxPoolBackprop, { firstMax, square });
