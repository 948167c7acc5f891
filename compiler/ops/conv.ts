import type { Shape } from '../ir/shape.js';
import { exactProduct, expectRank, knownChannels, positive, show } from './attrs.js';
import { activationType, onnxFusedActivation } from './activations.js';
import { axisPaddings, windowOutput } from './conv-geometry.js';
import type { OnnxContext, OnnxValue } from './onnx.js';
import { onnxBias } from './onnx-nodes.js';
import { kernelPerm, onnxWindowAttrs, type Window } from './onnx-window.js';
import { reshapeWeight, transposeWeight } from './onnx-weights.js';
import {
  defineOp,
  GLOROT_UNIFORM,
  ZEROS,
  OpError,
  type AttrsOf,
  type OpDef,
  type TfjsContext,
  type WeightDoc,
  type WeightSpec,
} from './op.js';
import { boolType, intOrTupleType, intType, paddingType, type Padding } from './param-types.js';

const axisNames = (rank: number): string[] => (rank === 1 ? ['length'] : ['height', 'width']);
const layout = (rank: number): string => `[${[...axisNames(rank), 'channels'].join(', ')}]`;

/** kernel_size, stride, padding, dilation: the window parameters shared by every convolution. */
export function windowParams(rank: number) {
  return [
    {
      name: 'kernel_size',
      type: intOrTupleType(rank),
      doc: 'Window size, one int per spatial axis or one for all.',
    },
    {
      name: 'stride',
      type: intOrTupleType(rank),
      default: Array(rank).fill(1),
      doc: 'Step of the window.',
    },
    {
      name: 'padding',
      type: paddingType(rank),
      default: 'same',
      doc: '`"same"` (TensorFlow rules: output = ceil(input / stride), extra zero after), `"valid"`, or explicit zeros.',
    },
    {
      name: 'dilation',
      type: intOrTupleType(rank),
      default: Array(rank).fill(1),
      doc: 'Spacing between kernel taps.',
    },
  ] as const;
}

/** The window attributes every convolution has, and pooling is read as. */
export interface WindowAttrs {
  readonly kernel_size: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly padding: Padding;
}

/** bias and the fused activation, the last arguments of every convolution and dense. */
export const tailParams = [
  { name: 'bias', type: boolType, default: true, doc: 'Add a learned bias per output channel.' },
  {
    name: 'activation',
    type: activationType,
    default: 'linear',
    doc: 'Activation fused after the op.',
  },
] as const;

const kernelDims = (rank: number): string =>
  rank === 1 ? 'kernel_length' : 'kernel_height, kernel_width';

const biasDoc = (size: string): WeightDoc => ({
  name: 'bias',
  shape: `[${size}]`,
  trainable: true,
  when: 'bias',
});

/** Output spatial dims of a window op, after validating the window arguments. */
export function windowShape(op: string, input: Shape, attrs: WindowAttrs, rank: number): Shape {
  expectRank(input, rank + 1, layout(rank), op);
  for (const k of ['kernel_size', 'stride', 'dilation'] as const) positive(attrs, k);
  const { kernel_size: kernel, stride, dilation } = attrs;
  if (stride.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    throw new OpError(
      `${op} cannot combine stride > 1 with dilation > 1 (TensorFlow rule)`,
      'E2002',
      'dilation',
    );
  }
  const pads = axisPaddings(attrs.padding, rank);
  if (pads.some((p) => p !== 'same' && p !== 'valid' && (p[0] < 0 || p[1] < 0))) {
    throw new OpError(
      `padding must not be negative, found ${show(attrs.padding)}`,
      'E2002',
      'padding',
    );
  }
  const names = axisNames(rank);
  return input
    .slice(0, rank)
    .map((n, i) => windowOutput(n, kernel[i], stride[i], dilation[i], pads[i], names[i]));
}

/** Warn when a stride > 1 `same` window meets a length the stride does not divide. */
export function oddSameWarnings(
  input: Shape,
  attrs: Pick<WindowAttrs, 'stride' | 'padding'>,
  rank: number,
): string[] {
  if (attrs.padding !== 'same') return [];
  const stride = attrs.stride;
  const out: string[] = [];
  input.slice(0, rank).forEach((n, i) => {
    if (typeof n === 'number' && stride[i] > 1 && n % stride[i] !== 0) {
      const name = axisNames(rank)[i];
      out.push(
        `stride ${stride[i]} with "same" padding on ${name} ${n}, which ${stride[i]} does not divide: ` +
          `the output rounds up to ${Math.ceil(n / stride[i])}, while a "valid" pooling of the same input gives ${Math.floor(n / stride[i])}`,
      );
    }
  });
  return out;
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

function checkGroups(cin: number, filters: number, groups: number): void {
  if (cin % groups !== 0) {
    throw new OpError(
      `groups=${groups} does not divide the ${cin} input channels`,
      'E3002',
      'groups',
      [`groups that divide ${cin}: ${divisors(cin).join(', ')}`],
    );
  }
  if (filters % groups !== 0) {
    throw new OpError(`groups=${groups} does not divide filters=${filters}`, 'E3002', 'groups', [
      `each group needs the same number of output channels; groups that divide both: ${divisors(cin)
        .filter((d) => filters % d === 0)
        .join(', ')}`,
    ]);
  }
}

/** The linear-producer spec of a kernel `[..., in, filters]`: output channels on the last axis. */
export const KERNEL_OUT_LAST = { kernel: 'kernel', outputAxis: -1 } as const;

function convOp(rank: 1 | 2): OpDef {
  const name = `conv${rank}d`;
  return defineOp({
    name,
    category: 'convolution',
    doc: `${rank}-D convolution over \`${layout(rank)}\` inputs, with optional groups (one op: grouped convolution is never split into slices).`,
    inputs: { min: 1, max: 1 },
    params: convParams(rank),
    weightDocs: [
      { name: 'kernel', shape: `[${kernelDims(rank)}, in / groups, filters]`, trainable: true },
      biasDoc('filters'),
    ],
    shape([x], a) {
      positive(a, 'filters');
      positive(a, 'groups');
      const spatial = windowShape(name, x, a, rank);
      const cin = x[rank];
      if (typeof cin === 'number') checkGroups(cin, a.filters, a.groups);
      return [...spatial, a.filters];
    },
    weights([x], a) {
      const cin = knownChannels(x, name);
      const filters = a.filters;
      const w: WeightSpec[] = [
        {
          name: 'kernel',
          shape: [...a.kernel_size, cin / a.groups, filters],
          trainable: true,
          init: GLOROT_UNIFORM,
        },
      ];
      if (a.bias) w.push({ name: 'bias', shape: [filters], trainable: true, init: ZEROS });
      return w;
    },
    macs([x], a, out) {
      const positions = exactProduct(out.slice(0, rank));
      const cin = x[rank];
      if (positions === null || typeof cin !== 'number') return null;
      const taps = exactProduct(a.kernel_size)!;
      return positions * BigInt(a.filters) * taps * BigInt(cin / a.groups);
    },
    warnings: ([x], a) => oddSameWarnings(x, a, rank),
    linear: KERNEL_OUT_LAST,
    tfjs(c) {
      const a = c.attrs;
      const [kernelSize, strides, dilationRate] = windowArgs(a);
      const base = { name: c.name, filters: a.filters, useBias: a.bias };
      const padding = a.padding;
      if (a.groups === 1 && (padding === 'same' || padding === 'valid')) {
        const args = { ...base, padding, activation: c.activation(a.activation) };
        return rank === 1
          ? c.tf.layers.conv1d({
              ...args,
              kernelSize: kernelSize[0],
              strides: strides[0],
              dilationRate: dilationRate[0],
            })
          : c.tf.layers.conv2d({
              ...args,
              kernelSize: kernelSize as [number, number],
              strides: strides as [number, number],
              dilationRate: dilationRate as [number, number],
            });
      }
      return c.custom('NetcConv', {
        ...base,
        rank,
        kernelSize,
        strides,
        padding,
        dilationRate,
        groups: a.groups,
        activation: a.activation,
      });
    },
    // One Conv node, grouped or not; `same` padding as explicit pads (see onnxPads).
    onnx(c) {
      const x = c.inputAs(0, 'channels_first');
      const kernel = transposeWeight(c.weight('kernel'), kernelPerm(rank));
      const inputs = [x, c.constant('kernel', kernel), ...onnxBias(c)];
      const attrs = {
        ...onnxWindowAttrs(c.inputs[0], windowOf(c.attrs)),
        group: c.attrs.groups,
      };
      return fusedActivation(c, c.node('Conv', inputs, attrs));
    },
  });
}

/** The window attributes of a convolution. */
export const windowOf = (a: WindowAttrs): Window => ({
  kernel: a.kernel_size,
  stride: a.stride,
  dilation: a.dilation,
  padding: a.padding,
});

/** A channels-first conv output, then the op's fused `activation`. */
const fusedActivation = (c: OnnxContext<DepthwiseAttrs | ConvAttrs>, y: string): OnnxValue =>
  onnxFusedActivation(c, { name: y, layout: 'channels_first' });

/**
 * Depthwise (and separable) convolution on ONNX: a Conv with one group per input channel, its
 * kernel `[kh, kw, in, m]` read as `[in * m, 1, kh, kw]` (output channel `i * m + k`, Keras's
 * order); a separable one adds the 1x1 pointwise Conv, which gets the bias.
 */
function depthwiseOnnx(c: OnnxContext<DepthwiseAttrs>, separable: boolean): OnnxValue {
  const x = c.inputAs(0, 'channels_first');
  const cin = knownChannels(c.inputs[0], separable ? 'separable_conv2d' : 'depthwise_conv2d');
  const dk = c.weight('depthwise_kernel');
  const [kh, kw, , dm] = dk.shape;
  const kernel = transposeWeight(reshapeWeight(dk, [kh, kw, 1, cin * dm]), kernelPerm(2));
  const attrs = { ...onnxWindowAttrs(c.inputs[0], windowOf(c.attrs)), group: cin };
  const depthwise = c.constant('depthwise_kernel', kernel);
  if (!separable) {
    return fusedActivation(c, c.node('Conv', [x, depthwise, ...onnxBias(c)], attrs));
  }
  const mid = c.node('Conv', [x, depthwise], attrs, 'depthwise');
  const pk = transposeWeight(c.weight('pointwise_kernel'), kernelPerm(2));
  const inputs = [mid, c.constant('pointwise_kernel', pk), ...onnxBias(c)];
  return fusedActivation(c, c.node('Conv', inputs, { kernel_shape: [1, 1] }));
}

/** kernel_size, stride, dilation as tfjs configs take them. */
const windowArgs = (a: WindowAttrs): number[][] => [a.kernel_size, a.stride, a.dilation];

/**
 * Depthwise and separable convolution on tfjs: its own layers for `same` / `valid`, netc's for
 * explicit padding and (depthwise) dilation, which tfjs's DepthwiseConv2D ignores.
 */
function depthwiseLowering(c: TfjsContext<DepthwiseAttrs>, filters: number | null) {
  const a = c.attrs;
  const [kernelSize, strides, dilationRate] = windowArgs(a) as [number, number][];
  const padding = a.padding;
  const base = {
    name: c.name,
    kernelSize,
    strides,
    dilationRate,
    depthMultiplier: a.depth_multiplier,
    useBias: a.bias,
  };
  const dilated = dilationRate.some((d) => d > 1);
  if ((padding === 'same' || padding === 'valid') && (filters !== null || !dilated)) {
    const activation = c.activation(a.activation);
    return filters === null
      ? c.tf.layers.depthwiseConv2d({ ...base, padding, activation })
      : c.tf.layers.separableConv2d({ ...base, filters, padding, activation });
  }
  return c.custom('NetcDepthwiseConv', {
    ...base,
    padding,
    filters,
    activation: a.activation,
  });
}

export const conv1d = convOp(1);
export const conv2d = convOp(2);

const depthMultiplier = {
  name: 'depth_multiplier',
  type: intType,
  default: 1,
  doc: 'Output channels per input channel of the depthwise step.',
} as const;

function convParams(rank: number) {
  return [
    { name: 'filters', type: intType, doc: 'Number of output channels.' },
    ...windowParams(rank),
    {
      name: 'groups',
      type: intType,
      default: 1,
      doc: 'Split input and output channels into this many independent groups.',
    },
    ...tailParams,
  ] as const;
}
type ConvAttrs = AttrsOf<ReturnType<typeof convParams>>;

const depthwiseParams = [...windowParams(2), depthMultiplier, ...tailParams] as const;
/** What depthwise and separable lowerings read (separable adds `filters`). */
type DepthwiseAttrs = AttrsOf<typeof depthwiseParams>;

export const depthwiseConv2d = defineOp({
  name: 'depthwise_conv2d',
  category: 'convolution',
  doc: 'Depthwise 2-D convolution: each input channel is convolved with its own `depth_multiplier` filters.',
  inputs: { min: 1, max: 1 },
  params: depthwiseParams,
  weightDocs: [
    {
      name: 'depthwise_kernel',
      shape: `[${kernelDims(2)}, in, depth_multiplier]`,
      trainable: true,
    },
    biasDoc('in * depth_multiplier'),
  ],
  shape([x], a) {
    positive(a, 'depth_multiplier');
    const spatial = windowShape('depthwise_conv2d', x, a, 2);
    const cin = x[2];
    return [...spatial, typeof cin === 'number' ? cin * a.depth_multiplier : null];
  },
  weights([x], a) {
    const cin = knownChannels(x, 'depthwise_conv2d');
    const dm = a.depth_multiplier;
    const w: WeightSpec[] = [
      {
        name: 'depthwise_kernel',
        shape: [...a.kernel_size, cin, dm],
        trainable: true,
        init: GLOROT_UNIFORM,
      },
    ];
    if (a.bias) w.push({ name: 'bias', shape: [cin * dm], trainable: true, init: ZEROS });
    return w;
  },
  macs(_x, a, out) {
    const n = exactProduct(out);
    return n === null ? null : n * exactProduct(a.kernel_size)!;
  },
  warnings: ([x], a) => oddSameWarnings(x, a, 2),
  // Output channel i * multiplier + m: the flattening of the kernel's last two axes.
  linear: { kernel: 'depthwise_kernel', outputAxis: -2, outputSpan: 2 },
  tfjs: (c) => depthwiseLowering(c, null),
  onnx: (c) => depthwiseOnnx(c, false),
});

export const separableConv2d = defineOp({
  name: 'separable_conv2d',
  category: 'convolution',
  doc: 'Depthwise 2-D convolution followed by a 1x1 pointwise convolution to `filters` channels.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'filters', type: intType, doc: 'Number of output channels.' },
    ...windowParams(2),
    depthMultiplier,
    ...tailParams,
  ],
  weightDocs: [
    {
      name: 'depthwise_kernel',
      shape: `[${kernelDims(2)}, in, depth_multiplier]`,
      trainable: true,
    },
    {
      name: 'pointwise_kernel',
      shape: '[1, 1, in * depth_multiplier, filters]',
      trainable: true,
    },
    biasDoc('filters'),
  ],
  shape([x], a) {
    positive(a, 'filters');
    positive(a, 'depth_multiplier');
    return [...windowShape('separable_conv2d', x, a, 2), a.filters];
  },
  weights([x], a) {
    const cin = knownChannels(x, 'separable_conv2d');
    const dm = a.depth_multiplier;
    const filters = a.filters;
    const w: WeightSpec[] = [
      {
        name: 'depthwise_kernel',
        shape: [...a.kernel_size, cin, dm],
        trainable: true,
        init: GLOROT_UNIFORM,
      },
      {
        name: 'pointwise_kernel',
        shape: [1, 1, cin * dm, filters],
        trainable: true,
        init: GLOROT_UNIFORM,
      },
    ];
    if (a.bias) w.push({ name: 'bias', shape: [filters], trainable: true, init: ZEROS });
    return w;
  },
  macs([x], a, out) {
    const positions = exactProduct(out.slice(0, 2));
    const cin = x[2];
    if (positions === null || typeof cin !== 'number') return null;
    const mid = BigInt(cin) * BigInt(a.depth_multiplier);
    const taps = exactProduct(a.kernel_size)!;
    return positions * (mid * taps + mid * BigInt(a.filters));
  },
  warnings: ([x], a) => oddSameWarnings(x, a, 2),
  linear: { kernel: 'pointwise_kernel', outputAxis: -1 },
  tfjs: (c) => depthwiseLowering(c, c.attrs.filters),
  onnx: (c) => depthwiseOnnx(c, true),
});
