import type { WeightArray } from '../ir/weights.js';

/** Weight arrays rearranged for ONNX (plain loops; compiler/ loads no tensor library). */

/** A copy of `w` with its axes permuted: output axis `i` is input axis `perm[i]`. */
export function transposeWeight(w: WeightArray, perm: readonly number[]): WeightArray {
  const rank = w.shape.length;
  if (perm.length !== rank || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) {
    throw new Error(`perm [${perm.join(', ')}] is not a permutation of rank ${rank}`);
  }
  const shape = perm.map((p) => w.shape[p]);
  const inStrides = strides(w.shape);
  const step = perm.map((p) => inStrides[p]);
  const out = new Float32Array(w.data.length);
  if (rank <= 4) {
    // Leading axes of size 1 make it rank 4; tiles of T on every axis keep both the reads and
    // the writes of a tile in cache (a 1x1 conv kernel is a plain [in, out] matrix transpose).
    const pad = 4 - rank;
    const [n0, n1, n2, n3] = [...Array<number>(pad).fill(1), ...shape];
    const [s0, s1, s2, s3] = [...Array<number>(pad).fill(0), ...step];
    const src = w.data;
    const T = 16;
    for (let a0 = 0; a0 < n0; a0 += T)
      for (let b0 = 0; b0 < n1; b0 += T)
        for (let c0 = 0; c0 < n2; c0 += T)
          for (let d0 = 0; d0 < n3; d0 += T) {
            const [a1, b1, c1, d1] = [a0 + T, b0 + T, c0 + T, d0 + T];
            for (let a = a0; a < a1 && a < n0; a++)
              for (let b = b0; b < b1 && b < n1; b++)
                for (let c = c0; c < c1 && c < n2; c++) {
                  const base = a * s0 + b * s1 + c * s2;
                  let o = ((a * n1 + b) * n2 + c) * n3 + d0;
                  for (let d = d0; d < d1 && d < n3; d++) out[o++] = src[base + d * s3];
                }
          }
    return { shape, data: out };
  }
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = w.data[src];
    // Odometer over the output shape, moving `src` by the input stride of each digit.
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      src += step[k];
      if (index[k] < shape[k]) break;
      src -= step[k] * shape[k];
      index[k] = 0;
    }
  }
  return { shape, data: out };
}

/** The same data with another shape of the same size. */
export function reshapeWeight(w: WeightArray, shape: readonly number[]): WeightArray {
  const n = shape.reduce((p, d) => p * d, 1);
  if (n !== w.data.length) {
    throw new Error(`cannot reshape [${w.shape.join(', ')}] to [${shape.join(', ')}]`);
  }
  return { shape: [...shape], data: w.data };
}

/** A float32 scalar. */
export const scalarWeight = (v: number): WeightArray => ({ shape: [], data: Float32Array.of(v) });

/** A 1-D array of `n` copies of `v`. */
export const filledWeight = (n: number, v: number): WeightArray => ({
  shape: [n],
  data: new Float32Array(n).fill(v),
});

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    out[k] = s;
    s *= shape[k];
  }
  return out;
}
