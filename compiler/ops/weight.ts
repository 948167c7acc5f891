import { positive } from './attrs.js';
import { defineOp, OpError, type WeightInit } from './op.js';
import { enumType, floatType, intListType } from './param-types.js';

const INITS = ['zeros', 'ones', 'constant', 'normal', 'glorot_uniform'] as const;

const params = [
  {
    name: 'shape',
    type: intListType(1),
    doc: 'The per-sample shape of the tensor (no batch dimension), sizes only.',
  },
  {
    name: 'init',
    type: enumType(INITS),
    default: 'zeros',
    doc: 'How it starts: `"zeros"`, `"ones"`, `"constant"` (`value`), `"normal"` (N(0, `stddev`)) or `"glorot_uniform"` (Keras fans of `shape`).',
  },
  {
    name: 'value',
    type: floatType,
    default: 0,
    doc: 'The fill of `init: "constant"` (1e-6 for a ConvNeXt layer scale).',
  },
  {
    name: 'stddev',
    type: floatType,
    default: 0.02,
    doc: 'Standard deviation of `init: "normal"`.',
  },
] as const;

/** The compiler's initializer of the value (the runtime's unseeded build uses tfjs's own). */
const initOf = (init: (typeof INITS)[number], value: number, stddev: number): WeightInit => {
  switch (init) {
    case 'zeros':
      return { kind: 'constant', value: 0 };
    case 'ones':
      return { kind: 'constant', value: 1 };
    case 'constant':
      return { kind: 'constant', value };
    case 'normal':
      return { kind: 'normal', stddev };
    case 'glorot_uniform':
      return { kind: 'glorot_uniform' };
  }
};

/**
 * A learned tensor of its own (a class token, a position embedding). The lowering feeds it the
 * model's first input, read only for the batch size: its value is the weight, repeated over the
 * batch.
 */
export const weight = defineOp({
  name: 'weight',
  category: 'input',
  doc: "A trainable tensor of the given shape, the same for every sample, as in `cls = weight([1, 192])`: called without a tensor, its one input is the model's first input, read only for the batch size. 0 MACs.",
  inputs: { min: 1, max: 1 },
  params,
  weightDocs: [{ name: 'value', shape: '[shape]', trainable: true }],
  shape(_inputs, a) {
    const bad = a.shape.find((d) => d <= 0);
    if (bad !== undefined) {
      throw new OpError(
        `invalid value for 'shape': dimensions must be strictly positive, found ${bad}`,
        'E2002',
        'shape',
      );
    }
    positive(a, 'stddev');
    return [...a.shape];
  },
  weights: (_inputs, a) => [
    {
      name: 'value',
      shape: [...a.shape],
      trainable: true,
      init: initOf(a.init, a.value, a.stddev),
    },
  ],
  macs: () => 0n,
  tfjs: (c) =>
    c.custom('NetcWeight', {
      name: c.name,
      shape: [...c.attrs.shape],
      init: c.attrs.init,
      value: c.attrs.value,
      stddev: c.attrs.stddev,
    }),
  // The value as a [1, ...shape] initializer, expanded to the batch of the first input.
  onnx(c) {
    const w = c.weight('value');
    const value = c.constant('value', { shape: [1, ...w.shape], data: w.data });
    const inShape = c.node('Shape', [c.input(0).name], {}, 'input_shape');
    const batch = c.node(
      'Slice',
      [inShape, c.int64s('zero', [0]), c.int64s('one', [1])],
      {},
      'batch',
    );
    const target = c.node(
      'Concat',
      [batch, c.int64s('shape', c.attrs.shape)],
      { axis: 0 },
      'target',
    );
    return { name: c.node('Expand', [value, target]), layout: 'channels_last' };
  },
});
