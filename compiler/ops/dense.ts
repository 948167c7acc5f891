import { formatShape } from '../ir/shape.js';
import { exactProduct, expectMinRank, positive } from './attrs.js';
import { activationType, onnxFusedActivation } from './activations.js';
import { onnxBias } from './onnx-nodes.js';
import { GLOROT_UNIFORM, ZEROS, defineOp, OpError, type WeightSpec } from './op.js';
import { boolType, intType } from './param-types.js';
import type { Shape } from '../ir/shape.js';

function inFeatures(x: Shape): number {
  const f = x[x.length - 1];
  if (typeof f !== 'number') {
    throw new OpError(
      `dense needs a known last dimension to size its kernel, but the input is ${formatShape(x)}`,
      'E3004',
    );
  }
  return f;
}

export const dense = defineOp({
  name: 'dense',
  category: 'dense',
  doc: 'Fully connected layer on the last axis: `[..., in]` becomes `[..., units]`, the leading axes are kept (`[T, F]` gives `[T, units]`). MACs: `positions * in * units`.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'units', type: intType, doc: 'Number of output features.' },
    { name: 'bias', type: boolType, default: true, doc: 'Add a learned bias per output feature.' },
    {
      name: 'activation',
      type: activationType,
      default: 'linear',
      doc: 'Activation fused after the op.',
    },
  ],
  weightDocs: [
    { name: 'kernel', shape: '[in, units]', trainable: true },
    { name: 'bias', shape: '[units]', trainable: true, when: 'bias' },
  ],
  shape([x], a) {
    positive(a, 'units');
    expectMinRank(x, 1, 'dense');
    return [...x.slice(0, -1), a.units];
  },
  weights([x], a) {
    const units = a.units;
    const w: WeightSpec[] = [
      { name: 'kernel', shape: [inFeatures(x), units], trainable: true, init: GLOROT_UNIFORM },
    ];
    if (a.bias) w.push({ name: 'bias', shape: [units], trainable: true, init: ZEROS });
    return w;
  },
  macs([x], a) {
    const positions = exactProduct(x.slice(0, -1));
    const f = x[x.length - 1];
    return positions === null || typeof f !== 'number'
      ? null
      : positions * BigInt(f) * BigInt(a.units);
  },
  linear: { kernel: 'kernel', outputAxis: -1 },
  tfjs: (c) =>
    c.tf.layers.dense({
      name: c.name,
      units: c.attrs.units,
      useBias: c.attrs.bias,
      activation: c.activation(c.attrs.activation),
    }),
  // Gemm on [batch, in]; MatMul (+ Add) on the last axis of anything longer, in netc's layout.
  onnx(c) {
    const x = c.inputAs(0, 'channels_last');
    const kernel = c.constant('kernel', c.weight('kernel'));
    const bias = onnxBias(c);
    let y: string;
    if (c.inputs[0].length === 1) y = c.node('Gemm', [x, kernel, ...bias]);
    else if (bias.length === 0) y = c.node('MatMul', [x, kernel]);
    else y = c.node('Add', [c.node('MatMul', [x, kernel], {}, 'matmul'), bias[0]]);
    return onnxFusedActivation(c, { name: y, layout: 'channels_last' });
  },
});
