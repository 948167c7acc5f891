import type { OnnxLayout } from './onnx.js';

/**
 * Axis arithmetic for ONNX tensors in netc's layout or channels-first (see `OnnxLayout`).
 * `rank` is always netc's rank, without the batch; ONNX axes count the batch as axis 0.
 */

/** The layout a tensor of this rank really has: with one axis or none, both are the same. */
export const effectiveLayout = (rank: number, layout: OnnxLayout): OnnxLayout =>
  rank <= 1 ? 'channels_last' : layout;

/** The ONNX axis that holds netc axis `axis` (0-based, batch excluded) in `layout`. */
export function onnxAxis(axis: number, rank: number, layout: OnnxLayout): number {
  if (effectiveLayout(rank, layout) === 'channels_last') return axis + 1;
  return axis === rank - 1 ? 1 : axis + 2;
}

/**
 * For each ONNX axis of a tensor in `layout`, the netc axis it holds, counting the batch as 0:
 * `[0, 3, 1, 2]` for a channels-first image.
 */
export function layoutAxes(rank: number, layout: OnnxLayout): number[] {
  const out = [0];
  for (let k = 1; k <= rank; k++) out.push(0);
  for (let a = 0; a < rank; a++) out[onnxAxis(a, rank, layout)] = a + 1;
  return out;
}

/** The `perm` of a Transpose that takes a tensor from layout `from` to layout `to`. */
export function layoutPerm(rank: number, from: OnnxLayout, to: OnnxLayout): number[] {
  const src = layoutAxes(rank, from);
  return layoutAxes(rank, to).map((netcAxis) => src.indexOf(netcAxis));
}

/** The ONNX axes of every non-batch axis but the last (channel) one: the spatial axes. */
export const spatialAxes = (rank: number, layout: OnnxLayout): number[] =>
  Array.from({ length: rank - 1 }, (_, a) => onnxAxis(a, rank, layout));

/**
 * The shape of a per-feature constant (size `n` along netc axis `axis`) that broadcasts against
 * a tensor in `layout` (numpy rules: trailing axes align): `[n, 1, 1]` for channels-first images.
 */
export function featureShape(n: number, axis: number, rank: number, layout: OnnxLayout): number[] {
  const at = onnxAxis(axis, rank, layout);
  return [n, ...Array<number>(rank - at).fill(1)];
}
