import type { Dim } from '../ir/shape.js';
import { defineOp, OpError } from './op.js';
import { dimListType } from './param-types.js';

/** A model input. The compiler creates one per signature parameter; it is not called by users. */
export const input = defineOp({
  name: 'input',
  category: 'input',
  doc: 'A model input of the given per-sample shape (no batch dimension); the compiler creates one for each input in the model signature.',
  inputs: { min: 0, max: 0 },
  params: [
    {
      name: 'shape',
      type: dimListType,
      doc: 'Dimensions: sizes, symbolic names (`T`), or `none` for unknown.',
    },
  ],
  shape(_inputs, a) {
    const dims: Dim[] = a.shape;
    const bad = dims.find((d) => typeof d === 'number' && (!Number.isInteger(d) || d <= 0));
    if (bad !== undefined) {
      throw new OpError(
        `invalid value for 'shape': dimensions must be strictly positive, found ${bad}`,
        'E2002',
        'shape',
      );
    }
    return dims;
  },
  weights: () => [],
  macs: () => 0n,
  tfjs: (c) =>
    c.tf.layers.inputLayer({
      name: c.name,
      batchInputShape: [null, ...c.output.map((d) => (typeof d === 'number' ? d : null))],
    }),
  onnx: (c) => c.graphInput(),
});
