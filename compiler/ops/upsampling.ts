import type { Dim } from '../ir/shape.js';
import { expectRank, positive } from './attrs.js';
import { defineOp } from './op.js';
import { enumType, intOrTupleType } from './param-types.js';

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
      doc: 'How new pixels are filled.',
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
  tfjs: (c) =>
    c.tf.layers.upSampling2d({
      name: c.name,
      size: c.attrs.size,
      interpolation: c.attrs.interpolation,
    }),
  // tfjs resizes with align_corners and half_pixel_centers off: ONNX's `asymmetric` mode.
  onnx(c) {
    const x = c.inputAs(0, 'channels_first');
    const [h, w] = c.attrs.size;
    const scales = c.constant('scales', { shape: [4], data: Float32Array.of(1, 1, h, w) });
    const nearest = c.attrs.interpolation === 'nearest';
    const y = c.node('Resize', [x, '', scales], {
      mode: nearest ? 'nearest' : 'linear',
      coordinate_transformation_mode: 'asymmetric',
      ...(nearest ? { nearest_mode: 'floor' } : {}),
    });
    return { name: y, layout: 'channels_first' };
  },
});
