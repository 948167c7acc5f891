import { num, positive } from './attrs.js';
import { defineOp } from './op.js';
import { intType } from './param-types.js';

export const embedding = defineOp({
  name: 'embedding',
  category: 'embedding',
  doc: 'Looks up a learned vector for each integer id in `[0, input_dim)`: `[T]` gives `[T, output_dim]` (any input shape gains a last axis). A lookup, so 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'input_dim', type: intType, doc: 'Vocabulary size: ids are in `[0, input_dim)`.' },
    { name: 'output_dim', type: intType, doc: 'Size of each embedding vector.' },
  ],
  weightDocs: [{ name: 'embeddings', shape: '[input_dim, output_dim]', trainable: true }],
  shape([x], a) {
    positive(a, 'input_dim');
    positive(a, 'output_dim');
    return [...x, num(a, 'output_dim')];
  },
  weights: (_x, a) => [
    { name: 'embeddings', shape: [num(a, 'input_dim'), num(a, 'output_dim')], trainable: true },
  ],
  macs: () => 0,
  tfjs: (c) =>
    c.tf.layers.embedding({
      name: c.name,
      inputDim: num(c.attrs, 'input_dim'),
      outputDim: num(c.attrs, 'output_dim'),
    }),
});
