import * as tf from '@tensorflow/tfjs';
import {
  composite,
  geometry,
  type Attrs,
  padded,
  spreadWithTail,
  tap,
  taps,
  type Geometry,
} from './composite.js';
import { hostView, newTensor } from './host-arrays.js';

/**
 * The filter gradient of a 2-D convolution as one forward convolution with batch and channels
 * swapped: `x` as `[c, h, w, b]` convolved with `dy` as an `[oh, ow, b, co]` filter, dilated by
 * the stride (stride 1, as the convolution had dilation 1), gives `[c, kh, kw, co]`. XNNPACK
 * runs it as one threaded GEMM over all positions and images.
 */
export function filterBySwappedConv(x: tf.Tensor4D, dy: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const needH = (g.kh - 1) * g.dh + (g.oh - 1) * g.sh + 1;
  const needW = (g.kw - 1) * g.dw + (g.ow - 1) * g.sw + 1;
  const bottom = Math.max(0, needH - g.top - g.h);
  const right = Math.max(0, needW - g.left - g.w);
  let out = tf.conv2d(
    tf.transpose(x, [3, 1, 2, 0]),
    tf.transpose(dy, [1, 2, 0, 3]),
    1,
    [
      [0, 0],
      [g.top, bottom],
      [g.left, right],
      [0, 0],
    ],
    'NHWC',
    [g.sh, g.sw],
  );
  if (out.shape[1] !== g.kh || out.shape[2] !== g.kw)
    out = tf.slice(out, [0, 0, 0, 0], [g.c, g.kh, g.kw, -1]);
  return tf.transpose(out, [1, 2, 0, 3]);
}

/** The filter gradient one kernel tap at a time: a strided slice and a matMul per tap. */
export function filterByTaps(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: Geometry,
  filterShape: [number, number, number, number],
): tf.Tensor4D {
  const xp = padded(x, g);
  const co = filterShape[3];
  const dy2 = tf.reshape(dy, [-1, co]) as tf.Tensor2D;
  const per = taps(g, (i, j) =>
    tf.matMul(tf.reshape(tap(xp, g, i, j), [-1, g.c]) as tf.Tensor2D, dy2, true, false),
  );
  return tf.reshape(tf.stack(per), filterShape);
}

/**
 * The input's columns, transposed: `[kh * kw * c, b * oh * ow]`, row (i, j, channel) holding
 * what that tap meets at every output position (zeros in the padding). Plain JS on the heap.
 */
export function columnsTransposed(x: tf.Tensor4D, g: Geometry): tf.Tensor2D {
  const m = g.b * g.oh * g.ow;
  return newTensor([g.kh * g.kw * g.c, m], (out) => {
    const xv = hostView(x);
    let dst = 0;
    for (let i = 0; i < g.kh; i++)
      for (let j = 0; j < g.kw; j++)
        for (let ch = 0; ch < g.c; ch++)
          for (let b = 0; b < g.b; b++)
            for (let y = 0; y < g.oh; y++) {
              const iy = y * g.sh + i * g.dh - g.top;
              if (iy < 0 || iy >= g.h) {
                out.fill(0, dst, dst + g.ow);
                dst += g.ow;
                continue;
              }
              const base = (b * g.h + iy) * g.w * g.c + ch;
              for (let ox = 0; ox < g.ow; ox++, dst++) {
                const ix = ox * g.sw + j * g.dw - g.left;
                out[dst] = ix < 0 || ix >= g.w ? 0 : xv[base + ix * g.c];
              }
            }
  }) as tf.Tensor2D;
}

/**
 * The filter gradient as one matMul, the input's transposed columns times `dy` as it lies
 * (`[b * oh * ow, co]`): netc's choice when the columns are smaller than `dy` (`kh * kw * c <
 * co`), which the swapped convolution transposes twice: ResNet-18's 7x7/2 stem on one channel
 * into 64 2x faster, its 1x1/2 shortcuts 4x; LeNet's 5x5 into 6 channels, where `dy` is the
 * smaller, 2x slower (bench/conv-grads.ts, bench/kernels-vs-ref.ts).
 */
export function filterByColumns(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: Geometry,
  filterShape: [number, number, number, number],
): tf.Tensor4D {
  const dy2 = tf.reshape(dy, [-1, filterShape[3]]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(columnsTransposed(x, g), dy2), filterShape);
}

/** Conv2DBackpropFilter (`x`, `dy`; attrs as Conv2D's plus `filterShape`). */
export const conv2dBackpropFilter = composite(({ x, dy }, attrs) => {
  const filterShape = attrs.filterShape as [number, number, number, number];
  const g = geometry(x.shape, filterShape, attrs, false);
  const [x4, dy4] = [x as tf.Tensor4D, dy as tf.Tensor4D];
  if (g.kh * g.kw * g.c < filterShape[3]) return filterByColumns(x4, dy4, g, filterShape);
  // tf.conv2d takes a stride or a dilation, not both.
  if (g.dh === 1 && g.dw === 1) return filterBySwappedConv(x4, dy4, g);
  return filterByTaps(x4, dy4, g, filterShape);
});

/**
 * Conv2DBackpropInput (`dy`, `filter`; attrs as Conv2D's plus `inputShape`) for wasm: one
 * forward convolution of `dy` by the stride's phases ({@link inputByConv}); a 1x1 kernel is a
 * matMul spread by the stride ({@link inputBy1x1}); the backend's own kernel (a naive loop) for
 * NCHW only. Even a 7x7/2 stem on one channel, which the naive loop suits best, runs 7x faster
 * by phases (32x96x96x1 into 64: 188 -> 26 ms; on 3 channels 638 -> 62 ms).
 */
export function conv2dBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  const fast = composite(({ dy, filter }, attrs) => {
    const inputShape = attrs.inputShape as [number, number, number, number];
    const g = geometry(inputShape, filter.shape as [number, number, number, number], attrs, false);
    return g.kh === 1 && g.kw === 1
      ? inputBy1x1(dy as tf.Tensor4D, filter as tf.Tensor4D, g)
      : inputByConv(dy as tf.Tensor4D, filter as tf.Tensor4D, g);
  });
  return (args) => ((args.attrs as Attrs).dataFormat === 'NCHW' ? original(args) : fast(args));
}

/** The input gradient of a 1x1 convolution: `dy` times the filter transposed, spread by the stride. */
export function inputBy1x1(dy: tf.Tensor4D, filter: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const ci = filter.shape[2];
  const t = tf.conv2d(dy, tf.transpose(filter, [0, 1, 3, 2]) as tf.Tensor4D, 1, 'valid');
  const spread = spreadWithTail(t, g.sh, g.sw);
  const padH = g.h + g.top - spread.shape[1];
  const padW = g.w + g.left - spread.shape[2];
  const padded =
    padH > 0 || padW > 0
      ? tf.pad(spread, [
          [0, 0],
          [0, Math.max(padH, 0)],
          [0, Math.max(padW, 0)],
          [0, 0],
        ])
      : spread;
  return padH === 0 && padW === 0 && g.top === 0 && g.left === 0
    ? padded
    : tf.slice(padded, [0, g.top, g.left, 0], [g.b, g.h, g.w, ci]);
}

/**
 * The filters of every phase of the stride side by side, rotated, as one stride-1 filter
 * `[nh, nw, co, sh * sw * ci]` with `nh = ceil(kh / sh)`, `nw = ceil(kw / sw)`: the output
 * channels of phase (rh, rw) hold the kernel taps `rh + sh * j` (rows) and `rw + sw * j`
 * (columns), last first, with `ci` and `co` swapped, and zeros at the front where the phase has
 * fewer taps. At stride 1 it is the kernel rotated by 180 degrees with `ci` and `co` swapped.
 * Plain JS on the heap: the backend's Reverse and Transpose take up to 2.3x as long to rotate
 * (3x3x512x512: 16.0 against 7.1 ms; 3x3x256x512: 5.4 against 4.2 ms).
 */
export function phaseFilter(filter: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const nh = Math.ceil(kh / sh);
  const nw = Math.ceil(kw / sw);
  const p = sh * sw * ci;
  return newTensor([nh, nw, co, p], (out) => {
    if (sh * sw > 1) out.fill(0);
    const w = hostView(filter);
    for (let th = 0; th < kh; th++) {
      const rh = th % sh;
      const a = nh - 1 - (th - rh) / sh;
      for (let tw = 0; tw < kw; tw++) {
        const rw = tw % sw;
        const base = (a * nw + nw - 1 - (tw - rw) / sw) * co * p + (rh * sw + rw) * ci;
        const src = (th * kw + tw) * ci * co;
        // Written in order, read co apart: faster than the other way round for 512 x 512.
        for (let o = 0; o < co; o++) {
          const to = base + o * p;
          for (let i = 0, from = src + o; i < ci; i++, from += co) out[to + i] = w[from];
        }
      }
    }
  }) as tf.Tensor4D;
}

/**
 * The input gradient as one stride-1 convolution of `dy` with {@link phaseFilter}. The input
 * rows whose padded index is `rh` modulo the stride meet only the kernel rows `rh, rh + sh, ...`:
 * each phase is a convolution of `dy` itself with that sub-kernel, and the phases, computed as
 * one convolution's output channels, interleave into `dx`. That is `ceil(kh / sh) * ceil(kw /
 * sw) * sh * sw` taps, where the gradient spread by the stride and convolved with the whole
 * kernel takes `kh * kw * sh * sw`, mostly on zeros (1.1-2.4x faster for ResNet-18's and the ECG
 * net's strided layers, bench/kernels-vs-ref.ts against 7b9dbef).
 */
export function inputByConv(dy: tf.Tensor4D, filter: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const ci = filter.shape[2];
  const co = filter.shape[3];
  // dx's padded rows [top, top + h) are phase rows q from q0 to q1 (exclusive).
  const [q0h, q0w] = [Math.floor(g.top / g.sh), Math.floor(g.left / g.sw)];
  const [q1h, q1w] = [Math.ceil((g.top + g.h) / g.sh), Math.ceil((g.left + g.w) / g.sw)];
  // Phase row q sums dy rows q - (n - 1) * d ... q, d apart: pad dy where they fall outside it
  // and crop it where no phase row reaches.
  const fh = (Math.ceil(g.kh / g.sh) - 1) * g.dh - q0h;
  const fw = (Math.ceil(g.kw / g.sw) - 1) * g.dw - q0w;
  const [y0, x0] = [Math.max(0, -fh), Math.max(0, -fw)];
  const [y1, x1] = [Math.min(g.oh, q1h), Math.min(g.ow, q1w)];
  const cropped =
    y0 > 0 || x0 > 0 || y1 < g.oh || x1 < g.ow
      ? tf.slice(dy, [0, y0, x0, 0], [g.b, y1 - y0, x1 - x0, co])
      : dy;
  const all = tf.conv2d(
    cropped,
    phaseFilter(filter, g.sh, g.sw),
    1,
    [
      [0, 0],
      [Math.max(fh, 0), q1h - y1],
      [Math.max(fw, 0), q1w - x1],
      [0, 0],
    ],
    'NHWC',
    [g.dh, g.dw],
  );
  const [nqh, nqw] = [q1h - q0h, q1w - q0w];
  // [b, q, q', sh, sw * ci] -> [b, q, sh, q', sw * ci]: padded row q * sh + rh, column q' * sw + rw.
  const rows =
    g.sh === 1
      ? all
      : tf.transpose(tf.reshape(all, [g.b * nqh, nqw, g.sh, g.sw * ci]), [0, 2, 1, 3]);
  const dx = tf.reshape(rows, [g.b, nqh * g.sh, nqw * g.sw, ci]) as tf.Tensor4D;
  const [top, left] = [g.top - q0h * g.sh, g.left - q0w * g.sw];
  return top === 0 && left === 0 && nqh * g.sh === g.h && nqw * g.sw === g.w
    ? dx
    : tf.slice(dx, [0, top, left, 0], [g.b, g.h, g.w, ci]);
}
