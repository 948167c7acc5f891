import type { Dim } from '../ir/shape.js';

/**
 * Output length of a transposed convolution, as Keras's `deconv_output_length` computes it
 * (dilation 1): without `outputPadding`, `valid` gives `n * s + max(k - s, 0)` and `same`
 * `n * s`; with it, `(n - 1) * s + k - 2 * pad + outputPadding`, pad `k // 2` under `same`.
 */
export function deconvLength(
  n: Dim,
  k: number,
  s: number,
  padding: 'same' | 'valid',
  outputPadding: number | null,
): Dim {
  if (typeof n !== 'number') return null;
  if (outputPadding === null) return padding === 'valid' ? n * s + Math.max(k - s, 0) : n * s;
  const pad = padding === 'same' ? Math.floor(k / 2) : 0;
  return (n - 1) * s + k - 2 * pad + outputPadding;
}

/**
 * How a transposed convolution of an `n`-long axis to `out` crops its full result
 * `(n - 1) * s + k` (TensorFlow's gradient of the forward convolution whose input is `out`
 * long): `[before, after]` rows dropped, and `extra` zero-input rows added at the end when `out`
 * is longer than the full result. `before` is the forward `same` padding before (the smaller
 * half), 0 under `valid`.
 */
export function deconvCrop(
  n: number,
  k: number,
  s: number,
  out: number,
): { before: number; after: number; extra: number } {
  const total = (n - 1) * s + k - out;
  if (total <= 0) return { before: 0, after: 0, extra: -total };
  const before = Math.floor(total / 2);
  return { before, after: total - before, extra: 0 };
}

/**
 * True when the forward convolution of an `out`-long input (kernel `k`, stride `s`) gives back
 * `n` positions, which TensorFlow's transposed convolution requires of its output length.
 */
export function deconvConsistent(
  n: number,
  k: number,
  s: number,
  padding: 'same' | 'valid',
  out: number,
): boolean {
  const forward = padding === 'same' ? Math.ceil(out / s) : Math.floor((out - k) / s) + 1;
  return forward === n;
}
