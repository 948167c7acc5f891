import * as tf from '@tensorflow/tfjs';
import type { PaddingConfig } from '../../compiler/ops/custom-layers.js';
import {
  windowLength,
  windowTooLarge,
  type AxisPadding,
} from '../../compiler/ops/conv-geometry.js';

/** The constructor arguments every tfjs layer takes (`name`, `trainable`, ...). */
export type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;
/** A tfjs shape: the batch first, `null` for unknown sizes. */
export type TfShape = (number | null)[];
/** What `call` receives as keyword arguments (`training`, `mask`). */
export type Kwargs = Record<string, unknown>;

/** The single input of a one-input layer. */
export function one<T>(inputs: T | T[]): T {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`expected exactly one input, got ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}

/** The single input shape of a one-input layer. */
export function oneShape(shape: TfShape | TfShape[]): TfShape {
  return Array.isArray(shape[0]) ? one(shape as TfShape[]) : (shape as TfShape);
}

/** The padding argument of tf.conv2d / tf.depthwiseConv2d for NHWC input (1-D: height 1). */
export function corePadding(
  padding: PaddingConfig,
): 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]] {
  if (padding === 'same' || padding === 'valid') return padding;
  const [h, w] = padding.length === 1 ? [[0, 0], padding[0]] : padding;
  return [
    [0, 0],
    [h[0], h[1]],
    [w[0], w[1]],
    [0, 0],
  ];
}

/** Output spatial sizes of a window op (netc's own rules, which are TensorFlow's). */
export function windowSizes(
  spatial: (number | null)[],
  kernel: number[],
  strides: number[],
  dilation: number[],
  padding: PaddingConfig,
): (number | null)[] {
  return spatial.map((n, i) => {
    const p: AxisPadding = typeof padding === 'string' ? padding : [padding[i][0], padding[i][1]];
    const out = windowLength(n, kernel[i], strides[i], dilation[i], p);
    if (typeof out !== 'number') return null;
    if (out < 1 && p !== 'same') {
      throw new Error(windowTooLarge(n as number, kernel[i], dilation[i], p, `axis ${i}`));
    }
    return out;
  });
}

/** A rank-1 window op runs as a rank-2 one over `[1, length]`. */
export const as2d = (v: number[]): [number, number] => (v.length === 1 ? [1, v[0]] : [v[0], v[1]]);
