import * as tf from '@tensorflow/tfjs';

/** A kernel's attributes, as the engine hands them over. */
export type Attrs = Record<string, unknown>;

/** Padding as convolution kernels take it. */
export type Pad =
  | 'valid'
  | 'same'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

/**
 * A kernel implemented with tf ops on the same backend. Inputs are wrapped as tensors (with a
 * reference of their own, so disposing the wrappers leaves the data alone) and the result's
 * data is handed over to the engine by reference, as the backend's own Reshape does. The ops
 * inside must not call the kernel being defined with the same arguments (no recursion guard).
 */
export function composite(
  fn: (inputs: Record<string, tf.Tensor>, attrs: Attrs) => tf.Tensor,
): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const b = backend as tf.KernelBackend;
    const engine = tf.engine();
    const wrapped: Record<string, tf.Tensor> = {};
    for (const [k, info] of Object.entries(inputs)) {
      if (!info) continue;
      b.incRef(info.dataId);
      wrapped[k] = engine.makeTensorFromTensorInfo(info, b);
    }
    try {
      const out = tf.tidy(() => fn(wrapped, (attrs ?? {}) as Attrs));
      b.incRef(out.dataId);
      const info = { dataId: out.dataId, shape: out.shape, dtype: out.dtype };
      out.dispose();
      return info;
    } finally {
      for (const t of Object.values(wrapped)) t.dispose();
    }
  };
}

/** A number or a pair as a pair. */
export const pair = (v: unknown): [number, number] =>
  typeof v === 'number' ? [v, v] : [(v as number[])[0], (v as number[])[1]];

/** What a 2-D convolution's gradients need to know of its geometry (NHWC). */
export interface Geometry {
  b: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  oh: number;
  ow: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
  /** Padded input height and width covering every tap and the whole input. */
  hp: number;
  wp: number;
}

/** The geometry of a convolution of `xShape` by `filterShape` with the kernel's attributes. */
export function geometry(
  xShape: number[],
  filterShape: [number, number, number, number],
  attrs: Attrs,
  depthwise: boolean,
): Geometry {
  if (attrs.dataFormat === 'NCHW') throw new Error('convolution gradients: NCHW is not supported');
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape,
    attrs.strides as [number, number],
    (attrs.dilations ?? 1) as [number, number],
    attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | undefined,
    depthwise,
  );
  const [b, h, w, c] = xShape;
  const [kh, kw] = filterShape;
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations ?? 1);
  const { top, left } = info.padInfo;
  const { outHeight: oh, outWidth: ow } = info;
  const hp = Math.max((oh - 1) * sh + (kh - 1) * dh + 1, top + h);
  const wp = Math.max((ow - 1) * sw + (kw - 1) * dw + 1, left + w);
  return { b, h, w, c, kh, kw, oh, ow, sh, sw, dh, dw, top, left, hp, wp };
}

/** The input positions that kernel tap (i, j) meets, `[b, oh, ow, c]`, from the padded input. */
export function tap(xp: tf.Tensor4D, g: Geometry, i: number, j: number): tf.Tensor4D {
  const y0 = i * g.dh;
  const x0 = j * g.dw;
  return tf.stridedSlice(
    xp,
    [0, y0, x0, 0],
    [g.b, y0 + (g.oh - 1) * g.sh + 1, x0 + (g.ow - 1) * g.sw + 1, g.c],
    [1, g.sh, g.sw, 1],
  ) as tf.Tensor4D;
}

/** `x` padded to `[b, hp, wp, c]` (top and left as the convolution pads). */
export function padded(x: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.pad(x, [
    [0, 0],
    [g.top, g.hp - g.top - h],
    [g.left, g.wp - g.left - w],
    [0, 0],
  ]);
}

/** `f(i, j)` for every kernel tap, row by row. */
export function taps<T>(g: Geometry, f: (i: number, j: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) out.push(f(i, j));
  return out;
}

/** Spreads `[b, n, w, c]` rows `s` apart along axis 1 (zeros between): `[b, (n - 1) * s + 1, w, c]`. */
export function spreadRows(t: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return t;
  const [b, n, w, c] = t.shape;
  const z = tf.pad(tf.reshape(t, [b, n, 1, w * c]), [
    [0, 0],
    [0, 0],
    [0, s - 1],
    [0, 0],
  ]);
  return tf.slice(
    tf.reshape(z, [b, n * s, w, c]) as tf.Tensor4D,
    [0, 0, 0, 0],
    [b, (n - 1) * s + 1, w, c],
  );
}

/**
 * Spreads `[b, h, w, c]` rows `sh` and columns `sw` apart with the zeros after the last ones
 * kept: `[b, h * sh, w * sw, c]`, by pads and reshapes only (slices that cut a tensor across
 * its batch are slow on wasm).
 */
export function spreadWithTail(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [b, h, w, c] = t.shape;
  const z = tf.pad(tf.reshape(t, [b * h, 1, w, 1, c]), [
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.reshape(z, [b, h * sh, w * sw, c]);
}
