import { axisIndex, invalid, num } from './attrs.js';
import { defineOp, type Attrs, type OpDef, type ParamSpec, type TfjsLowering } from './op.js';
import { floatType, intType } from './param-types.js';
import type { Shape } from '../ir/shape.js';

/** A weightless elementwise activation; `check` validates its arguments against the input. */
function activation(
  name: string,
  doc: string,
  params: ParamSpec[] = [],
  check: (x: Shape, a: Attrs) => void = () => {},
  tfjs: TfjsLowering = (c) =>
    c.tf.layers.activation({ name: c.name, activation: c.activation(name) }),
): OpDef {
  return defineOp({
    name,
    category: 'activation',
    doc: `${doc} Keeps the input shape; counted as 0 MACs.`,
    inputs: { min: 1, max: 1 },
    params,
    shape([x], a) {
      check(x, a);
      return x;
    },
    weights: () => [],
    macs: () => 0,
    tfjs,
  });
}

const alpha = (value: number, doc: string): ParamSpec => ({
  name: 'alpha',
  type: floatType,
  default: value,
  doc,
});

export const relu = activation('relu', 'Rectified linear unit, `max(x, 0)`.');
export const relu6 = activation('relu6', 'ReLU capped at 6, `min(max(x, 0), 6)`.');
export const leakyRelu = activation(
  'leaky_relu',
  'Leaky ReLU: `x` for positive inputs, `alpha * x` otherwise.',
  [alpha(0.3, 'Slope for negative inputs (at least 0).')],
  (_x, a) => {
    if (!(num(a, 'alpha') >= 0)) throw invalid('alpha', 'a value of at least 0', a.alpha);
  },
  (c) => c.tf.layers.leakyReLU({ name: c.name, alpha: num(c.attrs, 'alpha') }),
);
export const elu = activation(
  'elu',
  'Exponential linear unit: `x` for positive inputs, `alpha * (exp(x) - 1)` otherwise.',
  [alpha(1.0, 'Scale of the negative part.')],
  undefined,
  // tfjs's ELU layer only takes alpha = 1.
  (c) =>
    num(c.attrs, 'alpha') === 1
      ? c.tf.layers.elu({ name: c.name })
      : c.custom('NetcElu', { name: c.name, alpha: num(c.attrs, 'alpha') }),
);
export const gelu = activation(
  'gelu',
  'Gaussian error linear unit (exact, not the tanh approximation).',
);
export const swish = activation('swish', 'Swish (SiLU), `x * sigmoid(x)`.');
export const sigmoid = activation('sigmoid', 'Logistic sigmoid, `1 / (1 + exp(-x))`.');
export const tanh = activation('tanh', 'Hyperbolic tangent.');
export const softmax = activation(
  'softmax',
  'Softmax along `axis`.',
  [
    {
      name: 'axis',
      type: intType,
      default: -1,
      doc: 'Axis to normalize, over the non-batch dimensions (negative counts from the end).',
    },
  ],
  (x, a) => void axisIndex(a, 'axis', x.length),
  // tfjs's softmax only runs on the last axis.
  (c) => {
    const rank = c.inputs[0].length;
    const axis = axisIndex(c.attrs, 'axis', rank) + 1;
    return axis === rank
      ? c.tf.layers.softmax({ name: c.name, axis })
      : c.custom('NetcSoftmax', { name: c.name, axis });
  },
);
export const hardSigmoid = activation(
  'hard_sigmoid',
  'Piecewise-linear sigmoid, `clip(x / 6 + 0.5, 0, 1)` (Keras 3 definition).',
);

export const activationOps: readonly OpDef[] = [
  relu,
  relu6,
  leakyRelu,
  elu,
  gelu,
  swish,
  sigmoid,
  tanh,
  softmax,
  hardSigmoid,
];
