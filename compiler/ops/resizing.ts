import { expectRank, positive } from './attrs.js';
import { defineOp } from './op.js';
import { enumType, intType } from './param-types.js';
import { onnxResize } from './upsampling.js';

export const resizing = defineOp({
  name: 'resizing',
  category: 'reshaping',
  doc: 'Resizes `[height, width, channels]` images to `[height, width]` (Keras `Resizing`, TensorFlow 2 `tf.image.resize`: half-pixel centres, no antialiasing, aspect ratio not kept); counted as 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [
    { name: 'height', type: intType, doc: 'Output height.' },
    { name: 'width', type: intType, doc: 'Output width.' },
    {
      name: 'interpolation',
      type: enumType(['bilinear', 'nearest']),
      default: 'bilinear',
      doc: 'How output pixels are computed from the input.',
    },
  ],
  shape([x], a) {
    positive(a, 'height');
    positive(a, 'width');
    expectRank(x, 3, '[height, width, channels]', 'resizing');
    return [a.height, a.width, x[2]];
  },
  weights: () => [],
  macs: () => 0n,
  isIdentity: (a, [x]) => x[0] === a.height && x[1] === a.width,
  tfjs: (c) =>
    c.custom('NetcResize', {
      name: c.name,
      size: [c.attrs.height, c.attrs.width],
      factor: null,
      interpolation: c.attrs.interpolation,
    }),
  // Sizes [batch, channels, height, width]: batch and channels read from the input's shape.
  onnx(c) {
    const x = c.inputAs(0, 'channels_first');
    const shape = c.node('Shape', [x], {}, 'shape');
    const nc = c.node('Slice', [shape, c.int64s('zero', [0]), c.int64s('two', [2])], {}, 'nc');
    const hw = c.int64s('hw', [c.attrs.height, c.attrs.width]);
    const sizes = c.node('Concat', [nc, hw], { axis: 0 }, 'sizes');
    return onnxResize(c, c.attrs.interpolation, ['', '', sizes]);
  },
});
