import * as tf from '@tensorflow/tfjs';
import {
  composite,
  geometry,
  pair,
  type Attrs,
  padded,
  spreadWithTail,
  tap,
  taps,
  type Geometry,
} from './composite.js';

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

/** Conv2DBackpropFilter (`x`, `dy`; attrs as Conv2D's plus `filterShape`). */
export const conv2dBackpropFilter = composite(({ x, dy }, attrs) => {
  const filterShape = attrs.filterShape as [number, number, number, number];
  const g = geometry(x.shape, filterShape, attrs, false);
  // tf.conv2d takes a stride or a dilation, not both.
  if (g.dh === 1 && g.dw === 1) return filterBySwappedConv(x as tf.Tensor4D, dy as tf.Tensor4D, g);
  return filterByTaps(x as tf.Tensor4D, dy as tf.Tensor4D, g, filterShape);
});

/**
 * Conv2DBackpropInput (`dy`, `filter`; attrs as Conv2D's plus `inputShape`) for wasm. Mostly one
 * forward convolution ({@link inputByConv}); a 1x1 kernel is a matMul spread by the stride
 * ({@link inputBy1x1}); the backend's own (naive) kernel for NCHW and for strided kernels into
 * fewer than 4 channels, such as a stem's 7x7/2 (whose input gradient is not even used), where
 * the spread convolution measured 4x slower than it (bench/conv-grads.ts; a matMul with a
 * column-to-image sum was slower still, its strided slices and pads being slow on wasm).
 */
export function conv2dBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  const fast = composite(({ dy, filter }, attrs) => {
    const inputShape = attrs.inputShape as [number, number, number, number];
    const g = geometry(inputShape, filter.shape as [number, number, number, number], attrs, false);
    return g.kh === 1 && g.kw === 1
      ? inputBy1x1(dy as tf.Tensor4D, filter as tf.Tensor4D, g)
      : inputByConv(dy as tf.Tensor4D, filter as tf.Tensor4D, g);
  });
  return (args) => {
    const attrs = args.attrs as Attrs;
    const filter = args.inputs.filter as tf.TensorInfo;
    const [sh, sw] = pair(attrs.strides);
    const [kh, kw, ci] = filter.shape;
    if (attrs.dataFormat === 'NCHW') return original(args);
    if ((sh > 1 || sw > 1) && kh * kw > 1 && ci < 4) return original(args);
    return fast(args);
  };
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

/** The input gradient as one convolution (see conv2dBackpropInput). */
export function inputByConv(dy: tf.Tensor4D, filter: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const inputShape: [number, number, number, number] = [g.b, g.h, g.w, filter.shape[2]];
  // The spread keeps sh - 1 rows (sw - 1 columns) of zeros at the end: less padding after.
  const spread = spreadWithTail(dy, g.sh, g.sw);
  const p0h = (g.kh - 1) * g.dh - g.top;
  const p0w = (g.kw - 1) * g.dw - g.left;
  const p1h = g.h + g.top - g.oh * g.sh;
  const p1w = g.w + g.left - g.ow * g.sw;
  const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const dilations: [number, number] = [g.dh, g.dw];
  const dx = tf.conv2d(
    spread,
    rotated,
    1,
    [
      [0, 0],
      [Math.max(p0h, 0), Math.max(p1h, 0)],
      [Math.max(p0w, 0), Math.max(p1w, 0)],
      [0, 0],
    ],
    'NHWC',
    dilations,
  );
  if (p0h >= 0 && p0w >= 0 && p1h >= 0 && p1w >= 0) return dx;
  return tf.slice(dx, [0, Math.max(p0h, 0) - p0h, Math.max(p0w, 0) - p0w, 0], inputShape);
}
