import { formatShape, type Shape } from '../ir/shape.js';
import { axisIndex, invalid } from './attrs.js';
import { ONES, ZEROS, defineOp, OpError, type AttrsOf, type WeightSpec } from './op.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { featureShape, onnxAxis } from './onnx-layout.js';
import { reduce } from './onnx-nodes.js';
import { filledWeight, reshapeWeight, scalarWeight } from './onnx-weights.js';
import { boolType, floatType, intType, type ParamType } from './param-types.js';

const axisParam = {
  name: 'axis',
  type: intType,
  default: -1,
  doc: 'The feature axis, over the non-batch dimensions (0 is the first; negative counts from the end).',
} as const;

export const epsilonParam = {
  name: 'epsilon',
  type: floatType,
  default: 0.001,
  doc: 'Added to the variance to avoid dividing by zero.',
} as const;

export const affineParams = [
  { name: 'center', type: boolType, default: true, doc: 'Learn an offset `beta`.' },
  { name: 'scale', type: boolType, default: true, doc: 'Learn a factor `gamma`.' },
] as const;

/** The attributes of a normalization over one axis (batch norm adds `momentum`). */
type NormAttrs = AttrsOf<readonly [typeof axisParam, typeof epsilonParam, ...typeof affineParams]>;

/** An axis or a list of axes; always stored as a list (`[a]` for one). */
const axesType: ParamType<number[]> = {
  label: 'int or [int, ...]',
  convert(v) {
    if (v.kind === 'int') return [v.value];
    if (v.kind !== 'list' || v.items.length === 0) return undefined;
    const out: number[] = [];
    for (const i of v.items) {
      if (i.kind !== 'int') return undefined;
      out.push(i.value);
    }
    return out;
  },
};

const layerNormParams = [
  {
    name: 'axis',
    type: axesType,
    default: [-1],
    doc: 'The normalized axis, or a list of them (Keras `axis`), over the non-batch dimensions (0 is the first; negative counts from the end); `gamma` and `beta` span them.',
  },
  epsilonParam,
  ...affineParams,
] as const;
type LayerNormAttrs = AttrsOf<typeof layerNormParams>;

/** Layer norm's axes, resolved (batch excluded) and sorted: Keras's weight layout. */
function layerAxes(x: Shape, a: LayerNormAttrs): number[] {
  const rank = x.length;
  if (rank === 0) {
    throw new OpError(
      `the input has rank 0, so there is no axis ${a.axis[0]} to use`,
      'E3004',
      'axis',
    );
  }
  const out = a.axis.map((k) => {
    if (k < -rank || k >= rank) {
      throw invalid('axis', `axes in [${-rank}, ${rank - 1}] for an input of rank ${rank}`, a.axis);
    }
    return k < 0 ? k + rank : k;
  });
  if (new Set(out).size !== out.length) throw invalid('axis', 'distinct axes', a.axis);
  return out.sort((p, q) => p - q);
}

/** The sizes of layer norm's axes: the shape of gamma and beta. */
function layerParamShape(x: Shape, a: LayerNormAttrs): number[] {
  return layerAxes(x, a).map((k) => {
    const n = x[k];
    if (typeof n !== 'number') {
      throw new OpError(
        `layer_norm needs a known size on axis ${k} to size its weights, but the input is ${formatShape(x)}`,
        'E3004',
      );
    }
    return n;
  });
}

function checkArgs(x: Shape, a: NormAttrs): void {
  axisIndex(a, 'axis', x.length);
  if (!(a.epsilon > 0)) throw invalid('epsilon', 'a strictly positive value', a.epsilon);
}

/** Size of the normalized axis, which every weight has. */
function features(x: Shape, a: NormAttrs, op: string): number {
  const c = x[axisIndex(a, 'axis', x.length)];
  if (typeof c !== 'number') {
    throw new OpError(
      `${op} needs a known size on axis ${a.axis} to size its weights, but the input is ${formatShape(x)}`,
      'E3004',
    );
  }
  return c;
}

/** The feature axis as Keras counts it: the batch is axis 0. */
const kerasAxis = (x: Shape, a: NormAttrs): number => axisIndex(a, 'axis', x.length) + 1;

/** The on/off switches of gamma and beta. */
interface Affine {
  readonly center: boolean;
  readonly scale: boolean;
}

/** gamma then beta, of `shape` (`[c]` or a number for one axis), as Keras creates them. */
export function affine(c: number | number[], a: Affine): WeightSpec[] {
  const shape = typeof c === 'number' ? [c] : c;
  const w: WeightSpec[] = [];
  if (a.scale) w.push({ name: 'gamma', shape, trainable: true, init: ONES });
  if (a.center) w.push({ name: 'beta', shape, trainable: true, init: ZEROS });
  return w;
}

/**
 * Batch norm at inference as one affine map per feature, `x * scale + shift`, with
 * `scale = gamma / sqrt(variance + epsilon)` and `shift = beta - mean * scale`, in float64 (an
 * absent gamma is 1, an absent beta 0). The ONNX lowering and the fold-batch-norm pass use it.
 */
export function batchNormAffine(bn: {
  readonly mean: ArrayLike<number>;
  readonly variance: ArrayLike<number>;
  readonly gamma?: ArrayLike<number>;
  readonly beta?: ArrayLike<number>;
  readonly epsilon: number;
}): { scale: Float64Array; shift: Float64Array } {
  const n = bn.mean.length;
  const scale = new Float64Array(n);
  const shift = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scale[i] = (bn.gamma ? bn.gamma[i] : 1) / Math.sqrt(bn.variance[i] + bn.epsilon);
    shift[i] = (bn.beta ? bn.beta[i] : 0) - bn.mean[i] * scale[i];
  }
  return { scale, shift };
}

/** gamma and beta as ONNX needs them: ones and zeros stand in for the absent ones. */
export function onnxAffine(
  c: OnnxContext<Affine>,
  n: number,
): { gamma: Float32Array; beta: Float32Array } {
  return {
    gamma: c.attrs.scale ? c.weight('gamma').data : filledWeight(n, 1).data,
    beta: c.attrs.center ? c.weight('beta').data : filledWeight(n, 0).data,
  };
}

/**
 * Batch norm on ONNX: BatchNormalization when the feature axis is ONNX's axis 1 (channels-first
 * tensors, `[batch, features]`); otherwise `x * scale + shift` with both folded from the
 * statistics, shaped to broadcast along the feature axis.
 */
function batchNormOnnx(c: OnnxContext<NormAttrs>): OnnxValue {
  const x = c.input(0);
  const rank = c.inputs[0].length;
  const axis = axisIndex(c.attrs, 'axis', rank);
  const n = features(c.inputs[0], c.attrs, 'batch_norm');
  const eps = c.attrs.epsilon;
  const { gamma, beta } = onnxAffine(c, n);
  const mean = c.weight('moving_mean').data;
  const variance = c.weight('moving_variance').data;
  if (onnxAxis(axis, rank, x.layout) === 1) {
    const inputs = [
      x.name,
      c.constant('gamma', { shape: [n], data: gamma }),
      c.constant('beta', { shape: [n], data: beta }),
      c.constant('moving_mean', { shape: [n], data: mean }),
      c.constant('moving_variance', { shape: [n], data: variance }),
    ];
    return {
      name: c.node('BatchNormalization', inputs, { epsilon: { float: eps } }),
      layout: x.layout,
    };
  }
  const { scale, shift } = batchNormAffine({ mean, variance, gamma, beta, epsilon: eps });
  const shape = featureShape(n, axis, rank, x.layout);
  const f32 = (v: Float64Array) => Float32Array.from(v);
  const s = c.constant('scale', reshapeWeight({ shape: [n], data: f32(scale) }, shape));
  const t = c.constant('shift', reshapeWeight({ shape: [n], data: f32(shift) }, shape));
  return { name: c.node('Add', [c.node('Mul', [x.name, s], {}, 'scaled'), t]), layout: x.layout };
}

/**
 * Layer norm on ONNX: LayerNormalization when the axes are the tensor's last ONNX axes (it
 * normalizes from `axis` to the end); otherwise its arithmetic over them. Several axes of a
 * channels-first tensor are normalized in netc's own layout, where gamma's order is theirs.
 */
function layerNormOnnx(c: OnnxContext<LayerNormAttrs>): OnnxValue {
  const rank = c.inputs[0].length;
  const axes = layerAxes(c.inputs[0], c.attrs);
  const sizes = layerParamShape(c.inputs[0], c.attrs);
  const n = sizes.reduce((p, q) => p * q, 1);
  const eps = c.attrs.epsilon;
  const { gamma, beta } = onnxAffine(c, n);
  const own = c.input(0);
  const layout = axes.length === 1 ? own.layout : 'channels_last';
  const x = layout === own.layout ? own.name : c.inputAs(0, layout);
  const at = axes.map((k) => onnxAxis(k, rank, layout));
  const out = (name: string): OnnxValue => ({ name, layout });
  const first = at[0];
  if (at.every((k, i) => k === rank - at.length + 1 + i)) {
    const g = c.constant('gamma', { shape: sizes, data: gamma });
    const b = c.constant('beta', { shape: sizes, data: beta });
    const attrs = { axis: first, epsilon: { float: eps } };
    return out(c.node('LayerNormalization', [x, g, b], attrs));
  }
  // gamma and beta broadcast from the first normalized ONNX axis to the end.
  const shape = Array.from({ length: rank + 1 - first }, (_, i) => {
    const j = at.indexOf(first + i);
    return j < 0 ? 1 : sizes[j];
  });
  const mean = reduce(c, 'ReduceMean', x, at, true, 'mean');
  const centered = c.node('Sub', [x, mean], {}, 'centered');
  const squared = c.node('Mul', [centered, centered], {}, 'squared');
  const variance = reduce(c, 'ReduceMean', squared, at, true, 'variance');
  const padded = c.node(
    'Add',
    [variance, c.constant('epsilon', scalarWeight(eps))],
    {},
    'variance_eps',
  );
  const std = c.node('Sqrt', [padded], {}, 'std');
  const normalized = c.node('Div', [centered, std], {}, 'normalized');
  const g = c.constant('gamma', reshapeWeight({ shape: sizes, data: gamma }, shape));
  const scaled = c.node('Mul', [normalized, g], {}, 'scaled');
  const b = c.constant('beta', reshapeWeight({ shape: sizes, data: beta }, shape));
  return out(c.node('Add', [scaled, b]));
}

export const batchNorm = defineOp({
  name: 'batch_norm',
  category: 'normalization',
  doc: 'Batch normalization over one feature axis (Keras `BatchNormalization`); counted as 0 MACs, since inference folds it into the previous layer.',
  inputs: { min: 1, max: 1 },
  params: [
    axisParam,
    epsilonParam,
    {
      name: 'momentum',
      type: floatType,
      default: 0.99,
      doc: 'Momentum of the moving mean and variance.',
    },
    ...affineParams,
  ],
  weightDocs: [
    { name: 'gamma', shape: '[features]', trainable: true, when: 'scale' },
    { name: 'beta', shape: '[features]', trainable: true, when: 'center' },
    { name: 'moving_mean', shape: '[features]', trainable: false },
    { name: 'moving_variance', shape: '[features]', trainable: false },
  ],
  shape([x], a) {
    checkArgs(x, a);
    const m = a.momentum;
    if (!(m >= 0 && m <= 1)) throw invalid('momentum', 'a value in [0, 1]', m);
    return x;
  },
  weights([x], a) {
    const c = features(x, a, 'batch_norm');
    return [
      ...affine(c, a),
      { name: 'moving_mean', shape: [c], trainable: false, init: ZEROS },
      { name: 'moving_variance', shape: [c], trainable: false, init: ONES },
    ];
  },
  macs: () => 0n,
  // tfjs's BatchNormalization is only right on the last axis; netc's layer does the others.
  tfjs({ tf, name, attrs: a, inputs: [x], custom }) {
    const args = {
      name,
      axis: kerasAxis(x, a),
      epsilon: a.epsilon,
      momentum: a.momentum,
      center: a.center,
      scale: a.scale,
    };
    return args.axis === x.length
      ? tf.layers.batchNormalization(args)
      : custom('NetcBatchNorm', args);
  },
  onnx: batchNormOnnx,
});

export const layerNorm = defineOp({
  name: 'layer_norm',
  category: 'normalization',
  doc: 'Layer normalization of each sample over one axis or several (Keras `LayerNormalization`, PyTorch `nn.LayerNorm` over trailing axes); counted as 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: layerNormParams,
  weightDocs: [
    { name: 'gamma', shape: '[sizes of axis]', trainable: true, when: 'scale' },
    { name: 'beta', shape: '[sizes of axis]', trainable: true, when: 'center' },
  ],
  shape([x], a) {
    layerAxes(x, a);
    if (!(a.epsilon > 0)) throw invalid('epsilon', 'a strictly positive value', a.epsilon);
    return x;
  },
  weights: ([x], a) => affine(layerParamShape(x, a), a),
  macs: () => 0n,
  tfjs({ tf, name, attrs: a, inputs: [x] }) {
    // Sorted, as tfjs reshapes gamma and beta to the input's rank in the order of its axes.
    const axes = layerAxes(x, a).map((k) => k + 1);
    return tf.layers.layerNormalization({
      name,
      axis: axes.length === 1 ? axes[0] : axes,
      epsilon: a.epsilon,
      center: a.center,
      scale: a.scale,
    });
  },
  onnx: layerNormOnnx,
});
