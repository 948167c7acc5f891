import { formatShape, type Shape } from '../ir/shape.js';
import { expectMinRank, show } from './attrs.js';
import { defineOp, OpError } from './op.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { featureShape } from './onnx-layout.js';
import { floatOrListType } from './param-types.js';

/** Keras's `backend.epsilon()`: the floor of the standard deviation in Normalization. */
export const NORMALIZATION_EPSILON = 1e-7;

/** The channel count of the input when a per-channel list needs it (one value needs nothing). */
function perChannel(x: Shape, values: readonly number[], param: string, op: string): void {
  expectMinRank(x, 1, op);
  const c = x[x.length - 1];
  if (values.length === 1) return;
  if (typeof c !== 'number' || c !== values.length) {
    throw new OpError(
      `invalid value for '${param}': ${values.length} values ${show(values)} need an input with ${values.length} channels, found ${formatShape(x)}`,
      'E2002',
      param,
    );
  }
}

/** `values` (1 or per channel) broadcast to `n` channels. */
const spread = (values: readonly number[], n: number): number[] =>
  values.length === 1 ? Array<number>(n).fill(values[0]) : [...values];

/** `x * mul + add` on ONNX, the factors per channel of the input in its own layout. */
function onnxAffine(c: OnnxContext, mul: readonly number[], add: readonly number[]): OnnxValue {
  const x = c.input(0);
  const rank = c.inputs[0].length;
  const constant = (part: string, v: readonly number[]) =>
    c.constant(part, {
      shape: v.length === 1 ? [] : featureShape(v.length, rank - 1, rank, x.layout),
      data: Float32Array.from(v),
    });
  const scaled = c.node('Mul', [x.name, constant('scale', mul)], {}, 'scaled');
  return { name: c.node('Add', [scaled, constant('offset', add)]), layout: x.layout };
}

export const rescaling = defineOp({
  name: 'rescaling',
  category: 'normalization',
  doc: 'Preprocessing `x * scale + offset` (Keras `Rescaling`), each one value or one per channel (`rescaling([1 / 0.229, 1 / 0.224, 1 / 0.225])`); no weights, counted as 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'scale', type: floatOrListType, doc: 'The factor, or one per channel.' },
    {
      name: 'offset',
      type: floatOrListType,
      default: [0],
      doc: 'Added after scaling, or one per channel.',
    },
  ],
  shape([x], a) {
    perChannel(x, a.scale, 'scale', 'rescaling');
    perChannel(x, a.offset, 'offset', 'rescaling');
    return x;
  },
  weights: () => [],
  macs: () => 0n,
  isIdentity: (a) => a.scale.every((v) => v === 1) && a.offset.every((v) => v === 0),
  tfjs: (c) =>
    c.custom('NetcRescaling', { name: c.name, scale: c.attrs.scale, offset: c.attrs.offset }),
  onnx: (c) => onnxAffine(c, c.attrs.scale, c.attrs.offset),
});

export const normalization = defineOp({
  name: 'normalization',
  category: 'normalization',
  doc: 'Preprocessing `(x - mean) / max(sqrt(variance), 1e-7)` over the last axis (Keras `Normalization`), with its non-trainable weights `mean`, `variance` and the scalar `count` (2 * channels + 1 params, as Keras counts an adapted layer); 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    {
      name: 'mean',
      type: floatOrListType,
      default: [0],
      doc: 'Initial mean, one value or one per channel.',
    },
    {
      name: 'variance',
      type: floatOrListType,
      default: [1],
      doc: 'Initial variance, one value or one per channel (at least 0).',
    },
  ],
  weightDocs: [
    { name: 'mean', shape: '[channels]', trainable: false },
    { name: 'variance', shape: '[channels]', trainable: false },
    { name: 'count', shape: '[]', trainable: false },
  ],
  shape([x], a) {
    perChannel(x, a.mean, 'mean', 'normalization');
    perChannel(x, a.variance, 'variance', 'normalization');
    if (a.variance.some((v) => !(v >= 0))) {
      throw new OpError(
        `invalid value for 'variance': expected values of at least 0, found ${show(a.variance)}`,
        'E2002',
        'variance',
      );
    }
    return x;
  },
  weights([x], a) {
    const n = x[x.length - 1];
    if (typeof n !== 'number') {
      throw new OpError(
        `normalization needs a known channel count, but the input is ${formatShape(x)}`,
        'E3004',
      );
    }
    return [
      {
        name: 'mean',
        shape: [n],
        trainable: false,
        init: { kind: 'values', values: spread(a.mean, n) },
      },
      {
        name: 'variance',
        shape: [n],
        trainable: false,
        init: { kind: 'values', values: spread(a.variance, n) },
      },
      { name: 'count', shape: [], trainable: false, init: { kind: 'constant', value: 0 } },
    ];
  },
  macs: () => 0n,
  tfjs: (c) =>
    c.custom('NetcNormalization', { name: c.name, mean: c.attrs.mean, variance: c.attrs.variance }),
  // The weights as they are (adapted or loaded), folded into one scale and shift.
  onnx(c) {
    const mean = Array.from(c.weight('mean').data);
    const variance = Array.from(c.weight('variance').data);
    const inv = variance.map((v) => 1 / Math.max(Math.sqrt(v), NORMALIZATION_EPSILON));
    return onnxAffine(
      c,
      inv,
      mean.map((m, i) => -m * inv[i]),
    );
  },
});
