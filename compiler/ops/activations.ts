import { axisIndex, invalid } from './attrs.js';
import { defineOp, type AttrsOf, type OpDef, type ParamSpec, type TfjsContext } from './op.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { onnxAxis } from './onnx-layout.js';
import { subName } from './onnx-nodes.js';
import { scalarWeight } from './onnx-weights.js';
import { enumType, floatType, intType, type ParamType } from './param-types.js';
import type { Shape } from '../ir/shape.js';
import type * as Tfjs from '@tensorflow/tfjs';

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
export function onnxFusedActivation(
  c: OnnxContext<{ readonly activation: ActivationName }>,
  y: OnnxValue,
): OnnxValue {
  const kind = c.attrs.activation;
  return onnxActivation(c, y, kind, c.output.length, {}, kind);
}

/** An activation op; `fusable`: its name is also a valid fused `activation:` of conv / dense. */
export type ActivationOp<N extends string = string, F extends boolean = boolean> = OpDef & {
  readonly name: N;
  readonly fusable: F;
};

/**
 * A weightless elementwise activation. `check` validates its arguments against the input;
 * `onnxArgs` gives the arguments of its ONNX nodes. `fusable` (true unless said otherwise): conv
 * and dense take its name as their fused `activation` (with the op's default arguments), which
 * needs a tfjs activation identifier of that name (`tfjsActivation`) and an `onnxActivation` case.
 */
function activation<
  const N extends string,
  const P extends readonly ParamSpec[] = [],
  const F extends boolean = true,
>(spec: {
  readonly name: N;
  readonly doc: string;
  readonly params?: P;
  readonly fusable?: F;
  check?(x: Shape, a: AttrsOf<P>): void;
  tfjs?(c: TfjsContext<AttrsOf<P>>): Tfjs.layers.Layer;
  onnxArgs?(a: AttrsOf<P>, rank: number): ActivationArgs;
}): ActivationOp<N, F> {
  const { name } = spec;
  const op = defineOp({
    name,
    category: 'activation',
    doc: `${spec.doc} Keeps the input shape; counted as 0 MACs.`,
    inputs: { min: 1, max: 1 },
    params: (spec.params ?? []) as P,
    shape([x], a: AttrsOf<P>) {
      spec.check?.(x, a);
      return x;
    },
    weights: () => [],
    macs: () => 0n,
    tfjs: (c: TfjsContext<AttrsOf<P>>) =>
      spec.tfjs
        ? spec.tfjs(c)
        : c.tf.layers.activation({ name: c.name, activation: c.activation(name) }),
    onnx: (c: OnnxContext<AttrsOf<P>>) =>
      onnxActivation(
        c,
        c.input(0),
        name,
        c.inputs[0].length,
        spec.onnxArgs?.(c.attrs, c.inputs[0].length) ?? {},
      ),
  });
  return Object.assign(op, { fusable: (spec.fusable ?? true) as F }) as ActivationOp<N, F>;
}

const alpha = <const V extends number>(value: V, doc: string) =>
  ({ name: 'alpha', type: floatType, default: value, doc }) as const;

export const relu = activation({ name: 'relu', doc: 'Rectified linear unit, `max(x, 0)`.' });
export const relu6 = activation({ name: 'relu6', doc: 'ReLU capped at 6, `min(max(x, 0), 6)`.' });
export const leakyRelu = activation({
  name: 'leaky_relu',
  doc: 'Leaky ReLU: `x` for positive inputs, `alpha * x` otherwise.',
  params: [alpha(0.3, 'Slope for negative inputs (at least 0).')],
  // tfjs has no leaky-ReLU activation identifier, only the LeakyReLU layer.
  fusable: false,
  check(_x, a) {
    if (!(a.alpha >= 0)) throw invalid('alpha', 'a value of at least 0', a.alpha);
  },
  tfjs: (c) => c.tf.layers.leakyReLU({ name: c.name, alpha: c.attrs.alpha }),
  onnxArgs: (a) => ({ alpha: a.alpha }),
});
export const elu: ActivationOp<'elu', true> = activation({
  name: 'elu',
  doc: 'Exponential linear unit: `x` for positive inputs, `alpha * (exp(x) - 1)` otherwise.',
  params: [alpha(1.0, 'Scale of the negative part.')],
  // tfjs's ELU layer only takes alpha = 1.
  tfjs: (c) =>
    c.attrs.alpha === 1
      ? c.tf.layers.elu({ name: c.name })
      : c.custom('NetcElu', { name: c.name, alpha: c.attrs.alpha }),
  onnxArgs: (a) => ({ alpha: a.alpha }),
});
export const gelu = activation({
  name: 'gelu',
  doc: 'Gaussian error linear unit (exact, not the tanh approximation).',
});
export const swish = activation({ name: 'swish', doc: 'Swish (SiLU), `x * sigmoid(x)`.' });
export const sigmoid = activation({
  name: 'sigmoid',
  doc: 'Logistic sigmoid, `1 / (1 + exp(-x))`.',
});
export const tanh = activation({ name: 'tanh', doc: 'Hyperbolic tangent.' });
export const softmax: ActivationOp<'softmax', true> = activation({
  name: 'softmax',
  doc: 'Softmax along `axis`.',
  params: [
    {
      name: 'axis',
      type: intType,
      default: -1,
      doc: 'Axis to normalize, over the non-batch dimensions (negative counts from the end).',
    },
  ],
  check: (x, a) => void axisIndex(a, 'axis', x.length),
  // tfjs's softmax only runs on the last axis.
  tfjs(c) {
    const rank = c.inputs[0].length;
    const axis = axisIndex(c.attrs, 'axis', rank) + 1;
    return axis === rank
      ? c.tf.layers.softmax({ name: c.name, axis })
      : c.custom('NetcSoftmax', { name: c.name, axis });
  },
  onnxArgs: (a, rank) => ({ axis: axisIndex(a, 'axis', rank) }),
});
export const hardSigmoid = activation({
  name: 'hard_sigmoid',
  doc: 'Piecewise-linear sigmoid, `clip(x / 6 + 0.5, 0, 1)` (Keras 3 definition).',
});

/** Every activation op, in documentation order. */
export const activationOps = [
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
] as const;

/**
 * A valid fused `activation:` of conv and dense: `linear` (none), or the name of a fusable
 * activation op. Derived from `activationOps`: a new fusable activation op is a valid value.
 */
export type ActivationName =
  'linear' | Extract<(typeof activationOps)[number], { fusable: true }>['name'];

const isFusable = (
  op: (typeof activationOps)[number],
): op is Extract<(typeof activationOps)[number], { fusable: true }> => op.fusable;

/** The fused activations, `linear` first, then the fusable activation ops in order. */
export const activationNames: readonly ActivationName[] = [
  'linear',
  ...activationOps.filter(isFusable).map((op) => op.name),
];

/** The type of the fused `activation` argument of conv and dense. */
export const activationType: ParamType<ActivationName> = enumType(activationNames);
