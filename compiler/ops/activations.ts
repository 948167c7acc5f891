import { axisIndex, invalid, num, text } from './attrs.js';
import { defineOp, type Attrs, type OpDef, type ParamSpec, type TfjsLowering } from './op.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { onnxAxis } from './onnx-layout.js';
import { subName } from './onnx-nodes.js';
import { scalarWeight } from './onnx-weights.js';
import { floatType, intType } from './param-types.js';
import type { Shape } from '../ir/shape.js';

/** Arguments of an activation, as the op's attributes give them (defaults: Keras's). */
export interface ActivationArgs {
  readonly alpha?: number;
  /** netc axis (batch excluded, non-negative) of softmax; default: the last. */
  readonly axis?: number;
}

/**
 * The ONNX nodes of activation `kind` applied to `x` (a tensor of netc rank `rank`), for the
 * activation ops and for the `activation` fused into conv and dense. The last node is named
 * after the IR node, or `<node>/<suffix>` for a fused one. `linear` adds nothing.
 */
export function onnxActivation(
  c: OnnxContext,
  x: OnnxValue,
  kind: string,
  rank: number,
  args: ActivationArgs = {},
  suffix?: string,
): OnnxValue {
  const out = (name: string): OnnxValue => ({ name, layout: x.layout });
  const one = (opType: string, attrs = {}) => out(c.node(opType, [x.name], attrs, suffix));
  const constant = (part: string, v: number) => c.constant(subName(suffix, part), scalarWeight(v));
  switch (kind) {
    case 'linear':
      return x;
    case 'relu':
      return one('Relu');
    case 'sigmoid':
      return one('Sigmoid');
    case 'tanh':
      return one('Tanh');
    case 'elu':
      return one('Elu', { alpha: { float: args.alpha ?? 1 } });
    case 'leaky_relu':
      return one('LeakyRelu', { alpha: { float: args.alpha ?? 0.3 } });
    case 'hard_sigmoid':
      // netc's (Keras 3) definition, clip(x / 6 + 0.5, 0, 1).
      return one('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } });
    case 'softmax':
      return one('Softmax', { axis: onnxAxis(args.axis ?? rank - 1, rank, x.layout) });
    case 'relu6':
      return out(c.node('Clip', [x.name, constant('min', 0), constant('max', 6)], {}, suffix));
    case 'swish': {
      const s = c.node('Sigmoid', [x.name], {}, subName(suffix, 'sigmoid'));
      return out(c.node('Mul', [x.name, s], {}, suffix));
    }
    case 'gelu': {
      // Exact GELU, x * 0.5 * (1 + erf(x / sqrt(2))): the Gelu op only exists from opset 20.
      const scaled = c.node(
        'Mul',
        [x.name, constant('rsqrt2', Math.SQRT1_2)],
        {},
        subName(suffix, 'scaled'),
      );
      const erf = c.node('Erf', [scaled], {}, subName(suffix, 'erf'));
      const plus = c.node('Add', [erf, constant('one', 1)], {}, subName(suffix, 'plus_one'));
      const half = c.node('Mul', [plus, constant('half', 0.5)], {}, subName(suffix, 'cdf'));
      return out(c.node('Mul', [x.name, half], {}, suffix));
    }
    default:
      throw new Error(`activation '${kind}' has no ONNX lowering`);
  }
}

/** The `activation` attribute of conv / dense applied to its output `y`, named `<node>/<kind>`. */
export function onnxFusedActivation(c: OnnxContext, y: OnnxValue): OnnxValue {
  const kind = text(c.attrs, 'activation');
  return onnxActivation(c, y, kind, c.output.length, {}, kind);
}

/** The ONNX lowering of a standalone activation op. */
const activationOnnx =
  (kind: string, args: (a: Attrs, rank: number) => ActivationArgs = () => ({})) =>
  (c: OnnxContext): OnnxValue =>
    onnxActivation(c, c.input(0), kind, c.inputs[0].length, args(c.attrs, c.inputs[0].length));

/** A weightless elementwise activation; `check` validates its arguments against the input. */
function activation(
  name: string,
  doc: string,
  params: ParamSpec[] = [],
  check: (x: Shape, a: Attrs) => void = () => {},
  tfjs: TfjsLowering = (c) =>
    c.tf.layers.activation({ name: c.name, activation: c.activation(name) }),
  onnxArgs?: (a: Attrs, rank: number) => ActivationArgs,
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
    onnx: activationOnnx(name, onnxArgs),
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
  (a) => ({ alpha: num(a, 'alpha') }),
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
  (a) => ({ alpha: num(a, 'alpha') }),
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
  (a, rank) => ({ axis: axisIndex(a, 'axis', rank) }),
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
