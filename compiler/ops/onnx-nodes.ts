import type { OnnxContext, OnnxLayout } from './onnx.js';

/** Node patterns that several ONNX lowerings share. */

/**
 * ReduceMean / ReduceMax / ... over `axes`: an attribute up to opset 17, an int64 input from
 * opset 18 on.
 */
export function reduce(
  c: OnnxContext,
  opType: 'ReduceMean' | 'ReduceMax',
  input: string,
  axes: readonly number[],
  keepdims: boolean,
  suffix?: string,
): string {
  const keep = keepdims ? 1 : 0;
  if (c.opset < 18) return c.node(opType, [input], { axes, keepdims: keep }, suffix);
  const axesName = c.int64s(suffix ? `${suffix}/axes` : 'axes', axes);
  return c.node(opType, [input, axesName], { keepdims: keep }, suffix);
}

/** `suffix/part` under a sub-node prefix, or just `part` for the node's own constants. */
export const subName = (suffix: string | undefined, part: string): string =>
  suffix ? `${suffix}/${part}` : part;

/** The bias input of an ONNX Conv / Gemm / Add, when the op has one (`bias: true`). */
export const onnxBias = (c: OnnxContext<{ readonly bias: boolean }>): string[] =>
  c.attrs.bias ? [c.constant('bias', c.weight('bias'))] : [];

/**
 * The layout in which to combine several inputs (add, concat...): the one most of them already
 * have, the first input's on a tie, so that as few as possible need a Transpose.
 */
export function commonLayout(c: OnnxContext): OnnxLayout {
  const layouts = c.inputs.map((_, i) => c.input(i).layout);
  const first = layouts.filter((l) => l === 'channels_first').length;
  const last = layouts.length - first;
  return first === last ? layouts[0] : first > last ? 'channels_first' : 'channels_last';
}
