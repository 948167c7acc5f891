import { axisIndex, invalid } from './attrs.js';
import {
  defineOp,
  OpError,
  type AttrsOf,
  type OpDef,
  type ParamSpec,
  type TfjsContext,
} from './op.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { onnxAxis } from './onnx-layout.js';
import { subName } from './onnx-nodes.js';
import { scalarWeight } from './onnx-weights.js';
import { boolType, enumType, floatType, intType, type ParamType } from './param-types.js';
import { causalMask } from './causal-mask.js';
import { dimsCompatible, formatShape, type Shape } from '../ir/shape.js';
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
    case 'hard_swish':
      // ONNX's HardSwish is x * max(0, min(1, x / 6 + 0.5)), Keras 3's x * relu6(x + 3) / 6.
      return one('HardSwish');
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
    case 'gelu_tanh': {
      // 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))), in opset-17 nodes.
      const part = (p: string) => subName(suffix, p);
      const cube = c.node(
        'Mul',
        [x.name, c.node('Mul', [x.name, x.name], {}, part('sq'))],
        {},
        part('cube'),
      );
      const inner = c.node(
        'Add',
        [x.name, c.node('Mul', [cube, constant('k', 0.044715)], {}, part('k_cube'))],
        {},
        part('inner'),
      );
      const arg = c.node('Mul', [inner, constant('c', Math.sqrt(2 / Math.PI))], {}, part('arg'));
      const th = c.node('Tanh', [arg], {}, part('tanh'));
      const plus = c.node('Add', [th, constant('one', 1)], {}, part('plus_one'));
      const half = c.node('Mul', [plus, constant('half', 0.5)], {}, part('cdf'));
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
  /** The `onnxActivation` case when it is not the op's name (gelu's tanh form). */
  onnxKind?(a: AttrsOf<P>): string;
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
        spec.onnxKind?.(c.attrs) ?? name,
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
  doc: 'Gaussian error linear unit: exact, `x * Phi(x)` (`approximate: "none"`), or the tanh form `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))` (`"tanh"`, PyTorch `GELU(approximate="tanh")`, Keras `gelu(approximate=True)`).',
  params: [
    {
      name: 'approximate',
      type: enumType(['none', 'tanh']),
      default: 'none',
      doc: '`"none"`: the exact erf form (the fused `activation: "gelu"`); `"tanh"`: the tanh approximation.',
    },
  ],
  // tfjs's identifier of the tanh form is `gelu_new` (not a fused `activation:` value).
  tfjs: (c) =>
    c.tf.layers.activation({
      name: c.name,
      activation: c.attrs.approximate === 'tanh' ? 'gelu_new' : c.activation('gelu'),
    }),
  onnxKind: (a) => (a.approximate === 'tanh' ? 'gelu_tanh' : 'gelu'),
});
export const swish = activation({ name: 'swish', doc: 'Swish (SiLU), `x * sigmoid(x)`.' });
export const sigmoid = activation({
  name: 'sigmoid',
  doc: 'Logistic sigmoid, `1 / (1 + exp(-x))`.',
});
export const tanh = activation({ name: 'tanh', doc: 'Hyperbolic tangent.' });
const softmaxParams = [
  {
    name: 'axis',
    type: intType,
    default: -1,
    doc: 'Axis to normalize, over the non-batch dimensions (negative counts from the end).',
  },
  {
    name: 'causal',
    type: boolType,
    default: false,
    doc: 'Attention scores `[..., t, s]`: key `j` is masked out (`-1e9` added) for query `i` when `j > i` (Keras `use_causal_mask`); needs the last axis.',
  },
] as const;

/** The mask input (if any) broadcasts against the scores: right-aligned, each dim 1 or equal. */
function checkMask(x: Shape, mask: Shape | undefined): void {
  if (!mask) return;
  const off = x.length - mask.length;
  const bad = off < 0 || mask.some((d, i) => d !== 1 && !dimsCompatible(d, x[off + i]));
  if (bad) {
    throw new OpError(
      `softmax's mask ${formatShape(mask)} does not broadcast against the scores ${formatShape(x)}`,
      'E3001',
      undefined,
      ['the mask aligns with the last dimensions of the scores; each of its dims is 1 or equal'],
    );
  }
}

/**
 * Softmax, with an optional additive mask (a second input) and a causal mask: with neither it
 * is an elementwise activation, valid as a fused `activation: "softmax"`.
 */
export const softmax: ActivationOp<'softmax', true> = Object.assign(
  defineOp({
    name: 'softmax',
    category: 'activation',
    doc: 'Softmax along `axis`, after adding the optional second input (an additive mask, e.g. 0 / -1e9, broadcast against the scores) and the causal mask; keeps the input shape, counted as 0 MACs.',
    inputs: { min: 1, max: 2 },
    params: softmaxParams,
    shape([x, mask], a) {
      const axis = axisIndex(a, 'axis', x.length);
      checkMask(x, mask);
      if (a.causal && (x.length < 2 || axis !== x.length - 1)) {
        throw new OpError(
          `causal softmax needs scores [..., queries, keys] and the last axis, found ${formatShape(x)} with axis ${a.axis}`,
          'E2002',
          'causal',
        );
      }
      return x;
    },
    weights: () => [],
    macs: () => 0n,
    // tfjs's softmax only runs on the last axis, and knows no mask.
    tfjs(c) {
      const rank = c.inputs[0].length;
      const axis = axisIndex(c.attrs, 'axis', rank) + 1;
      const plain = axis === rank && !c.attrs.causal && c.inputs.length === 1;
      return plain
        ? c.tf.layers.softmax({ name: c.name, axis })
        : c.custom('NetcSoftmax', { name: c.name, axis, causal: c.attrs.causal });
    },
    onnx(c) {
      const rank = c.inputs[0].length;
      const axis = axisIndex(c.attrs, 'axis', rank);
      if (c.inputs.length === 1 && !c.attrs.causal) {
        return onnxActivation(c, c.input(0), 'softmax', rank, { axis });
      }
      // Masks align with netc's order: everything in channels_last, the mask unsqueezed after
      // the batch so that ONNX's right-aligned broadcasting does not meet it with the batch.
      let s = c.inputAs(0, 'channels_last');
      if (c.inputs.length === 2) {
        const extra = rank - c.inputs[1].length;
        let m = c.inputAs(1, 'channels_last');
        if (extra > 0) {
          const axes = Array.from({ length: extra }, (_, i) => i + 1);
          m = c.node('Unsqueeze', [m, c.int64s('mask_axes', axes)], {}, 'mask');
        }
        s = c.node('Add', [s, m], {}, 'masked');
      }
      if (c.attrs.causal) {
        const [t, k] = c.inputs[0].slice(-2);
        if (typeof t !== 'number' || typeof k !== 'number') {
          throw new OpError(
            `causal softmax needs known queries and keys to export to ONNX, but the scores are ${formatShape(c.inputs[0])}`,
            'E3004',
          );
        }
        const mask = c.constant('causal_mask', { shape: [t, k], data: causalMask(t, k) });
        s = c.node('Add', [s, mask], {}, 'causal');
      }
      return { name: c.node('Softmax', [s], { axis: axis + 1 }), layout: 'channels_last' };
    },
  }),
  { fusable: true as const },
) as ActivationOp<'softmax', true>;
export const hardSigmoid = activation({
  name: 'hard_sigmoid',
  doc: 'Piecewise-linear sigmoid, `clip(x / 6 + 0.5, 0, 1)` = `relu6(x + 3) / 6` (Keras 3 and MobileNetV3 definition).',
});
export const hardSwish = activation({
  name: 'hard_swish',
  doc: 'Hard swish, `x * relu6(x + 3) / 6` (Keras 3 and MobileNetV3 definition, PyTorch `Hardswish`).',
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
  hardSwish,
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
