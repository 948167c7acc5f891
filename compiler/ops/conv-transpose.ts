import type { Shape } from '../ir/shape.js';
import { exactProduct, expectRank, invalid, knownChannels, positive } from './attrs.js';
import { onnxFusedActivation } from './activations.js';
import { tailParams } from './conv.js';
import { deconvConsistent, deconvCrop, deconvLength } from './deconv-geometry.js';
import { onnxBias } from './onnx-nodes.js';
import { transposeWeight } from './onnx-weights.js';
import { defineOp, GLOROT_UNIFORM, OpError, ZEROS, type AttrsOf, type WeightSpec } from './op.js';
import { enumType, intOrTupleType, intType, optionalIntOrTupleType } from './param-types.js';

const params = [
  { name: 'filters', type: intType, doc: 'Number of output channels.' },
  {
    name: 'kernel_size',
    type: intOrTupleType(2),
    doc: 'Window size, one int per spatial axis or one for all.',
  },
  {
    name: 'stride',
    type: intOrTupleType(2),
    default: [1, 1],
    doc: 'Upsampling factor: the step of the window over the output.',
  },
  {
    name: 'padding',
    type: enumType(['same', 'valid']),
    default: 'same',
    doc: '`"same"` (output = input * stride without `output_padding`) or `"valid"` (output = input * stride + max(kernel - stride, 0)).',
  },
  {
    name: 'output_padding',
    type: optionalIntOrTupleType(2),
    default: null,
    doc: 'Extra rows / columns at the end of the output, less than the stride; `none` derives the size from `padding` (Keras `deconv_output_length`).',
  },
  {
    name: 'dilation',
    type: intOrTupleType(2),
    default: [1, 1],
    doc: 'Spacing between kernel taps; only 1 is supported (tfjs has no dilated transposed convolution).',
  },
  ...tailParams,
] as const;

type Attrs = AttrsOf<typeof params>;

/** The output height and width, after checking the arguments (Keras's rules). */
function outputSize(x: Shape, a: Attrs): Shape {
  expectRank(x, 3, '[height, width, channels]', 'conv2d_transpose');
  for (const k of ['filters', 'kernel_size', 'stride', 'dilation'] as const) positive(a, k);
  if (a.dilation.some((d) => d !== 1)) {
    throw new OpError(
      `conv2d_transpose supports only dilation 1, found ${JSON.stringify(a.dilation)}`,
      'E2002',
      'dilation',
    );
  }
  const op = a.output_padding;
  if (op !== null && op.some((p, i) => p < 0 || p >= a.stride[i])) {
    throw invalid('output_padding', 'values in [0, stride) per axis', op);
  }
  return [0, 1].map((i) => {
    const n = x[i];
    const [k, s] = [a.kernel_size[i], a.stride[i]];
    const out = deconvLength(n, k, s, a.padding, op === null ? null : op[i]);
    if (
      typeof n === 'number' &&
      typeof out === 'number' &&
      !deconvConsistent(n, k, s, a.padding, out)
    ) {
      throw new OpError(
        `conv2d_transpose output_padding ${op![i]} gives ${['height', 'width'][i]} ${out}, whose "${a.padding}" convolution does not give back the input's ${n} (TensorFlow rule)`,
        'E2002',
        'output_padding',
      );
    }
    return out;
  });
}

/**
 * Transposed 2-D convolution (Keras `Conv2DTranspose`): each input position scatters a
 * `kernel_size` window of `filters` outputs, `stride` apart. Kernel `[kh, kw, filters, in]`.
 */
export const conv2dTranspose = defineOp({
  name: 'conv2d_transpose',
  category: 'convolution',
  doc: 'Transposed 2-D convolution over `[height, width, channels]` inputs (Keras `Conv2DTranspose`, the gradient of a convolution): output size per Keras `deconv_output_length`. MACs: `in_h * in_w * kh * kw * in * filters`.',
  inputs: { min: 1, max: 1 },
  params,
  weightDocs: [
    { name: 'kernel', shape: '[kernel_height, kernel_width, filters, in]', trainable: true },
    { name: 'bias', shape: '[filters]', trainable: true, when: 'bias' },
  ],
  shape: ([x], a) => [...outputSize(x, a), a.filters],
  weights([x], a) {
    const cin = knownChannels(x, 'conv2d_transpose');
    const w: WeightSpec[] = [
      {
        name: 'kernel',
        shape: [...a.kernel_size, a.filters, cin],
        trainable: true,
        init: GLOROT_UNIFORM,
      },
    ];
    if (a.bias) w.push({ name: 'bias', shape: [a.filters], trainable: true, init: ZEROS });
    return w;
  },
  macs([x], a) {
    const [h, w, cin] = x;
    if (typeof h !== 'number' || typeof w !== 'number' || typeof cin !== 'number') return null;
    return exactProduct([h, w, a.kernel_size[0], a.kernel_size[1], cin, a.filters]);
  },
  // The kernel is [kh, kw, filters, in]: output channels on axis -2.
  linear: { kernel: 'kernel', outputAxis: -2 },
  // tfjs's Conv2DTranspose has no output_padding: netc's layer passes the output size itself.
  tfjs(c) {
    const a = c.attrs;
    const base = {
      name: c.name,
      filters: a.filters,
      kernelSize: [a.kernel_size[0], a.kernel_size[1]] as [number, number],
      strides: [a.stride[0], a.stride[1]] as [number, number],
      padding: a.padding,
      useBias: a.bias,
    };
    if (a.output_padding === null) {
      return c.tf.layers.conv2dTranspose({ ...base, activation: c.activation(a.activation) });
    }
    const [ph, pw] = a.output_padding;
    return c.custom('NetcConvTranspose', {
      ...base,
      outputPadding: [ph, pw],
      activation: a.activation,
    });
  },
  // ConvTranspose crops `pads` from its full result and adds `output_padding` rows at the end.
  onnx(c) {
    const [x] = c.inputs;
    const a = c.attrs;
    const crops = [0, 1].map((i) => {
      const n = x[i];
      const out = c.output[i];
      if (typeof n !== 'number' || typeof out !== 'number') {
        throw new OpError(
          `conv2d_transpose needs known height and width to export to ONNX, but the input is [${x.join(', ')}]`,
          'E3004',
        );
      }
      return deconvCrop(n, a.kernel_size[i], a.stride[i], out);
    });
    // Keras [kh, kw, filters, in] -> ONNX [in, filters, kh, kw].
    const kernel = transposeWeight(c.weight('kernel'), [3, 2, 0, 1]);
    const inputs = [c.inputAs(0, 'channels_first'), c.constant('kernel', kernel), ...onnxBias(c)];
    const y = c.node('ConvTranspose', inputs, {
      kernel_shape: a.kernel_size,
      strides: a.stride,
      pads: [crops[0].before, crops[1].before, crops[0].after, crops[1].after],
      output_padding: crops.map((p) => p.extra),
    });
    return onnxFusedActivation(c, { name: y, layout: 'channels_first' });
  },
});
