import type { Shape } from '../ir/shape.js';
import { exactProduct, expectRank, invalid, knownChannels, positive } from './attrs.js';
import { onnxFusedActivation } from './activations.js';
import { tailParams } from './conv.js';
import { deconvConsistent, deconvCrop, deconvLength } from './deconv-geometry.js';
import { onnxBias } from './onnx-nodes.js';
import { transposeWeight } from './onnx-weights.js';
import {
  defineOp,
  GLOROT_UNIFORM,
  OpError,
  ZEROS,
  type AttrsOf,
  type OpDef,
  type WeightSpec,
} from './op.js';
import { enumType, intOrTupleType, intType, optionalIntOrTupleType } from './param-types.js';

function params(rank: 1 | 2) {
  const per = rank === 1 ? 'the length' : 'one int per spatial axis or one for all';
  return [
    { name: 'filters', type: intType, doc: 'Number of output channels.' },
    {
      name: 'kernel_size',
      type: intOrTupleType(rank),
      doc: `Window size: ${per}.`,
    },
    {
      name: 'stride',
      type: intOrTupleType(rank),
      default: Array<number>(rank).fill(1),
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
      type: optionalIntOrTupleType(rank),
      default: null,
      doc: `Extra ${rank === 1 ? 'positions' : 'rows / columns'} at the end of the output, less than the stride; \`none\` derives the size from \`padding\` (Keras \`deconv_output_length\`).`,
    },
    {
      name: 'dilation',
      type: intOrTupleType(rank),
      default: Array<number>(rank).fill(1),
      doc: 'Spacing between kernel taps; only 1 is supported (tfjs has no dilated transposed convolution).',
    },
    ...tailParams,
  ] as const;
}

type Attrs = AttrsOf<ReturnType<typeof params>>;

const axisNames = (rank: 1 | 2) => (rank === 1 ? ['length'] : ['height', 'width']);

/** The output spatial sizes, after checking the arguments (Keras's rules). */
function outputSize(x: Shape, a: Attrs, rank: 1 | 2, op: string): Shape {
  expectRank(x, rank + 1, `[${[...axisNames(rank), 'channels'].join(', ')}]`, op);
  for (const k of ['filters', 'kernel_size', 'stride', 'dilation'] as const) positive(a, k);
  if (a.dilation.some((d) => d !== 1)) {
    throw new OpError(
      `${op} supports only dilation 1, found ${JSON.stringify(a.dilation)}`,
      'E2002',
      'dilation',
    );
  }
  const pad = a.output_padding;
  if (pad !== null && pad.some((p, i) => p < 0 || p >= a.stride[i])) {
    throw invalid('output_padding', 'values in [0, stride) per axis', pad);
  }
  return axisNames(rank).map((axisName, i) => {
    const n = x[i];
    const [k, s] = [a.kernel_size[i], a.stride[i]];
    const out = deconvLength(n, k, s, a.padding, pad === null ? null : pad[i]);
    if (
      typeof n === 'number' &&
      typeof out === 'number' &&
      !deconvConsistent(n, k, s, a.padding, out)
    ) {
      throw new OpError(
        `${op} output_padding ${pad![i]} gives ${axisName} ${out}, whose "${a.padding}" convolution does not give back the input's ${n} (TensorFlow rule)`,
        'E2002',
        'output_padding',
      );
    }
    return out;
  });
}

/**
 * Transposed 1-D or 2-D convolution (Keras `Conv1DTranspose`, `Conv2DTranspose`): each input
 * position scatters a `kernel_size` window of `filters` outputs, `stride` apart. Kernel
 * `[k.., filters, in]`.
 */
function convTransposeOp(rank: 1 | 2): OpDef {
  const name = `conv${rank}d_transpose`;
  const spatial = rank === 1 ? 'length' : 'height, width';
  const kernelDoc =
    rank === 1 ? '[kernel_length, filters, in]' : '[kernel_height, kernel_width, filters, in]';
  const macsDoc =
    rank === 1 ? '`in_length * k * in * filters`' : '`in_h * in_w * kh * kw * in * filters`';
  return defineOp({
    name,
    category: 'convolution',
    doc: `Transposed ${rank}-D convolution over \`[${spatial}, channels]\` inputs (Keras \`Conv${rank}DTranspose\`, the gradient of a convolution): output size per Keras \`deconv_output_length\`. MACs: ${macsDoc}.`,
    inputs: { min: 1, max: 1 },
    params: params(rank),
    weightDocs: [
      { name: 'kernel', shape: kernelDoc, trainable: true },
      { name: 'bias', shape: '[filters]', trainable: true, when: 'bias' },
    ],
    shape: ([x], a) => [...outputSize(x, a, rank, name), a.filters],
    weights([x], a) {
      const cin = knownChannels(x, name);
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
    macs: ([x], a) => exactProduct([...x, ...a.kernel_size, a.filters]),
    // The kernel is [k.., filters, in]: output channels on axis -2.
    linear: { kernel: 'kernel', outputAxis: -2 },
    // tfjs's Conv2DTranspose has no output_padding, and there is no Conv1DTranspose: netc's
    // layer passes the output size itself.
    tfjs(c) {
      const a = c.attrs;
      if (rank === 2 && a.output_padding === null) {
        return c.tf.layers.conv2dTranspose({
          name: c.name,
          filters: a.filters,
          kernelSize: [a.kernel_size[0], a.kernel_size[1]],
          strides: [a.stride[0], a.stride[1]],
          padding: a.padding,
          useBias: a.bias,
          activation: c.activation(a.activation),
        });
      }
      return c.custom('NetcConvTranspose', {
        name: c.name,
        filters: a.filters,
        kernelSize: [...a.kernel_size],
        strides: [...a.stride],
        padding: a.padding,
        outputPadding: a.output_padding === null ? null : [...a.output_padding],
        useBias: a.bias,
        activation: a.activation,
      });
    },
    // ConvTranspose crops `pads` from its full result and adds `output_padding` at the end.
    onnx(c) {
      const [x] = c.inputs;
      const a = c.attrs;
      const crops = axisNames(rank).map((_, i) => {
        const n = x[i];
        const out = c.output[i];
        if (typeof n !== 'number' || typeof out !== 'number') {
          throw new OpError(
            `${name} needs known ${spatial} to export to ONNX, but the input is [${x.join(', ')}]`,
            'E3004',
          );
        }
        return deconvCrop(n, a.kernel_size[i], a.stride[i], out);
      });
      // Keras [k.., filters, in] -> ONNX [in, filters, k..].
      const perm = rank === 1 ? [2, 1, 0] : [3, 2, 0, 1];
      const kernel = transposeWeight(c.weight('kernel'), perm);
      const inputs = [c.inputAs(0, 'channels_first'), c.constant('kernel', kernel), ...onnxBias(c)];
      const y = c.node('ConvTranspose', inputs, {
        kernel_shape: a.kernel_size,
        strides: a.stride,
        pads: [...crops.map((p) => p.before), ...crops.map((p) => p.after)],
        output_padding: crops.map((p) => p.extra),
      });
      return onnxFusedActivation(c, { name: y, layout: 'channels_first' });
    },
  });
}

export const conv2dTranspose = convTransposeOp(2);
export const conv1dTranspose = convTransposeOp(1);
