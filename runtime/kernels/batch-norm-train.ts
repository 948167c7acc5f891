import * as tf from '@tensorflow/tfjs';

/** The batch statistics and the normalized output of one training-mode batch norm. */
export interface BatchNormTraining {
  readonly y: tf.Tensor;
  /** Per channel, `[c]`: the batch mean and the (biased) batch variance, as tfjs's moments. */
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
}

/*
 * The loops below see the data as `[outer, c, inner]` (channel k: elements
 * `(o * c + k) * inner + j`), with `inner === 1` (channels last) written apart. Each pass is its
 * own small function so that V8 keeps it monomorphic; about 2 ms per pass over a LeNet-BN
 * conv 1 batch (884,736 values) once warm.
 */

/** `out[k] += sum of (a - shift[k])` over channel k (`b` given: of `(a - shift[k]) * b`). */
function channelSums(
  a: Float32Array,
  c: number,
  inner: number,
  shift: Float64Array,
  out: Float64Array,
  b?: Float32Array,
): void {
  const n = a.length;
  if (inner === 1) {
    for (let base = 0; base < n; base += c)
      for (let k = 0; k < c; k++) {
        const d = a[base + k] - shift[k];
        out[k] += b ? d * b[base + k] : d;
      }
    return;
  }
  for (let base = 0, k = 0; base < n; base += inner, k = k + 1 === c ? 0 : k + 1) {
    let s = 0;
    const sk = shift[k];
    if (b) for (let i = base; i < base + inner; i++) s += (a[i] - sk) * b[i];
    else for (let i = base; i < base + inner; i++) s += a[i] - sk;
    out[k] += s;
  }
}

/** `out = p[k] * a + q[k] * (b - r[k]) + s[k]` per channel k (`b` null: the `q` term dropped). */
function channelAffine(
  a: Float32Array,
  b: Float32Array | null,
  c: number,
  inner: number,
  coef: { p: Float64Array; q: Float64Array; r: Float64Array; s: Float64Array },
  out: Float32Array,
): void {
  const { p, q, r, s } = coef;
  const n = a.length;
  if (inner === 1) {
    for (let base = 0; base < n; base += c)
      for (let k = 0; k < c; k++) {
        const i = base + k;
        out[i] = b ? p[k] * a[i] + q[k] * (b[i] - r[k]) + s[k] : p[k] * a[i] + s[k];
      }
    return;
  }
  for (let base = 0, k = 0; base < n; base += inner, k = k + 1 === c ? 0 : k + 1) {
    const pk = p[k];
    const qk = q[k];
    const rk = r[k];
    const sk = s[k];
    if (b) for (let i = base; i < base + inner; i++) out[i] = pk * a[i] + qk * (b[i] - rk) + sk;
    else for (let i = base; i < base + inner; i++) out[i] = pk * a[i] + sk;
  }
}

/**
 * Batch norm in training mode as one op, forward and backward each a few passes over the data
 * in plain JS (sums in float64): `y = (x - mean) * rstd * gamma + beta`, `rstd = 1 / sqrt(var +
 * eps)`, with the batch statistics over every axis but `axis`, and the gradient
 * `dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat))`, `dgamma = sum(dy * xhat)`,
 * `dbeta = sum(dy)`: what tfjs's moments + batchNorm give through their gradients, which on wasm
 * are about 60 kernels for the pair (a sixth of a LeNet-BN step; bench/batch-norm.ts measures
 * both, bench/results.md records it). `gamma` or `beta` null: 1 and 0 (no gradient for them).
 * Reads its inputs synchronously: for backends with `dataSync` (cpu, wasm).
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
  const xs = x.dataSync() as Float32Array;
  const m = xs.length / c;
  const zero = new Float64Array(c);
  const mean = new Float64Array(c);
  channelSums(xs, c, inner, zero, mean);
  for (let k = 0; k < c; k++) mean[k] /= m;
  const variance = new Float64Array(c);
  // sum of (x - mean) * x = sum of (x - mean)^2, as sum of (x - mean) is 0.
  channelSums(xs, c, inner, mean, variance, xs);
  const rstd = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    variance[k] /= m;
    rstd[k] = 1 / Math.sqrt(variance[k] + epsilon);
  }
  const g = gamma ? (gamma.dataSync() as Float32Array) : new Float32Array(c).fill(1);
  const b = beta ? (beta.dataSync() as Float32Array) : new Float32Array(c);
  const op = tf.customGrad((...args: unknown[]) => {
    const inputs = args.length - 1;
    // y = scale * x + (beta - scale * mean)
    const scale = Float64Array.from(rstd, (r, k) => r * g[k]);
    const ys = new Float32Array(xs.length);
    const offset = Float64Array.from(scale, (s, k) => b[k] - s * mean[k]);
    channelAffine(xs, null, c, inner, { p: scale, q: zero, r: zero, s: offset }, ys);
    return {
      value: tf.tensor(ys, x.shape, 'float32'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const dys = (Array.isArray(dy) ? dy[0] : dy).dataSync() as Float32Array;
        const sumDy = new Float64Array(c);
        channelSums(dys, c, inner, zero, sumDy);
        const sumDyXc = new Float64Array(c); // sum of dy * (x - mean)
        channelSums(xs, c, inner, mean, sumDyXc, dys);
        // dx = a * dy - a * rstd^2 * sumDyXc / m * (x - mean) - a * sumDy / m, a = gamma * rstd
        const a = Float64Array.from(rstd, (r, k) => r * g[k]);
        const slope = Float64Array.from(a, (ak, k) => (-ak * rstd[k] * rstd[k] * sumDyXc[k]) / m);
        const shift = Float64Array.from(a, (ak, k) => (-ak * sumDy[k]) / m);
        const dx = new Float32Array(xs.length);
        channelAffine(dys, xs, c, inner, { p: a, q: slope, r: mean, s: shift }, dx);
        const grads = [tf.tensor(dx, x.shape, 'float32')];
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
