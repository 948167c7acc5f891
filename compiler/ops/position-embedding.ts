import { formatDim, formatShape } from '../ir/shape.js';
import { positive } from './attrs.js';
import { defineOp, GLOROT_UNIFORM, OpError, type WeightInit } from './op.js';
import { enumType, floatType, intType } from './param-types.js';

const params = [
  {
    name: 'sequence_length',
    type: intType,
    doc: 'The longest sequence the table covers (its rows); a known input length must not exceed it.',
  },
  {
    name: 'init',
    type: enumType(['glorot_uniform', 'normal'] as const),
    default: 'glorot_uniform',
    doc: 'How the table starts: `"glorot_uniform"` (Keras-Hub\'s default) or `"normal"` (N(0, `stddev`)).',
  },
  {
    name: 'stddev',
    type: floatType,
    default: 0.02,
    doc: 'Standard deviation of `init: "normal"`.',
  },
] as const;

/**
 * A learned position embedding (Keras-Hub's PositionEmbedding): a table `embeddings` of
 * `[sequence_length, ...feature]`; the output is its first T rows for an input `[T, ...feature]`
 * (T may be symbolic: the lowerings read it at run time), repeated over the batch. The input's
 * values are not read.
 */
export const positionEmbedding = defineOp({
  name: 'position_embedding',
  category: 'embedding',
  doc: 'The first T rows of a learned `[sequence_length, ...feature]` table for an input `[T, ...feature]` (any T up to `sequence_length`, symbolic too; only its shape is read), the same for every sample: `x + (x |> position_embedding(1024))` adds it. 0 MACs.',
  inputs: { min: 1, max: 1 },
  params,
  weightDocs: [{ name: 'embeddings', shape: '[sequence_length, ...feature]', trainable: true }],
  shape([x], a) {
    positive(a, 'sequence_length');
    positive(a, 'stddev');
    if (x.length < 2) {
      throw new OpError(
        `position_embedding needs a sequence of vectors [T, ...feature], found ${formatShape(x)}`,
        'E3001',
      );
    }
    const unknown = x.slice(1).find((d) => typeof d !== 'number');
    if (unknown !== undefined) {
      throw new OpError(
        `the feature dims of ${formatShape(x)} must be known to size the table; ${formatDim(unknown)} is not`,
        'E3004',
      );
    }
    const t = x[0];
    if (typeof t === 'number' && t > a.sequence_length) {
      throw new OpError(
        `the sequence has ${t} steps, more than sequence_length ${a.sequence_length}`,
        'E3001',
        undefined,
        [`input: ${formatShape(x)}`, `table: [${a.sequence_length}, ${x.slice(1).join(', ')}]`],
      );
    }
    return [...x];
  },
  weights: ([x], a) => [
    {
      name: 'embeddings',
      shape: [a.sequence_length, ...(x.slice(1) as number[])],
      trainable: true,
      init: (a.init === 'normal'
        ? { kind: 'normal', stddev: a.stddev }
        : GLOROT_UNIFORM) as WeightInit,
    },
  ],
  macs: () => 0n,
  tfjs: (c) =>
    c.custom('NetcPositionEmbedding', {
      name: c.name,
      sequenceLength: c.attrs.sequence_length,
      feature: c.inputs[0].slice(1) as number[],
      init: c.attrs.init,
      stddev: c.attrs.stddev,
    }),
  // The table's first T rows, T read from the input's shape at run time, expanded to the input.
  onnx(c) {
    const table = c.constant('embeddings', c.weight('embeddings'));
    const shape = c.node('Shape', [c.inputAs(0, 'channels_last')], {}, 'input_shape');
    const t = c.node('Slice', [shape, c.int64s('one', [1]), c.int64s('two', [2])], {}, 'length');
    const rows = c.node(
      'Slice',
      [table, c.int64s('zero', [0]), t, c.int64s('axis', [0])],
      {},
      'rows',
    );
    const one = c.node('Unsqueeze', [rows, c.int64s('batch_axis', [0])], {}, 'unsqueezed');
    return { name: c.node('Expand', [one, shape]), layout: 'channels_last' };
  },
});
