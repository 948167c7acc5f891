import { formatShape, type Shape } from '../ir/shape.js';
import { show } from './attrs.js';
import { defineOp, OpError } from './op.js';
import { intListType } from './param-types.js';

/** `perm` with negative axes resolved, checked to be a permutation of the input's axes. */
function permutation(x: Shape, perm: readonly number[]): number[] {
  const r = x.length;
  const dims = perm.map((d) => (d < 0 ? d + r : d));
  const sorted = [...dims].sort((p, q) => p - q);
  if (dims.length !== r || sorted.some((d, i) => d !== i)) {
    const all = Array.from({ length: r }, (_, i) => i).join(', ');
    throw new OpError(
      `invalid value for 'perm': expected a permutation of [${all}] for the input ${formatShape(x)}, found ${show(perm)}`,
      'E2002',
      'perm',
      [
        'axes count from 0 over the non-batch dimensions (negative from the end); the batch stays first',
      ],
    );
  }
  return dims;
}

export const transpose = defineOp({
  name: 'transpose',
  category: 'reshaping',
  doc: 'Reorders the non-batch dimensions: output axis `i` is input axis `perm[i]` (0-based, negative from the end: `transpose([1, 0, 2])` turns `[T, heads, D]` into `[heads, T, D]`), like `permute` with negative axes; 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    {
      name: 'perm',
      type: intListType(1),
      doc: 'For each output axis, the input axis it takes (batch excluded, negative from the end).',
    },
  ],
  shape: ([x], a) => permutation(x, a.perm).map((d) => x[d]),
  weights: () => [],
  macs: () => 0n,
  isIdentity: (a, [x]) => permutation(x, a.perm).every((d, i) => d === i),
  // Keras counts the batch: its dims are ours + 1.
  tfjs: (c) =>
    c.tf.layers.permute({
      name: c.name,
      dims: permutation(c.inputs[0], c.attrs.perm).map((d) => d + 1),
    }),
  onnx(c) {
    const perm = [0, ...permutation(c.inputs[0], c.attrs.perm).map((d) => d + 1)];
    const y = c.node('Transpose', [c.inputAs(0, 'channels_last')], { perm });
    return { name: y, layout: 'channels_last' };
  },
});
