import { invalid } from './attrs.js';
import { defineOp } from './op.js';
import { floatType } from './param-types.js';

export const dropout = defineOp({
  name: 'dropout',
  category: 'regularization',
  doc: 'During training, zeroes each element with probability `rate` and scales the rest by `1 / (1 - rate)`; the identity at inference. Keeps the input shape; 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    {
      name: 'rate',
      type: floatType,
      default: 0.5,
      doc: 'Fraction of elements to drop, in [0, 1).',
    },
  ],
  shape([x], a) {
    const rate = a.rate;
    if (!(rate >= 0 && rate < 1)) throw invalid('rate', 'a value in [0, 1)', rate);
    return x;
  },
  weights: () => [],
  macs: () => 0n,
  tfjs: (c) => c.tf.layers.dropout({ name: c.name, rate: c.attrs.rate }),
  // The identity at inference (ONNX runtimes drop the node).
  onnx(c) {
    const x = c.input(0);
    return { name: c.node('Identity', [x.name]), layout: x.layout };
  },
});
