import { formatShape, type Shape } from '../ir/shape.js';
import { expectRank, invalid, show } from './attrs.js';
import { defineOp, OpError, type OpDef, type TfjsContext } from './op.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { floatType, intListType, type ParamType } from './param-types.js';

const rateParam = {
  name: 'rate',
  type: floatType,
  default: 0.5,
  doc: 'Fraction of elements to drop, in [0, 1).',
} as const;

function checkRate(rate: number): void {
  if (!(rate >= 0 && rate < 1)) throw invalid('rate', 'a value in [0, 1)', rate);
}

/** tfjs's Dropout with a noise shape (the batch first, `null`: the input's size). */
function tfjsDropout(c: TfjsContext<{ readonly rate: number }>, noise: (number | null)[] | null) {
  return c.tf.layers.dropout({
    name: c.name,
    rate: c.attrs.rate,
    ...(noise ? { noiseShape: [null, ...noise] as number[] } : {}),
  });
}

/** The identity at inference (ONNX runtimes drop the node). */
function onnxIdentity(c: OnnxContext): OnnxValue {
  const x = c.input(0);
  return { name: c.node('Identity', [x.name]), layout: x.layout };
}

/** The noise shape, one entry per non-batch dim, each 1 (shared) or the input's size. */
function checkNoise(x: Shape, noise: readonly number[]): void {
  const bad = noise.length !== x.length || noise.some((n, i) => n !== 1 && n !== x[i]);
  if (bad) {
    throw new OpError(
      `invalid value for 'noise_shape': expected one entry per non-batch dim of ${formatShape(x)}, each 1 or that dim, found ${show(noise)}`,
      'E2002',
      'noise_shape',
    );
  }
}

const optionalIntList: ParamType<number[] | null> = {
  label: '[int, ...] or none',
  convert: (v) => (v.kind === 'none' ? null : intListType(1).convert(v)),
};

export const dropout = defineOp({
  name: 'dropout',
  category: 'regularization',
  doc: 'During training, zeroes each element with probability `rate` and scales the rest by `1 / (1 - rate)` (with `noise_shape`, one draw shared along its 1 dims); the identity at inference. Keeps the input shape; 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    rateParam,
    {
      name: 'noise_shape',
      type: optionalIntList,
      default: null,
      doc: 'Shape of the drop mask over the non-batch dims, each 1 (shared) or the dim: `[1, 1, 64]` drops whole channels of `[h, w, 64]` (Keras `noise_shape` without the batch).',
    },
  ],
  shape([x], a) {
    checkRate(a.rate);
    if (a.noise_shape) checkNoise(x, a.noise_shape);
    return x;
  },
  weights: () => [],
  macs: () => 0n,
  tfjs: (c) => tfjsDropout(c, c.attrs.noise_shape),
  onnx: onnxIdentity,
});

/** Dropout whose mask is shared over all but some dims: spatial dropout, drop path. */
function sharedDropout(spec: {
  name: string;
  doc: string;
  rank?: number;
  layout?: string;
  /** The mask shape over the non-batch dims of `x`. */
  noise(x: Shape): (number | null)[];
}): OpDef {
  return defineOp({
    name: spec.name,
    category: 'regularization',
    doc: spec.doc,
    inputs: { min: 1, max: 1 },
    params: [rateParam],
    shape([x], a) {
      checkRate(a.rate);
      if (spec.rank !== undefined) expectRank(x, spec.rank, spec.layout ?? '', spec.name);
      return x;
    },
    weights: () => [],
    macs: () => 0n,
    isIdentity: () => true,
    tfjs: (c) => tfjsDropout(c, spec.noise(c.inputs[0])),
    onnx: onnxIdentity,
  });
}

/** 1 on every axis but the channels (`null`: the input's own size). */
const channelsOnly = (x: Shape): (number | null)[] => {
  const c = x[x.length - 1];
  return [...x.slice(0, -1).map(() => 1), typeof c === 'number' ? c : null];
};

export const spatialDropout1d = sharedDropout({
  name: 'spatial_dropout1d',
  doc: 'During training, drops whole channels of `[length, channels]` inputs (Keras `SpatialDropout1D`: one draw per example and channel); the identity at inference, 0 MACs.',
  rank: 2,
  layout: '[length, channels]',
  noise: channelsOnly,
});

export const spatialDropout2d = sharedDropout({
  name: 'spatial_dropout2d',
  doc: 'During training, drops whole channels of `[height, width, channels]` inputs (Keras `SpatialDropout2D`); the identity at inference, 0 MACs.',
  rank: 3,
  layout: '[height, width, channels]',
  noise: channelsOnly,
});

export const dropPath = sharedDropout({
  name: 'drop_path',
  doc: 'Stochastic depth on a residual branch: during training, zeroes the whole input of an example with probability `rate` and scales kept ones by `1 / (1 - rate)` (timm `DropPath`); the identity at inference, 0 MACs.',
  noise: (x) => x.map(() => 1),
});
