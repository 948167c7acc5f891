import { formatShape, type Shape } from '../ir/shape.js';
import { axisIndex } from './attrs.js';
import { defineOp, OpError } from './op.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { intType } from './param-types.js';
import type { TfjsContext } from './op.js';
import type * as Tfjs from '@tensorflow/tfjs';

/** The axis to remove, checked to be a known size 1. */
function squeezed(x: Shape, a: { readonly axis: number }): number {
  const axis = axisIndex(a, 'axis', x.length);
  if (x[axis] !== 1) {
    throw new OpError(
      `squeeze removes a dimension of size 1, but dimension ${axis} of ${formatShape(x)} is ${String(x[axis])}`,
      'E3004',
      'axis',
    );
  }
  return axis;
}

/** The axis at which expand_dims inserts a 1, over the output's `rank + 1` dims. */
function inserted(x: Shape, a: { readonly axis: number }): number {
  return axisIndex(a, 'axis', x.length + 1);
}

/** netc's layer (tfjs's Reshape needs the sizes, at most one unknown). */
function reshapeLayer(
  c: TfjsContext<{ readonly axis: number }>,
  mode: 'squeeze' | 'expand_dims',
  axis: number,
): Tfjs.layers.Layer {
  return c.custom('NetcAxisReshape', { name: c.name, mode, axis: axis + 1 });
}

/** Squeeze / Unsqueeze on the netc-ordered tensor (axes count the batch). */
function onnxAxisReshape(c: OnnxContext, opType: string, axis: number): OnnxValue {
  const axes = c.int64s('axes', [axis + 1]);
  return { name: c.node(opType, [c.inputAs(0, 'channels_last'), axes]), layout: 'channels_last' };
}

const axisParam = (doc: string) => ({ name: 'axis', type: intType, doc }) as const;

export const squeeze = defineOp({
  name: 'squeeze',
  category: 'reshaping',
  doc: 'Removes dimension `axis` (batch excluded), which must be 1: `[1, 64]` gives `[64]`; 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [axisParam('The dimension to remove, of size 1 (negative counts from the end).')],
  shape([x], a) {
    const axis = squeezed(x, a);
    return x.filter((_, i) => i !== axis);
  },
  weights: () => [],
  macs: () => 0n,
  tfjs: (c) => reshapeLayer(c, 'squeeze', squeezed(c.inputs[0], c.attrs)),
  onnx: (c) => onnxAxisReshape(c, 'Squeeze', squeezed(c.inputs[0], c.attrs)),
});

export const expandDims = defineOp({
  name: 'expand_dims',
  category: 'reshaping',
  doc: 'Inserts a dimension of size 1 at `axis` of the output (batch excluded): `[64]` with axis 0 gives `[1, 64]`, with -1 `[64, 1]`; 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    axisParam('Where the new dimension goes, over the output dims (negative from the end).'),
  ],
  shape([x], a) {
    const axis = inserted(x, a);
    return [...x.slice(0, axis), 1, ...x.slice(axis)];
  },
  weights: () => [],
  macs: () => 0n,
  tfjs: (c) => reshapeLayer(c, 'expand_dims', inserted(c.inputs[0], c.attrs)),
  onnx: (c) => onnxAxisReshape(c, 'Unsqueeze', inserted(c.inputs[0], c.attrs)),
});
