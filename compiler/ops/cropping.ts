import { formatShape, type Dim, type Shape } from '../ir/shape.js';
import { expectRank, invalid } from './attrs.js';
import { defineOp, OpError, type OpDef } from './op.js';
import { onnxAxis } from './onnx-layout.js';
import { paddingType } from './param-types.js';

/** The cropped shape: `[before, after]` off each spatial axis, leaving at least one. */
function cropped(x: Shape, crop: readonly [number, number][], op: string): Shape {
  if (crop.some(([b, e]) => b < 0 || e < 0)) throw invalid('cropping', 'no negative amounts', crop);
  return x.map((n: Dim, i) => {
    if (i >= crop.length) return n;
    const by = crop[i][0] + crop[i][1];
    if (typeof n !== 'number') return by === 0 ? n : null;
    if (n - by < 1) {
      throw new OpError(
        `${op} crops ${by} from dimension ${i} of ${formatShape(x)}, leaving nothing`,
        'E3004',
        'cropping',
      );
    }
    return n - by;
  });
}

/** An end index ONNX's Slice reads as "to the end". */
const TO_END = 2 ** 31 - 1;

function croppingOp(rank: 1 | 2): OpDef {
  const layout = rank === 1 ? '[length, channels]' : '[height, width, channels]';
  const name = `cropping${rank}d`;
  return defineOp({
    name,
    category: 'padding',
    doc: `Removes rows from the start and end of the spatial axes of \`${layout}\` inputs (Keras \`Cropping${rank}D\`); 0 MACs.`,
    inputs: { min: 1, max: 1 },
    params: [
      {
        name: 'cropping',
        type: paddingType(rank, false),
        default: Array.from({ length: rank }, () => (rank === 1 ? [1, 1] : [0, 0])),
        doc:
          rank === 1
            ? 'Rows off both ends (int), or `[start, end]` (Keras default `(1, 1)`).'
            : 'Rows off every side (int), `[height, width]` for both sides of each axis, or `[[top, bottom], [left, right]]` (Keras default 0).',
      },
    ],
    shape([x], a) {
      expectRank(x, rank + 1, layout, name);
      return cropped(x, a.cropping, name);
    },
    weights: () => [],
    macs: () => 0n,
    isIdentity: (a) => a.cropping.every((p) => p.every((n) => n === 0)),
    tfjs(c) {
      const p = c.attrs.cropping;
      if (rank === 1) return c.custom('NetcCropping1D', { name: c.name, cropping: p[0] });
      return c.tf.layers.cropping2D({
        name: c.name,
        cropping: [
          [p[0][0], p[0][1]],
          [p[1][0], p[1][1]],
        ],
      });
    },
    // One Slice in the input's own layout.
    onnx(c) {
      const x = c.input(0);
      const r = c.inputs[0].length;
      const crop = c.attrs.cropping;
      const axes = crop.map((_, i) => onnxAxis(i, r, x.layout));
      const starts = c.int64s(
        'starts',
        crop.map(([b]) => b),
      );
      const ends = c.int64s(
        'ends',
        crop.map(([, e]) => (e > 0 ? -e : TO_END)),
      );
      const y = c.node('Slice', [x.name, starts, ends, c.int64s('axes', axes)]);
      return { name: y, layout: x.layout };
    },
  });
}

export const cropping1d = croppingOp(1);
export const cropping2d = croppingOp(2);
