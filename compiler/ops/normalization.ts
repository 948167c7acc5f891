import { formatShape, type Shape } from '../ir/shape.js';
import { axisIndex, bool, invalid, num } from './attrs.js';
import { defineOp, OpError, type Attrs, type ParamSpec, type WeightSpec } from './op.js';
import { boolType, floatType, intType } from './param-types.js';

const axisParam: ParamSpec = {
  name: 'axis',
  type: intType,
  default: -1,
  doc: 'The feature axis, over the non-batch dimensions (0 is the first; negative counts from the end).',
};

const tailParams: ParamSpec[] = [
  {
    name: 'epsilon',
    type: floatType,
    default: 0.001,
    doc: 'Added to the variance to avoid dividing by zero.',
  },
  { name: 'center', type: boolType, default: true, doc: 'Learn an offset `beta`.' },
  { name: 'scale', type: boolType, default: true, doc: 'Learn a factor `gamma`.' },
];

function checkArgs(x: Shape, a: Attrs): void {
  axisIndex(a, 'axis', x.length);
  if (!(num(a, 'epsilon') > 0)) throw invalid('epsilon', 'a strictly positive value', a.epsilon);
}

/** Size of the normalized axis, which every weight has. */
function features(x: Shape, a: Attrs, op: string): number {
  const c = x[axisIndex(a, 'axis', x.length)];
  if (typeof c !== 'number') {
    throw new OpError(
      `${op} needs a known size on axis ${num(a, 'axis')} to size its weights, but the input is ${formatShape(x)}`,
      'E3004',
    );
  }
  return c;
}

/** The feature axis as Keras counts it: the batch is axis 0. */
const kerasAxis = (x: Shape, a: Attrs): number => axisIndex(a, 'axis', x.length) + 1;

/** gamma then beta, as Keras creates them. */
function affine(c: number, a: Attrs): WeightSpec[] {
  const w: WeightSpec[] = [];
  if (bool(a, 'scale')) w.push({ name: 'gamma', shape: [c], trainable: true });
  if (bool(a, 'center')) w.push({ name: 'beta', shape: [c], trainable: true });
  return w;
}

export const batchNorm = defineOp({
  name: 'batch_norm',
  category: 'normalization',
  doc: 'Batch normalization over one feature axis (Keras `BatchNormalization`); counted as 0 MACs, since inference folds it into the previous layer.',
  inputs: { min: 1, max: 1 },
  params: [
    axisParam,
    tailParams[0],
    {
      name: 'momentum',
      type: floatType,
      default: 0.99,
      doc: 'Momentum of the moving mean and variance.',
    },
    ...tailParams.slice(1),
  ],
  weightDocs: [
    { name: 'gamma', shape: '[features]', trainable: true, when: 'scale' },
    { name: 'beta', shape: '[features]', trainable: true, when: 'center' },
    { name: 'moving_mean', shape: '[features]', trainable: false },
    { name: 'moving_variance', shape: '[features]', trainable: false },
  ],
  shape([x], a) {
    checkArgs(x, a);
    const m = num(a, 'momentum');
    if (!(m >= 0 && m <= 1)) throw invalid('momentum', 'a value in [0, 1]', m);
    return x;
  },
  weights([x], a) {
    const c = features(x, a, 'batch_norm');
    return [
      ...affine(c, a),
      { name: 'moving_mean', shape: [c], trainable: false },
      { name: 'moving_variance', shape: [c], trainable: false },
    ];
  },
  macs: () => 0,
  // tfjs's BatchNormalization is only right on the last axis; netc's layer does the others.
  tfjs({ tf, name, attrs: a, inputs: [x], custom }) {
    const args = {
      name,
      axis: kerasAxis(x, a),
      epsilon: num(a, 'epsilon'),
      momentum: num(a, 'momentum'),
      center: bool(a, 'center'),
      scale: bool(a, 'scale'),
    };
    return args.axis === x.length
      ? tf.layers.batchNormalization(args)
      : custom('NetcBatchNorm', args);
  },
});

export const layerNorm = defineOp({
  name: 'layer_norm',
  category: 'normalization',
  doc: 'Layer normalization over one axis of each sample (Keras `LayerNormalization`); counted as 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [axisParam, ...tailParams],
  weightDocs: [
    { name: 'gamma', shape: '[features]', trainable: true, when: 'scale' },
    { name: 'beta', shape: '[features]', trainable: true, when: 'center' },
  ],
  shape([x], a) {
    checkArgs(x, a);
    return x;
  },
  weights: ([x], a) => affine(features(x, a, 'layer_norm'), a),
  macs: () => 0,
  tfjs: ({ tf, name, attrs: a, inputs: [x] }) =>
    tf.layers.layerNormalization({
      name,
      axis: kerasAxis(x, a),
      epsilon: num(a, 'epsilon'),
      center: bool(a, 'center'),
      scale: bool(a, 'scale'),
    }),
});
