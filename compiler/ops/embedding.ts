import { formatShape } from '../ir/shape.js';
import { exactProduct, positive } from './attrs.js';
import { defineOp, OpError, type LayerApplication } from './op.js';
import { boolType, intType } from './param-types.js';

/** The rank, batch included, of what a tied embedding's applications take: lookups, reverses. */
const ranks = (apps: readonly LayerApplication[], reverse: boolean): number[] => [
  ...new Set(apps.filter((a) => a.attrs.reverse === reverse).map((a) => a.inputs[0].length + 1)),
];

export const embedding = defineOp({
  name: 'embedding',
  category: 'embedding',
  doc: 'Looks up a learned vector for each integer id in `[0, input_dim)`: `[T]` gives `[T, output_dim]` (any input shape gains a last axis), a lookup (0 MACs). With `reverse: true` it scores `[..., output_dim]` vectors against the same matrix, `x @ embeddings^T` gives `[..., input_dim]` (`input_dim * output_dim` MACs per vector): with `shares:` naming the lookup, the tied output projection of a language model.',
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
    {
      name: 'reverse',
      type: boolType,
      default: false,
      doc: 'Project `[..., output_dim]` vectors onto the embeddings (`x @ embeddings^T`) instead of looking ids up; an argument of the application, so a `shares:` of the lookup may set it.',
    },
  ],
  weightDocs: [{ name: 'embeddings', shape: '[input_dim, output_dim]', trainable: true }],
  shape([x], a) {
    positive(a, 'input_dim');
    positive(a, 'output_dim');
    if (!a.reverse) return [...x, a.output_dim];
    const last = x[x.length - 1];
    if (x.length === 0 || (typeof last === 'number' && last !== a.output_dim)) {
      throw new OpError(
        `embedding(reverse: true) maps [..., output_dim] vectors to [..., input_dim]: expected a last dim of ${a.output_dim}, found ${formatShape(x)}`,
        'E3001',
        'reverse',
      );
    }
    return [...x.slice(0, -1), a.input_dim];
  },
  weights: (_x, a) => [
    {
      name: 'embeddings',
      shape: [a.input_dim, a.output_dim],
      trainable: true,
      init: { kind: 'uniform', limit: 0.05 },
    },
  ],
  macs: ([x], a) => (a.reverse ? exactProduct([...x, a.input_dim]) : 0n),
  callParams: ['reverse'],
  // On tfjs one layer serves every application and tells a reverse one by its input's rank.
  checkShared(apps) {
    const both = ranks(apps, false).filter((r) => ranks(apps, true).includes(r));
    if (both.length === 0) return undefined;
    return `embedding applies to ids and, with reverse: true, to vectors of the same rank (${both[0] - 1} without the batch); one shared embedding needs them to differ`;
  },
  tfjs(c) {
    const apps = c.applications ?? [{ attrs: c.attrs, inputs: c.inputs }];
    const reverseRanks = ranks(apps, true);
    return reverseRanks.length === 0
      ? c.tf.layers.embedding({
          name: c.name,
          inputDim: c.attrs.input_dim,
          outputDim: c.attrs.output_dim,
        })
      : c.custom('NetcEmbedding', {
          name: c.name,
          inputDim: c.attrs.input_dim,
          outputDim: c.attrs.output_dim,
          reverseRanks,
        });
  },
  // Ids arrive as floats, truncated to integers as tfjs's Embedding does (Cast rounds to 0).
  onnx(c) {
    const table = c.weight('embeddings');
    if (c.attrs.reverse) {
      const [n, d] = [c.attrs.input_dim, c.attrs.output_dim];
      const t = new Float32Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) t[j * n + i] = table.data[i * d + j];
      const transposed = c.constant('embeddings_t', { shape: [d, n], data: t });
      const x = c.inputAs(0, 'channels_last');
      return { name: c.node('MatMul', [x, transposed]), layout: 'channels_last' };
    }
    const ids = c.node('Cast', [c.inputAs(0, 'channels_last')], { to: ONNX_INT64 }, 'ids');
    const constant = c.constant('embeddings', table);
    return { name: c.node('Gather', [constant, ids], { axis: 0 }), layout: 'channels_last' };
  },
});

/** TensorProto.DataType.INT64. */
const ONNX_INT64 = 7;
