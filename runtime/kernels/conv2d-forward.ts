import * as tf from '@tensorflow/tfjs';
import { composite, geometry, type Attrs, type Geometry } from './composite.js';
import { hostView, newTensor } from './host-arrays.js';
import { hostTask, runParts, splitRange } from './parts.js';

/** Filters at least this large (floats) are worth sparing the backend's re-layout. */
export const COLUMNS_MIN_FILTER = 1 << 20;

/**
 * Whether {@link convByColumns} is netc's way for this convolution on wasm: fewer output
 * positions than output channels (`b * oh * ow < co`, so the input's columns are smaller than
 * the filter), a filter of {@link COLUMNS_MIN_FILTER} floats or more, no dilation. This is
 * ResNet-18's stage 4 in training (32x3x3 positions, 3x3x512x512).
 */
export function forwardByColumns(g: Geometry, co: number): boolean {
  return (
    g.b * g.oh * g.ow < co &&
    g.kh * g.kw * g.c * co >= COLUMNS_MIN_FILTER &&
    g.dh === 1 &&
    g.dw === 1
  );
}

/**
 * A 2-D convolution as one matMul of the input's columns `[b * oh * ow, kh * kw * c]` by the
 * filter as it lies (`[kh * kw * c, co]`, HWIO flattened). For a new filter each call, as in
 * training, tfjs-backend-wasm's Conv2D first transposes the filter to OHWI in a scalar loop, then
 * XNNPACK packs it; its matMul packs the filter straight from HWIO. On 3x3x512x512 over
 * 32x3x3x512 (a scratch run, 9 rounds): the backend's transpose alone 14.3 ms, the convolution
 * 58.4 ms with a new filter and 34.8 with a cached one, the matMul 38.9 and 24.8; in
 * bench/conv-grads.ts ("fwd columns"), with the columns built: 43.3 against 50.2 ms.
 */
export function convByColumns(x: tf.Tensor4D, filter: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const p = g.b * g.oh * g.ow;
  const k = kh * kw * ci;
  const cols = newTensor([p, k], (out) => {
    const xv = hostView(x);
    runParts(
      columnsTask,
      splitRange(p * k, k).map(([s, e]): Parameters<typeof positionColumns> => [
        xv,
        out,
        g,
        s / k,
        e / k,
      ]),
    );
  }) as tf.Tensor2D;
  const y = tf.matMul(cols, tf.reshape(filter, [k, co]) as tf.Tensor2D);
  return tf.reshape(y, [g.b, g.oh, g.ow, co]);
}

/** Rows `[p0, p1)` of the columns: row (b, y, x) holds, tap by tap, the `c` channels it meets. */
function positionColumns(
  xv: Float32Array,
  out: Float32Array,
  g: Geometry,
  p0: number,
  p1: number,
): void {
  const c = g.c;
  let dst = p0 * g.kh * g.kw * c;
  for (let p = p0; p < p1; p++) {
    const ox = p % g.ow;
    const oy = Math.floor(p / g.ow) % g.oh;
    const b = Math.floor(p / (g.ow * g.oh));
    for (let i = 0; i < g.kh; i++) {
      const iy = oy * g.sh + i - g.top;
      for (let j = 0; j < g.kw; j++, dst += c) {
        const ix = ox * g.sw + j - g.left;
        if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) out.fill(0, dst, dst + c);
        else {
          const src = ((b * g.h + iy) * g.w + ix) * c;
          out.set(xv.subarray(src, src + c), dst);
        }
      }
    }
  }
}

const columnsTask = hostTask(positionColumns);

/**
 * Conv2D for wasm: {@link convByColumns} where {@link forwardByColumns} says so, else the
 * backend's own kernel (XNNPACK's convolution).
 */
export function conv2dForward(original: tf.KernelFunc): tf.KernelFunc {
  const byColumns = composite(({ x, filter }, attrs) =>
    convByColumns(
      x as tf.Tensor4D,
      filter as tf.Tensor4D,
      geometry(x.shape, filter.shape as [number, number, number, number], attrs, false),
    ),
  );
  return (args) => {
    const attrs = args.attrs as Attrs;
    const x = args.inputs.x as tf.TensorInfo;
    const filter = args.inputs.filter as tf.TensorInfo;
    const shape = filter.shape as [number, number, number, number];
    // The filter's size first: most convolutions fail it, and it needs no geometry.
    if (
      attrs.dataFormat === 'NCHW' ||
      x.dtype !== 'float32' ||
      x.shape.length !== 4 ||
      tf.util.sizeFromShape(shape) < COLUMNS_MIN_FILTER
    )
      return original(args);
    return forwardByColumns(geometry(x.shape, shape, attrs, false), shape[3])
      ? byColumns(args)
      : original(args);
  };
}
