import * as tf from '@tensorflow/tfjs';

/**
 * Gradient kernels that tfjs-backend-wasm 4.22 lacks, so that models with convolutions and
 * embeddings can train on wasm: Conv2DBackpropFilter (the filter gradient of every conv2d and
 * conv1d), DepthwiseConv2dNativeBackpropInput / BackpropFilter (depthwise, separable and grouped
 * convolution) and UnsortedSegmentSum (the gradient of a gather: embeddings). Each is composed
 * of forward ops the backend has (strided slices, matMul, sums), one kernel tap at a time.
 */

type Attrs = Record<string, unknown>;
type Pad =
  | 'valid'
  | 'same'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

/**
 * A kernel implemented with tf ops on the same backend. Inputs are wrapped as tensors (with a
 * reference of their own, so disposing the wrappers leaves the data alone) and the result's
 * data is handed over to the engine by reference, as the backend's own Reshape does.
 */
function composite(
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

const pair = (v: unknown): [number, number] =>
  typeof v === 'number' ? [v, v] : [(v as number[])[0], (v as number[])[1]];

interface Geometry {
  b: number;
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

function geometry(
  xShape: number[],
  filterShape: [number, number, number, number],
  attrs: Attrs,
  depthwise: boolean,
): Geometry {
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
  return { b, c, kh, kw, oh, ow, sh, sw, dh, dw, top, left, hp, wp };
}

/** The input positions that kernel tap (i, j) meets, `[b, oh, ow, c]`, from the padded input. */
function tap(xp: tf.Tensor4D, g: Geometry, i: number, j: number): tf.Tensor4D {
  const y0 = i * g.dh;
  const x0 = j * g.dw;
  return tf.stridedSlice(
    xp,
    [0, y0, x0, 0],
    [g.b, y0 + (g.oh - 1) * g.sh + 1, x0 + (g.ow - 1) * g.sw + 1, g.c],
    [1, g.sh, g.sw, 1],
  ) as tf.Tensor4D;
}

function padded(x: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.pad(x, [
    [0, 0],
    [g.top, g.hp - g.top - h],
    [g.left, g.wp - g.left - w],
    [0, 0],
  ]);
}

function taps<T>(g: Geometry, f: (i: number, j: number) => T): T[] {
  const out: T[] = [];
  for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) out.push(f(i, j));
  return out;
}

const conv2dBackpropFilter = composite(({ x, dy }, attrs) => {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter: NCHW is not supported');
  const filterShape = attrs.filterShape as [number, number, number, number];
  const g = geometry(x.shape, filterShape, attrs, false);
  const xp = padded(x as tf.Tensor4D, g);
  const co = filterShape[3];
  const dy2 = tf.reshape(dy, [-1, co]) as tf.Tensor2D;
  const per = taps(g, (i, j) =>
    tf.matMul(tf.reshape(tap(xp, g, i, j), [-1, g.c]) as tf.Tensor2D, dy2, true, false),
  );
  return tf.reshape(tf.stack(per), filterShape);
});

const depthwiseBackpropFilter = composite(({ x, dy }, attrs) => {
  const filterShape = attrs.filterShape as [number, number, number, number];
  const g = geometry(x.shape, filterShape, attrs, true);
  const xp = padded(x as tf.Tensor4D, g);
  const m = filterShape[3];
  const dy5 = tf.reshape(dy, [g.b, g.oh, g.ow, g.c, m]);
  const per = taps(g, (i, j) => tf.sum(tf.mul(tf.expandDims(tap(xp, g, i, j), 4), dy5), [0, 1, 2]));
  return tf.reshape(tf.stack(per), filterShape);
});

/** Spreads `[b, n, w, c]` rows `s` apart along axis 1 (zeros between): `[b, (n - 1) * s + 1, w, c]`. */
function spreadRows(t: tf.Tensor4D, s: number): tf.Tensor4D {
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

const depthwiseBackpropInput = composite(({ dy, filter }, attrs) => {
  const inputShape = attrs.inputShape as [number, number, number, number];
  const filterShape = filter.shape as [number, number, number, number];
  const g = geometry(inputShape, filterShape, attrs, true);
  const m = filterShape[3];
  const dy5 = tf.reshape(dy, [g.b, g.oh, g.ow, g.c, m]);
  const spanH = (g.oh - 1) * g.sh + 1;
  const spanW = (g.ow - 1) * g.sw + 1;
  const per = taps(g, (i, j) => {
    const wij = tf.reshape(tf.slice(filter, [i, j, 0, 0], [1, 1, g.c, m]), [g.c, m]);
    let t = tf.sum(tf.mul(dy5, wij), 4) as tf.Tensor4D; // [b, oh, ow, c]
    t = spreadRows(t, g.sh);
    t = tf.transpose(spreadRows(tf.transpose(t, [0, 2, 1, 3]), g.sw), [0, 2, 1, 3]);
    return tf.pad(t, [
      [0, 0],
      [i * g.dh, g.hp - i * g.dh - spanH],
      [j * g.dw, g.wp - j * g.dw - spanW],
      [0, 0],
    ]);
  });
  const full = per.length === 1 ? per[0] : tf.addN(per);
  return tf.slice(full, [0, g.top, g.left, 0], inputShape);
});

const unsortedSegmentSum = composite(({ x, segmentIds }, attrs) => {
  const n = attrs.numSegments as number;
  const ids = tf.reshape(segmentIds, [-1]);
  const rows = ids.shape[0];
  const flat = tf.reshape(x, [rows, -1]) as tf.Tensor2D;
  // int32 then cast: the wasm OneHot kernel returns zeros for dtype float32 (tfjs 4.22).
  const hot = tf.cast(tf.oneHot(tf.cast(ids, 'int32') as tf.Tensor1D, n), 'float32');
  const sum = tf.matMul(hot, tf.cast(flat, 'float32') as tf.Tensor2D, true, false);
  return tf.cast(
    tf.reshape(sum, [n, ...x.shape.slice(ids.rank === 1 ? 1 : segmentIds.rank)]),
    x.dtype,
  );
});

const kernels: [string, tf.KernelFunc][] = [
  ['Conv2DBackpropFilter', conv2dBackpropFilter],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput],
  ['UnsortedSegmentSum', unsortedSegmentSum],
];

/** Registers the kernels above for `wasm`, leaving any the backend already has. */
export function registerWasmGradientKernels(): void {
  for (const [kernelName, kernelFunc] of kernels) {
    if (!tf.getKernel(kernelName, 'wasm'))
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
