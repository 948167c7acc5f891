import type { Dim } from '../ir/shape.js';
import { OpError } from './op.js';

/** Padding of one spatial axis: a mode, or explicit [before, after] zeros. */
export type AxisPadding = 'same' | 'valid' | readonly [number, number];

/**
 * Output length of a sliding window along one axis, TensorFlow rules:
 * `same` gives ceil(n / stride) (padding split with the extra zero after, as TF does);
 * `valid` gives floor((n - effective_kernel) / stride) + 1; explicit pads are added first.
 * Below 1 when the window is larger than the (padded) input, which `windowOutput` reports.
 * Depends on nothing but types: runtime/layers use it, and `netc compile` embeds it in the
 * modules it generates.
 */
export function windowLength(
  n: Dim,
  kernel: number,
  stride: number,
  dilation: number,
  padding: AxisPadding,
): Dim {
  if (typeof n !== 'number') return padding === 'same' && stride === 1 ? n : null;
  if (padding === 'same') return Math.ceil(n / stride);
  const padded = padding === 'valid' ? n : n + padding[0] + padding[1];
  return Math.floor((padded - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/** The complaint about a window that does not fit its input (`windowLength` below 1). */
export function windowTooLarge(
  n: number,
  kernel: number,
  dilation: number,
  padding: AxisPadding,
  axisName: string,
): string {
  const effective = (kernel - 1) * dilation + 1;
  const padded = padding === 'valid' || padding === 'same' ? n : n + padding[0] + padding[1];
  const how = padding === 'valid' ? "under 'valid' padding" : `after padding to ${padded}`;
  const dil = dilation > 1 ? ` (effective size ${effective} with dilation ${dilation})` : '';
  return `kernel of size ${kernel}${dil} is larger than the input ${axisName} ${n} ${how}`;
}

/** `windowLength`, validated: a window larger than its input is an `OpError` (E3003). */
export function windowOutput(
  n: Dim,
  kernel: number,
  stride: number,
  dilation: number,
  padding: AxisPadding,
  axisName: string,
): Dim {
  const out = windowLength(n, kernel, stride, dilation, padding);
  if (typeof n === 'number' && padding !== 'same' && (out as number) < 1) {
    const effective = (kernel - 1) * dilation + 1;
    throw new OpError(
      windowTooLarge(n, kernel, dilation, padding, axisName),
      'E3003',
      'kernel_size',
      [`the input ${axisName} must be at least ${effective}; use padding: "same" to keep the size`],
    );
  }
  return out;
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
