import { positive } from './attrs.js';
import { defineOp } from './op.js';
import { boolType, intType } from './param-types.js';

export const embedding = defineOp({
  name: 'embedding',
  category: 'embedding',
  doc: 'Looks up a learned vector for each integer id in `[0, input_dim)`: `[T]` gives `[T, output_dim]` (any input shape gains a last axis). A lookup, so 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'input_dim', type: intType, doc: 'Vocabulary size: ids are in `[0, input_dim)`.' },
    { name: 'output_dim', type: intType, doc: 'Size of each embedding vector.' },
    {
      name: 'mask_zero',
      type: boolType,
      default: false,
      doc: "Id 0 is padding (Keras' `mask_zero`): the recurrent layers after the embedding skip those steps (see `step_mask`). The lookup itself is unchanged.",
    },
  ],
  weightDocs: [{ name: 'embeddings', shape: '[input_dim, output_dim]', trainable: true }],
  shape([x], a) {
    positive(a, 'input_dim');
    positive(a, 'output_dim');
    return [...x, a.output_dim];
  },
  weights: (_x, a) => [
    {
      name: 'embeddings',
      shape: [a.input_dim, a.output_dim],
      trainable: true,
      init: { kind: 'uniform', limit: 0.05 },
    },
  ],
  macs: () => 0n,
  tfjs: (c) =>
    c.tf.layers.embedding({
      name: c.name,
      inputDim: c.attrs.input_dim,
      outputDim: c.attrs.output_dim,
    }),
  // Ids arrive as floats, truncated to integers as tfjs's Embedding does (Cast rounds to 0).
  onnx(c) {
    const ids = c.node('Cast', [c.inputAs(0, 'channels_last')], { to: ONNX_INT64 }, 'ids');
    const table = c.constant('embeddings', c.weight('embeddings'));
    return { name: c.node('Gather', [table, ids], { axis: 0 }), layout: 'channels_last' };
  },
});

/** TensorProto.DataType.INT64. */
const ONNX_INT64 = 7;
