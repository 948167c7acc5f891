import type { Dim } from '../ir/shape.js';
import { expectRank, positive } from './attrs.js';
import { defineOp } from './op.js';
import { enumType, intOrTupleType } from './param-types.js';
import type { OnnxContext, OnnxValue } from './onnx.js';

const times = (n: Dim, k: number): Dim => (k === 1 ? n : typeof n === 'number' ? n * k : null);

export const upsampling2d = defineOp({
  name: 'upsampling2d',
  category: 'reshaping',
  doc: 'Enlarges the height and width of `[height, width, channels]` inputs by integer factors; counted as 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    {
      name: 'size',
      type: intOrTupleType(2),
      default: [2, 2],
      doc: 'Factor for height and width, or one for both.',
    },
    {
      name: 'interpolation',
      type: enumType(['nearest', 'bilinear']),
      default: 'nearest',
      doc: 'How new pixels are filled; `"bilinear"` with half-pixel centres (Keras, PyTorch `align_corners=False`).',
    },
  ],
  shape([x], a) {
    positive(a, 'size');
    expectRank(x, 3, '[height, width, channels]', 'upsampling2d');
    const [h, w] = a.size;
    return [times(x[0], h), times(x[1], w), x[2]];
  },
  weights: () => [],
  macs: () => 0n,
  isIdentity: (a) => a.size.every((k) => k === 1),
  // Nearest with integer factors is the same under every pixel convention: tfjs's layer. Bilinear
  // needs half-pixel centres (Keras, PyTorch), which tfjs's resizeBilinear does not use.
  tfjs: (c) =>
    c.attrs.interpolation === 'nearest'
      ? c.tf.layers.upSampling2d({ name: c.name, size: c.attrs.size, interpolation: 'nearest' })
      : c.custom('NetcResize', {
          name: c.name,
          size: null,
          factor: [c.attrs.size[0], c.attrs.size[1]],
          interpolation: 'bilinear',
        }),
  onnx(c) {
    const [h, w] = c.attrs.size;
    const scales = c.constant('scales', { shape: [4], data: Float32Array.of(1, 1, h, w) });
    return onnxResize(c, c.attrs.interpolation, ['', scales]);
  },
});

/**
 * An ONNX Resize of the (channels-first) image to the given `[roi, scales]` or
 * `[roi, scales, sizes]` inputs, with TensorFlow 2's half-pixel centres: `half_pixel` for
 * linear; for nearest, `half_pixel` with `round_prefer_ceil`, i.e. `floor((o + 0.5) * in / out)`.
 */
export function onnxResize(
  c: OnnxContext,
  interpolation: 'nearest' | 'bilinear',
  rest: readonly string[],
): OnnxValue {
  const x = c.inputAs(0, 'channels_first');
  const nearest = interpolation === 'nearest';
  const y = c.node('Resize', [x, ...rest], {
    mode: nearest ? 'nearest' : 'linear',
    coordinate_transformation_mode: 'half_pixel',
    ...(nearest ? { nearest_mode: 'round_prefer_ceil' } : {}),
  });
  return { name: y, layout: 'channels_first' };
}
