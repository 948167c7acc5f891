import type { Shape } from '../ir/shape.js';
import { axisPaddings, samePadding } from './conv-geometry.js';
import type { OnnxAttr } from './onnx.js';
import type { AttrValue } from './op.js';

/** A sliding window as netc's attributes describe it, one entry per spatial axis. */
export interface Window {
  readonly kernel: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  /** The validated `padding` attribute: `"same"`, `"valid"` or `[before, after]` per axis. */
  readonly padding: AttrValue;
}

/**
 * The padding of an ONNX Conv / MaxPool / AveragePool node, as `[begin..., end...]`: `"same"`
 * follows TensorFlow (the odd zero goes after), computed from the input size when it is known
 * (with stride 1 the size does not matter); an unknown size under stride > 1 is left to
 * `auto_pad: SAME_UPPER`, which pads the same way at run time. Returns null in that case.
 */
export function onnxPads(input: Shape, w: Window): number[] | null {
  const rank = w.kernel.length;
  const axes = axisPaddings(w.padding, rank);
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < rank; i++) {
    const p = axes[i];
    const n = input[i];
    let pair: readonly [number, number];
    if (p === 'valid') pair = [0, 0];
    else if (p !== 'same') pair = p;
    else if (typeof n === 'number') pair = samePadding(n, w.kernel[i], w.stride[i], w.dilation[i]);
    else if (w.stride[i] === 1) pair = samePadding(1, w.kernel[i], 1, w.dilation[i]);
    else return null;
    begin.push(pair[0]);
    end.push(pair[1]);
  }
  return [...begin, ...end];
}

/**
 * `kernel_shape`, `strides`, `pads` (or `auto_pad`) and, unless `dilations` is false (ONNX's
 * AveragePool before opset 19 has none), `dilations`.
 */
export function onnxWindowAttrs(
  input: Shape,
  w: Window,
  dilations = true,
): Record<string, OnnxAttr> {
  const attrs: Record<string, OnnxAttr> = { kernel_shape: w.kernel, strides: w.stride };
  if (dilations) attrs.dilations = w.dilation;
  const pads = onnxPads(input, w);
  if (pads) attrs.pads = pads;
  else attrs.auto_pad = 'SAME_UPPER';
  return attrs;
}

/**
 * `perm` from a Keras convolution kernel `[...kernel_size, in, out]` to ONNX's
 * `[out, in, ...kernel_size]`.
 */
export const kernelPerm = (rank: number): number[] => [
  rank + 1,
  rank,
  ...Array.from({ length: rank }, (_, i) => i),
];
