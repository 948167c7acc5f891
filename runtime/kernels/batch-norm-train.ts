import * as tf from '@tensorflow/tfjs';
import { hostView, newTensor } from './host-arrays.js';
import { hostTask, runParts, runSummingParts, splitRange } from './parts.js';

/** The batch statistics and the normalized output of one training-mode batch norm. */
export interface BatchNormTraining {
  readonly y: tf.Tensor;
  /** Per channel, `[c]`: the batch mean and the (biased) batch variance, as tfjs's moments. */
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
}

/*
 * The loops below see the data as `[outer, c, inner]` (channel k: elements
 * `(o * c + k) * inner + j`). Each channel is one walk with its sum in a local (a register);
 * for channels last (`inner === 1`) stride-c walks within blocks of rows that stay in the L1
 * cache. Over 4M values that measured 1.6-2.2x faster than one walk adding to all c sums per
 * element, for any c from 1 to 512 (a stride-c walk over the whole array is as fast for c up to
 * 16 and 2-3x slower from 32 on: it reads every cache line c times). Each walk is unrolled by 4,
 * the sums into 4 locals (one add chain is bound by the add latency): 1.1-1.6x faster for the
 * sums and 1.3-1.4x for the maps at c = 6...120 (plain locals: destructured ones were 3x slower).
 * Each pass is its own small function so that V8 keeps it monomorphic.
 */

/** Elements per block of whole rows of `c` for the channels-last passes: about 16 KB of floats. */
const block = (c: number): number => Math.max(1, Math.floor(4096 / c)) * c;

/** `out[k] += sum of (a - shift[k])` over channel k (also the leading-axes Sum, sum.ts). */
export function channelSums(
  a: Float32Array,
  c: number,
  inner: number,
  shift: Float64Array,
  out: Float64Array,
): void {
  const n = a.length;
  const step = c * inner;
  if (inner === 1) {
    const c2 = 2 * c;
    const c3 = 3 * c;
    const c4 = 4 * c;
    for (let b0 = 0, blk = block(c); b0 < n; b0 += blk)
      for (let k = 0, e = Math.min(n, b0 + blk); k < c; k++) {
        const sk = shift[k];
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let i = b0 + k;
        for (; i + c3 < e; i += c4) {
          s0 += a[i] - sk;
          s1 += a[i + c] - sk;
          s2 += a[i + c2] - sk;
          s3 += a[i + c3] - sk;
        }
        for (; i < e; i += c) s0 += a[i] - sk;
        out[k] += s0 + s1 + s2 + s3;
      }
    return;
  }
  for (let k = 0; k < c; k++) {
    const sk = shift[k];
    let s = 0;
    for (let base = k * inner; base < n; base += step)
      for (let i = base, end = base + inner; i < end; i++) s += a[i] - sk;
    out[k] += s;
  }
}

/**
 * `sums[k] += sum of b` and `dots[k] += sum of (a - shift[k]) * b` over channel k, in one pass:
 * the batch statistics (a = b = x) and the gradient's two sums (a = x, b = dy).
 */
function channelSumDot(
  a: Float32Array,
  b: Float32Array,
  c: number,
  inner: number,
  shift: Float64Array,
  sums: Float64Array,
  dots: Float64Array,
): void {
  const n = a.length;
  const step = c * inner;
  if (inner === 1) {
    const c2 = 2 * c;
    const c3 = 3 * c;
    const c4 = 4 * c;
    for (let b0 = 0, blk = block(c); b0 < n; b0 += blk)
      for (let k = 0, e = Math.min(n, b0 + blk); k < c; k++) {
        const sk = shift[k];
        let s0 = 0;
        let s1 = 0;
        let d0 = 0;
        let d1 = 0;
        let i = b0 + k;
        for (; i + c3 < e; i += c4) {
          const v0 = b[i];
          const v1 = b[i + c];
          const v2 = b[i + c2];
          const v3 = b[i + c3];
          s0 += v0 + v2;
          s1 += v1 + v3;
          d0 += (a[i] - sk) * v0 + (a[i + c2] - sk) * v2;
          d1 += (a[i + c] - sk) * v1 + (a[i + c3] - sk) * v3;
        }
        for (; i < e; i += c) {
          s0 += b[i];
          d0 += (a[i] - sk) * b[i];
        }
        sums[k] += s0 + s1;
        dots[k] += d0 + d1;
      }
    return;
  }
  for (let k = 0; k < c; k++) {
    const sk = shift[k];
    let sum = 0;
    let dot = 0;
    for (let base = k * inner; base < n; base += step)
      for (let i = base, end = base + inner; i < end; i++) {
        sum += b[i];
        dot += (a[i] - sk) * b[i];
      }
    sums[k] += sum;
    dots[k] += dot;
  }
}

/** `out = p[k] * a + s[k]` per channel k. */
function channelScale(
  a: Float32Array,
  c: number,
  inner: number,
  p: Float64Array,
  s: Float64Array,
  out: Float32Array,
): void {
  const n = a.length;
  const step = c * inner;
  if (inner === 1) {
    const c2 = 2 * c;
    const c3 = 3 * c;
    const c4 = 4 * c;
    for (let b0 = 0, blk = block(c); b0 < n; b0 += blk)
      for (let k = 0, e = Math.min(n, b0 + blk); k < c; k++) {
        const pk = p[k];
        const sk = s[k];
        let i = b0 + k;
        for (; i + c3 < e; i += c4) {
          out[i] = pk * a[i] + sk;
          out[i + c] = pk * a[i + c] + sk;
          out[i + c2] = pk * a[i + c2] + sk;
          out[i + c3] = pk * a[i + c3] + sk;
        }
        for (; i < e; i += c) out[i] = pk * a[i] + sk;
      }
    return;
  }
  for (let k = 0; k < c; k++) {
    const pk = p[k];
    const sk = s[k];
    for (let base = k * inner; base < n; base += step)
      for (let i = base, end = base + inner; i < end; i++) out[i] = pk * a[i] + sk;
  }
}

/** `out = p[k] * a + q[k] * (b - r[k]) + s[k]` per channel k. */
function channelAffine(
  a: Float32Array,
  b: Float32Array,
  c: number,
  inner: number,
  coef: { p: Float64Array; q: Float64Array; r: Float64Array; s: Float64Array },
  out: Float32Array,
): void {
  const n = a.length;
  const step = c * inner;
  const { p, q, r, s } = coef;
  if (inner === 1) {
    const c2 = 2 * c;
    const c3 = 3 * c;
    const c4 = 4 * c;
    for (let b0 = 0, blk = block(c); b0 < n; b0 += blk)
      for (let k = 0, e = Math.min(n, b0 + blk); k < c; k++) {
        const pk = p[k];
        const qk = q[k];
        const rk = r[k];
        const sk = s[k];
        let i = b0 + k;
        for (; i + c3 < e; i += c4) {
          out[i] = pk * a[i] + qk * (b[i] - rk) + sk;
          out[i + c] = pk * a[i + c] + qk * (b[i + c] - rk) + sk;
          out[i + c2] = pk * a[i + c2] + qk * (b[i + c2] - rk) + sk;
          out[i + c3] = pk * a[i + c3] + qk * (b[i + c3] - rk) + sk;
        }
        for (; i < e; i += c) out[i] = pk * a[i] + qk * (b[i] - rk) + sk;
      }
    return;
  }
  for (let k = 0; k < c; k++) {
    const pk = p[k];
    const qk = q[k];
    const rk = r[k];
    const sk = s[k];
    for (let base = k * inner; base < n; base += step)
      for (let i = base, end = base + inner; i < end; i++)
        out[i] = pk * a[i] + qk * (b[i] - rk) + sk;
  }
}

const sumDotTask = hostTask(channelSumDot, { block });
const scaleTask = hostTask(channelScale, { block });
const affineTask = hostTask(channelAffine, { block });
const sumsTask = hostTask(channelSums, { block });

/** {@link channelSumDot} split over the cores (runtime/kernels/parts.ts), partial sums added. */
function sumDotParts(
  a: Float32Array,
  b: Float32Array,
  c: number,
  inner: number,
  shift: Float64Array,
  sums: Float64Array,
  dots: Float64Array,
): void {
  runSummingParts(
    sumDotTask,
    a.length,
    c * inner,
    [sums, dots],
    (s, e, [su, d]): Parameters<typeof channelSumDot> => [
      a.subarray(s, e),
      b.subarray(s, e),
      c,
      inner,
      shift,
      su,
      d,
    ],
  );
}

/** {@link channelSums} split over the cores, partial sums added (also for sum.ts). */
export function channelSumsParts(
  a: Float32Array,
  c: number,
  inner: number,
  shift: Float64Array,
  out: Float64Array,
): void {
  runSummingParts(
    sumsTask,
    a.length,
    c * inner,
    [out],
    (s, e, [o]): Parameters<typeof channelSums> => [a.subarray(s, e), c, inner, shift, o],
  );
}

/**
 * Batch norm in training mode as one op, forward and backward each a few passes over the data
 * in plain JS (sums in float64): `y = (x - mean) * rstd * gamma + beta`, `rstd = 1 / sqrt(var +
 * eps)`, with the batch statistics over every axis but `axis`, and the gradient
 * `dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat))`, `dgamma = sum(dy * xhat)`,
 * `dbeta = sum(dy)`: what tfjs's moments + batchNorm give through their gradients, which on wasm
 * are about 60 kernels for the pair (a sixth of a LeNet-BN step; bench/batch-norm.ts measures
 * both, bench/results.md records it). `gamma` or `beta` null: 1 and 0 (no gradient for them).
 * Reads its inputs synchronously: for backends with `dataSync` (cpu, wasm); on wasm it reads and
 * writes the heap in place (runtime/kernels/host-arrays.ts), without copies, and on the threaded
 * backend each pass is split by rows over the cores (runtime/kernels/host-pool.ts).
 */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor | null,
  beta: tf.Tensor | null,
  axis: number,
  epsilon: number,
): BatchNormTraining {
  const c = x.shape[axis];
  const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const n = x.size;
  const m = n / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const g = gamma ? (gamma.dataSync() as Float32Array) : new Float32Array(c).fill(1);
  const b = beta ? (beta.dataSync() as Float32Array) : new Float32Array(c);
  {
    // One pass: sum of x and sum of (x - first) x per channel, `first` its first value (a shift
    // that keeps the variance exact in float64 however large the mean).
    const xs = hostView(x);
    const first = Float64Array.from({ length: c }, (_, k) => xs[k * inner]);
    const dot = new Float64Array(c);
    sumDotParts(xs, xs, c, inner, first, mean, dot);
    for (let k = 0; k < c; k++) {
      const d = mean[k] - m * first[k]; // sum of (x - first)
      // sum of (x - first)^2 = dot - first * d; minus d^2 / m: sum of (x - mean)^2.
      variance[k] = Math.max(0, dot[k] - first[k] * d - (d * d) / m) / m;
      mean[k] /= m;
    }
  }
  const rstd = new Float64Array(c);
  for (let k = 0; k < c; k++) rstd[k] = 1 / Math.sqrt(variance[k] + epsilon);
  // gamma * rstd: the slope of y in x, and the factor of every term of dx.
  const scale = Float64Array.from(rstd, (r, k) => r * g[k]);
  const op = tf.customGrad((...args: unknown[]) => {
    const inputs = args.length - 1;
    const save = args[inputs] as tf.GradSaveFunc;
    save([x]);
    // y = scale * x + (beta - scale * mean)
    const offset = Float64Array.from(scale, (s, k) => b[k] - s * mean[k]);
    const y = newTensor(x.shape, (ys) => {
      const xs = hostView(x);
      runParts(
        scaleTask,
        splitRange(n, c * inner).map(([s, e]) => [
          xs.subarray(s, e),
          c,
          inner,
          scale,
          offset,
          ys.subarray(s, e),
        ]),
      );
    });
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const dyT = Array.isArray(dy) ? dy[0] : dy;
        const xT = saved[0];
        const sumDy = new Float64Array(c);
        const sumDyXc = new Float64Array(c); // sum of dy * (x - mean)
        const dx = newTensor(x.shape, (out) => {
          const dys = hostView(dyT);
          const xs = hostView(xT);
          if (dys.length !== n) throw new Error('batch norm gradient: dy of another size than x');
          sumDotParts(xs, dys, c, inner, mean, sumDy, sumDyXc);
          // dx = scale dy - scale rstd^2 sumDyXc / m (x - mean) - scale sumDy / m
          const slope = Float64Array.from(
            scale,
            (ak, k) => (-ak * rstd[k] * rstd[k] * sumDyXc[k]) / m,
          );
          const shift = Float64Array.from(scale, (ak, k) => (-ak * sumDy[k]) / m);
          const coef = { p: scale, q: slope, r: mean, s: shift };
          runParts(
            affineTask,
            splitRange(n, c * inner).map(([s, e]) => [
              dys.subarray(s, e),
              xs.subarray(s, e),
              c,
              inner,
              coef,
              out.subarray(s, e),
            ]),
          );
        });
        const grads = [dx];
        const dgamma = Float32Array.from(sumDyXc, (s, k) => s * rstd[k]);
        if (gamma) grads.push(tf.tensor(dgamma, gamma.shape, 'float32'));
        if (beta) grads.push(tf.tensor(Float32Array.from(sumDy), beta.shape, 'float32'));
        return grads.slice(0, inputs);
      },
    };
  });
  const y = op(...[x, gamma, beta].filter((t): t is tf.Tensor => t !== null));
  return {
    y,
    mean: tf.tensor1d(Float32Array.from(mean), 'float32'),
    variance: tf.tensor1d(Float32Array.from(variance), 'float32'),
  };
}
