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
import { hostTask, runParts, splitRange } from './parts.js';

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
 * what that tap meets at every output position (zeros in the padding). Plain JS on the heap,
 * from `x` laid out `[c, b, h, w]` (the backend's Transpose): there a row of a stride-1 `same`
 * convolution is one channel's planes shifted by the tap, one block copy and a few zeros
 * ({@link columnRows}).
 */
export function columnsTransposed(x: tf.Tensor4D, g: Geometry): tf.Tensor2D {
  const xt = channelsFirst(x, g);
  const out = columnsOf(xt, g, 0, g.b);
  if (xt !== x) xt.dispose();
  return out;
}

/** `x` laid out `[c, b, h, w]`: the backend's Transpose, or `x` itself for one channel. */
function channelsFirst(x: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  return g.c === 1 ? x : tf.transpose(x, [3, 0, 1, 2]);
}

/** {@link columnsTransposed} of images `[b0, b1)`, from the input laid out `[c, b, h, w]`. */
function columnsOf(xt: tf.Tensor4D, g: Geometry, b0: number, b1: number): tf.Tensor2D {
  const m = (b1 - b0) * g.oh * g.ow;
  const rows = g.kh * g.kw * g.c;
  return newTensor([rows, m], (cols) => {
    const xv = hostView(xt);
    runParts(
      columnRowsTask,
      splitRange(rows * m, m).map(([s, e]): Parameters<typeof columnRows> => [
        xv,
        cols,
        g,
        s / m,
        e / m,
        b0,
        b1,
      ]),
    );
  }) as tf.Tensor2D;
}

/**
 * Rows `[r0, r1)` of {@link columnsTransposed} of images `[b0, b1)` (row `(i * kw + j) * c +
 * channel`), from the input laid out `[c, b, h, w]`. Where the output grid is the input's
 * (stride 1, `oh = h`, `ow = w`), a row is channel `ch`'s planes of those images read `di * w +
 * dj` further on (`di`, `dj`: the tap's offset from the padding): one copy, then zeros where that
 * read crossed a row's or an image's edge. Otherwise each output row is a strided walk along one
 * input row.
 */
function columnRows(
  xv: Float32Array,
  out: Float32Array,
  g: Geometry,
  r0: number,
  r1: number,
  b0: number,
  b1: number,
): void {
  const m = (b1 - b0) * g.oh * g.ow;
  const shifted = g.sh === 1 && g.sw === 1 && g.oh === g.h && g.ow === g.w;
  for (let r = r0; r < r1; r++) {
    const ch = r % g.c;
    const j = Math.floor(r / g.c) % g.kw;
    const i = Math.floor(r / (g.c * g.kw));
    const di = i * g.dh - g.top;
    const dj = j * g.dw - g.left;
    const dst = r * m;
    const plane = (ch * g.b + b0) * g.h * g.w;
    if (shifted) {
      const shift = di * g.w + dj;
      const k0 = Math.min(m, Math.max(0, -shift));
      const k1 = Math.max(k0, Math.min(m, m - shift));
      zeros(out, dst, dst + k0);
      out.set(xv.subarray(plane + k0 + shift, plane + k1 + shift), dst + k0);
      zeros(out, dst + k1, dst + m);
      // Columns past the left or right edge, then rows past the top or bottom of each image.
      const [c0, c1] = dj >= 0 ? [Math.max(0, g.w - dj), g.w] : [0, Math.min(g.w, -dj)];
      if (c1 - c0 === 1) for (let q = dst + c0; q < dst + m; q += g.w) out[q] = 0;
      else if (c1 > c0) for (let q = dst; q < dst + m; q += g.w) zeros(out, q + c0, q + c1);
      const [y0, y1] = di >= 0 ? [Math.max(0, g.h - di), g.h] : [0, Math.min(g.h, -di)];
      if (y1 > y0)
        for (let q = dst; q < dst + m; q += g.h * g.w) zeros(out, q + y0 * g.w, q + y1 * g.w);
      continue;
    }
    // The output columns whose tap lands inside the row: [lo, hi).
    const lo = Math.min(g.ow, Math.max(0, Math.ceil(-dj / g.sw)));
    const hi = Math.max(lo, Math.min(g.ow, Math.floor((g.w - 1 - dj) / g.sw) + 1));
    let q = dst;
    for (let b = b0; b < b1; b++)
      for (let y = 0; y < g.oh; y++, q += g.ow) {
        const iy = y * g.sh + di;
        if (iy < 0 || iy >= g.h) {
          zeros(out, q, q + g.ow);
          continue;
        }
        const src = ((ch * g.b + b) * g.h + iy) * g.w + dj;
        for (let ox = 0; ox < lo; ox++) out[q + ox] = 0;
        for (let ox = lo; ox < hi; ox++) out[q + ox] = xv[src + ox * g.sw];
        for (let ox = hi; ox < g.ow; ox++) out[q + ox] = 0;
      }
  }
}

/**
 * Zeros `out[a, b)`: element stores below 64 (ResNet-18's stage 4 zeros runs of 1 and 3 floats,
 * 150 K of them per layer, where a `fill` call costs more than the stores), `fill` above.
 */
function zeros(out: Float32Array, a: number, b: number): void {
  if (b - a >= 64) out.fill(0, a, b);
  else for (let k = a; k < b; k++) out[k] = 0;
}

const columnRowsTask = hostTask(columnRows, { zeros });

/** Above this many floats of `dy`, {@link filterByColumns} takes a few images at a time. */
export const FILTER_DY_CHUNK = 1 << 21;

/**
 * The filter gradient as matMuls of the input's transposed columns by `dy` as it lies (`[b * oh *
 * ow, co]`). `dy` is the operand XNNPACK packs for its GEMM, a new one each step, and that
 * packing walks `dy` once per 8 output channels: past {@link FILTER_DY_CHUNK} floats (8 MB, the
 * ResNet-18 stem's 4.7 M), netc multiplies images whose `dy` is at most a quarter of that at a
 * time and adds the products (stem, scratch runs with a new `dy` each call: 64.9 against 40.5
 * ms). `dyChunk` is that size (for tests).
 */
export function filterByColumns(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  g: Geometry,
  filterShape: [number, number, number, number],
  dyChunk = FILTER_DY_CHUNK,
): tf.Tensor4D {
  const co = filterShape[3];
  const per = g.oh * g.ow;
  const dy2 = tf.reshape(dy, [-1, co]) as tf.Tensor2D;
  if (dy.size <= dyChunk) return tf.reshape(tf.matMul(columnsTransposed(x, g), dy2), filterShape);
  const images = Math.max(1, Math.floor(dyChunk / 4 / (per * co)));
  const xt = channelsFirst(x, g);
  let sum: tf.Tensor2D | undefined;
  for (let b0 = 0; b0 < g.b; b0 += images) {
    const b1 = Math.min(g.b, b0 + images);
    const part = tf.tidy((): tf.Tensor2D => {
      const rows = newTensor([(b1 - b0) * per, co], (out) =>
        out.set(hostView(dy2).subarray(b0 * per * co, b1 * per * co)),
      ) as tf.Tensor2D;
      const mm = tf.matMul(columnsOf(xt, g, b0, b1), rows) as tf.Tensor2D;
      return sum === undefined ? mm : tf.add(sum, mm);
    });
    sum?.dispose();
    sum = part;
  }
  if (xt !== x) xt.dispose();
  return tf.reshape(sum!, filterShape);
}

/** The largest columns (floats, 24 MB) that {@link filterByColumns} builds for a wide layer. */
export const FILTER_COLUMNS_MAX = 6 << 20;

/**
 * Whether {@link filterByColumns} is netc's way for the filter gradient, else the swapped
 * convolution: where the columns are smaller than `dy` (`kh * kw * c < co`), or at most
 * {@link FILTER_COLUMNS_MAX} floats with 32 output channels or more. Measured side by side with
 * a new `dy` each call (bench/conv-grads.ts and scratch runs, bench/results.md): columns as fast
 * or faster on ResNet-18's stages 2-4 (up to 5.3 M floats of columns; by 0-8 ms a layer, with
 * much noise), as fast on stage 1 (10.6 M), slower on the ECG net's 96-channel layer (7.9 M),
 * LeNet's convolutions and the ECG net's 12-channel ones. A whole ResNet-18 step: 1.04-1.15x
 * over three runs (bench/train-steps.ts, bench/results.md).
 */
export function filterByColumnsFits(g: Geometry, co: number): boolean {
  const columns = g.kh * g.kw * g.c * g.b * g.oh * g.ow;
  return g.kh * g.kw * g.c < co || (co >= 32 && columns <= FILTER_COLUMNS_MAX);
}

/** Conv2DBackpropFilter (`x`, `dy`; attrs as Conv2D's plus `filterShape`). */
export const conv2dBackpropFilter = composite(({ x, dy }, attrs) => {
  const filterShape = attrs.filterShape as [number, number, number, number];
  const g = geometry(x.shape, filterShape, attrs, false);
  const [x4, dy4] = [x as tf.Tensor4D, dy as tf.Tensor4D];
  if (filterByColumnsFits(g, filterShape[3])) return filterByColumns(x4, dy4, g, filterShape);
  // tf.conv2d takes a stride or a dilation, not both.
  if (g.dh === 1 && g.dw === 1) return filterBySwappedConv(x4, dy4, g);
  return filterByTaps(x4, dy4, g, filterShape);
});

/**
 * Conv2DBackpropInput (`dy`, `filter`; attrs as Conv2D's plus `inputShape`) for wasm: one
 * forward convolution of `dy` by the stride's phases ({@link inputByConv}); with fewer output
 * positions than output channels, the columns of `dx` added back ({@link inputByColumns}:
 * ResNet-18's 3x3/2 512 17.1 against 28.7 ms, 3x3 512 27.5 against 31.0, a scratch run of 15
 * rounds with new operands); a 1x1 kernel is a matMul spread by the stride ({@link
 * inputBy1x1}); the backend's own kernel (a naive loop) for NCHW only. Even a 7x7/2 stem on one
 * channel, which the naive loop suits best, runs 7x faster by phases (32x96x96x1 into 64: 188 ->
 * 26 ms; on 3 channels 638 -> 62 ms).
 */
export function conv2dBackpropInput(original: tf.KernelFunc): tf.KernelFunc {
  const fast = composite(({ dy, filter }, attrs) => {
    const inputShape = attrs.inputShape as [number, number, number, number];
    const g = geometry(inputShape, filter.shape as [number, number, number, number], attrs, false);
    const [dy4, filter4] = [dy as tf.Tensor4D, filter as tf.Tensor4D];
    if (g.kh === 1 && g.kw === 1) return inputBy1x1(dy4, filter4, g);
    return g.b * g.oh * g.ow < filter4.shape[3]
      ? inputByColumns(dy4, filter4, g)
      : inputByConv(dy4, filter4, g);
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
    runParts(
      phaseFilterTask,
      splitRange(co * ci * kh * kw, ci * kh * kw).map(
        ([s, e]): Parameters<typeof phaseFilterPart> => [
          w,
          out,
          filter.shape,
          sh,
          sw,
          s / (ci * kh * kw),
          e / (ci * kh * kw),
        ],
      ),
    );
  }) as tf.Tensor4D;
}

/** {@link phaseFilter}'s output channels `[o0, o1)` (the input's `co`). */
function phaseFilterPart(
  w: Float32Array,
  out: Float32Array,
  shape: number[],
  sh: number,
  sw: number,
  o0: number,
  o1: number,
): void {
  const [kh, kw, ci, co] = shape;
  const nh = Math.ceil(kh / sh);
  const nw = Math.ceil(kw / sw);
  const p = sh * sw * ci;
  for (let th = 0; th < kh; th++) {
    const rh = th % sh;
    const a = nh - 1 - (th - rh) / sh;
    for (let tw = 0; tw < kw; tw++) {
      const rw = tw % sw;
      const base = (a * nw + nw - 1 - (tw - rw) / sw) * co * p + (rh * sw + rw) * ci;
      const src = (th * kw + tw) * ci * co;
      // Written in order, read co apart: faster than the other way round for 512 x 512.
      for (let o = o0; o < o1; o++) {
        const to = base + o * p;
        for (let i = 0, from = src + o; i < ci; i++, from += co) out[to + i] = w[from];
      }
    }
  }
}

const phaseFilterTask = hostTask(phaseFilterPart);

/**
 * The rows of {@link phaseFilter} transposed, `[sh * sw * ci, nh * nw * co]`: row (phase, ci)
 * holds that phase's sub-kernel, last tap first, `co` values per tap, copied from the filter's
 * own rows of `co` (no gather). Zeros where the phase has fewer taps.
 */
export function phaseRows(filter: tf.Tensor4D, sh: number, sw: number): tf.Tensor2D {
  const [kh, kw, ci, co] = filter.shape;
  const nh = Math.ceil(kh / sh);
  const nw = Math.ceil(kw / sw);
  const k = nh * nw * co;
  return newTensor([sh * sw * ci, k], (out) => {
    if (sh * sw > 1 && (kh % sh !== 0 || kw % sw !== 0)) out.fill(0);
    const w = hostView(filter);
    for (let th = 0; th < kh; th++) {
      const rh = th % sh;
      const a = nh - 1 - (th - rh) / sh;
      for (let tw = 0; tw < kw; tw++) {
        const rw = tw % sw;
        const col = (a * nw + nw - 1 - (tw - rw) / sw) * co;
        const row = (rh * sw + rw) * ci;
        for (let i = 0, from = (th * kw + tw) * ci * co; i < ci; i++, from += co)
          out.set(w.subarray(from, from + co), (row + i) * k + col);
      }
    }
  }) as tf.Tensor2D;
}

/** How {@link inputByConv} lays out the stride's phases of `dx` for a convolution `g`. */
interface PhasePlan {
  /** `dy`'s rows and columns that some phase row reaches: `[y0, y1)`, `[x0, x1)`. */
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  /** The stride-1 convolution's padding of the cropped `dy`. */
  pads: [[number, number], [number, number], [number, number], [number, number]];
  /** Phase rows and columns computed, and where `dx` starts in them. */
  nqh: number;
  nqw: number;
  top: number;
  left: number;
}

function phasePlan(g: Geometry): PhasePlan {
  // dx's padded rows [top, top + h) are phase rows q from q0 to q1 (exclusive).
  const [q0h, q0w] = [Math.floor(g.top / g.sh), Math.floor(g.left / g.sw)];
  const [q1h, q1w] = [Math.ceil((g.top + g.h) / g.sh), Math.ceil((g.left + g.w) / g.sw)];
  // Phase row q sums dy rows q - (n - 1) * d ... q, d apart: pad dy where they fall outside it
  // and crop it where no phase row reaches.
  const fh = (Math.ceil(g.kh / g.sh) - 1) * g.dh - q0h;
  const fw = (Math.ceil(g.kw / g.sw) - 1) * g.dw - q0w;
  const [y0, x0] = [Math.max(0, -fh), Math.max(0, -fw)];
  const [y1, x1] = [Math.min(g.oh, q1h), Math.min(g.ow, q1w)];
  return {
    y0,
    y1,
    x0,
    x1,
    pads: [
      [0, 0],
      [Math.max(fh, 0), q1h - y1],
      [Math.max(fw, 0), q1w - x1],
      [0, 0],
    ],
    nqh: q1h - q0h,
    nqw: q1w - q0w,
    top: g.top - q0h * g.sh,
    left: g.left - q0w * g.sw,
  };
}

/**
 * The input gradient by the stride's phases. The input rows whose padded index is `rh` modulo
 * the stride meet only the kernel rows `rh, rh + sh, ...`: each phase is a stride-1 convolution
 * of `dy` itself with that sub-kernel, and the phases, computed as one convolution's output
 * channels, interleave into `dx`. That is `ceil(kh / sh) * ceil(kw / sw) * sh * sw` taps, where
 * the gradient spread by the stride and convolved with the whole kernel takes `kh * kw * sh *
 * sw`, mostly on zeros (1.1-2.4x faster for ResNet-18's and the ECG net's strided layers,
 * bench/kernels-vs-ref.ts against 7b9dbef).
 *
 * Two ways to run that convolution: as a convolution with {@link phaseFilter} (XNNPACK re-lays
 * out and packs the filter, new at every step), or, when the filter is the larger operand (fewer
 * output positions than phase channels), as one matMul of {@link phaseRows} (row copies of the
 * filter, not packed) by `dy`'s transposed columns (packed): 3x3x512x512 at 3x3, a new filter
 * each call, side by side: 49.5-55.8 against 41.1-42.3 ms (2026-12-04). ResNet-18's stage 4 has
 * since gone to {@link inputByColumns}, which packs only `dy`.
 */
export function inputByConv(dy: tf.Tensor4D, filter: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const ci = filter.shape[2];
  const co = filter.shape[3];
  const plan = phasePlan(g);
  const { y0, y1, x0, x1, nqh, nqw } = plan;
  const cropped =
    y0 > 0 || x0 > 0 || y1 < g.oh || x1 < g.ow
      ? tf.slice(dy, [0, y0, x0, 0], [g.b, y1 - y0, x1 - x0, co])
      : dy;
  if (g.b * nqh * nqw < g.sh * g.sw * ci) return inputByMatMul(cropped, filter, g, plan);
  const all = tf.conv2d(cropped, phaseFilter(filter, g.sh, g.sw), 1, plan.pads, 'NHWC', [
    g.dh,
    g.dw,
  ]);
  // [b, q, q', sh, sw * ci] -> [b, q, sh, q', sw * ci]: padded row q * sh + rh, column q' * sw + rw.
  const rows =
    g.sh === 1
      ? all
      : tf.transpose(tf.reshape(all, [g.b * nqh, nqw, g.sh, g.sw * ci]), [0, 2, 1, 3]);
  const dx = tf.reshape(rows, [g.b, nqh * g.sh, nqw * g.sw, ci]) as tf.Tensor4D;
  const { top, left } = plan;
  return top === 0 && left === 0 && nqh * g.sh === g.h && nqw * g.sw === g.w
    ? dx
    : tf.slice(dx, [0, top, left, 0], [g.b, g.h, g.w, ci]);
}

/**
 * The input gradient as the columns of `dx`, `filter x dy^T` (`[kh * kw * ci, b * oh * ow]`: the
 * filter as it lies, not packed, by `dy` transposed, packed), added back into `dx` tap by tap in
 * one JS pass (col2im). netc's way where there are fewer output positions than output channels
 * (`b * oh * ow < co`, ResNet-18's stage 4): the operand XNNPACK packs is then `dy`, the
 * smallest of the three.
 */
export function inputByColumns(dy: tf.Tensor4D, filter: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const [kh, kw, ci, co] = filter.shape;
  const p = g.b * g.oh * g.ow;
  const cols = tf.matMul(
    tf.reshape(filter, [kh * kw * ci, co]) as tf.Tensor2D,
    tf.reshape(dy, [p, co]) as tf.Tensor2D,
    false,
    true,
  );
  const per = kh * kw * p;
  return newTensor([g.b, g.h, g.w, ci], (out) => {
    out.fill(0);
    const cv = hostView(cols);
    // Parts by channels, in whole cache lines of dx (16 floats), so that no two write one.
    runParts(
      addColumnsTask,
      splitRange(ci * per, 16 * per).map(([s, e]): Parameters<typeof addColumns> => [
        cv,
        out,
        g,
        ci,
        s / per,
        Math.min(ci, e / per),
      ]),
    );
  }) as tf.Tensor4D;
}

/** Adds the columns of channels `[c0, c1)` (rows `(i * kw + j) * ci + c`) into `dx`. */
function addColumns(
  cv: Float32Array,
  dx: Float32Array,
  g: Geometry,
  ci: number,
  c0: number,
  c1: number,
): void {
  const p = g.b * g.oh * g.ow;
  for (let i = 0; i < g.kh; i++)
    for (let j = 0; j < g.kw; j++)
      for (let c = c0; c < c1; c++) {
        let src = ((i * g.kw + j) * ci + c) * p;
        for (let b = 0; b < g.b; b++)
          for (let y = 0; y < g.oh; y++) {
            const iy = y * g.sh + i * g.dh - g.top;
            if (iy < 0 || iy >= g.h) {
              src += g.ow;
              continue;
            }
            const row = (b * g.h + iy) * g.w;
            for (let x = 0; x < g.ow; x++, src++) {
              const ix = x * g.sw + j * g.dw - g.left;
              if (ix >= 0 && ix < g.w) dx[(row + ix) * ci + c] += cv[src];
            }
          }
      }
}

const addColumnsTask = hostTask(addColumns);

/**
 * {@link inputByConv}'s convolution as `phaseRows(filter) x columnsTransposed(dy)`, `[sh * sw *
 * ci, b * nqh * nqw]`, read back into `dx` (phases interleaved, cropped) in one JS pass.
 */
function inputByMatMul(
  cropped: tf.Tensor4D,
  filter: tf.Tensor4D,
  g: Geometry,
  plan: PhasePlan,
): tf.Tensor4D {
  const [, , ci, co] = filter.shape;
  const nh = Math.ceil(g.kh / g.sh);
  const nw = Math.ceil(g.kw / g.sw);
  const pg = geometry(
    cropped.shape,
    [nh, nw, co, g.sh * g.sw * ci],
    { strides: 1, pad: plan.pads, dilations: [g.dh, g.dw], dataFormat: 'NHWC' },
    false,
  );
  const t = tf.matMul(phaseRows(filter, g.sh, g.sw), columnsTransposed(cropped, pg));
  const { nqh, nqw, top, left } = plan;
  const m = g.b * nqh * nqw;
  return newTensor([g.b, g.h, g.w, ci], (out) => {
    const tv = hostView(t);
    let dst = 0;
    for (let b = 0; b < g.b; b++)
      for (let y = 0; y < g.h; y++) {
        const qy = Math.floor((y + top) / g.sh);
        const rh = (y + top) % g.sh;
        for (let x = 0; x < g.w; x++) {
          const qx = Math.floor((x + left) / g.sw);
          const from = (rh * g.sw + ((x + left) % g.sw)) * ci * m + (b * nqh + qy) * nqw + qx;
          for (let i = 0, at = from; i < ci; i++, at += m) out[dst++] = tv[at];
        }
      }
  }) as tf.Tensor4D;
}
