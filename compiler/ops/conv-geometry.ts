import type { Dim } from '../ir/shape.js';
import { OpError } from './op.js';

/** Padding of one spatial axis: a mode, or explicit [before, after] zeros. */
export type AxisPadding = 'same' | 'valid' | readonly [number, number];

/**
 * Output length of a sliding window along one axis, TensorFlow rules:
 * `same` gives ceil(n / stride) (padding split with the extra zero after, as TF does);
 * `valid` gives floor((n - effective_kernel) / stride) + 1; explicit pads are added first.
 */
export function windowOutput(
  n: Dim,
  kernel: number,
  stride: number,
  dilation: number,
  padding: AxisPadding,
  axisName: string,
): Dim {
  if (typeof n !== 'number') return padding === 'same' && stride === 1 ? n : null;
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'same') return Math.ceil(n / stride);
  const padded = padding === 'valid' ? n : n + padding[0] + padding[1];
  if (padded < effective) {
    const how = padding === 'valid' ? "under 'valid' padding" : `after padding to ${padded}`;
    const dil = dilation > 1 ? ` (effective size ${effective} with dilation ${dilation})` : '';
    throw new OpError(
      `kernel of size ${kernel}${dil} is larger than the input ${axisName} ${n} ${how}`,
      'E3003',
      'kernel_size',
      [`the input ${axisName} must be at least ${effective}; use padding: "same" to keep the size`],
    );
  }
  return Math.floor((padded - effective) / stride) + 1;
}

/** TF's `same` padding for one axis: total zeros and how they split (before <= after). */
export function samePadding(
  n: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const out = Math.ceil(n / stride);
  const effective = (kernel - 1) * dilation + 1;
  const total = Math.max((out - 1) * stride + effective - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Per-axis padding from a validated `padding` attribute for `n` axes. */
export function axisPaddings(padding: unknown, n: number): AxisPadding[] {
  if (padding === 'same' || padding === 'valid') return Array(n).fill(padding);
  return (padding as number[][]).map((p) => [p[0], p[1]] as const);
}
