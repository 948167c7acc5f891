import { formatShape, type Dim, type Shape } from '../ir/shape.js';
import { expectMinRank, expectRank, invalid, positive, sameKnownShape } from './attrs.js';
import { defineOp, OpError, type OpDef } from './op.js';
import type { OnnxContext, OnnxLayout, OnnxValue } from './onnx.js';
import { onnxAxis } from './onnx-layout.js';
import { intType, paddingType } from './param-types.js';

const grow = (n: Dim, by: number): Dim => (by === 0 ? n : typeof n === 'number' ? n + by : null);

function padded(x: Shape, a: { readonly padding: [number, number][] }): Shape {
  const p = a.padding;
  if (p.some(([before, after]) => before < 0 || after < 0)) {
    throw invalid('padding', 'no negative amounts', a.padding);
  }
  return x.map((n, i) => (i < p.length ? grow(n, p[i][0] + p[i][1]) : n));
}

/** A Pad node adding `[before, after]` zeros on netc axes, in `layout` or the input's. */
function padOnnx(
  c: OnnxContext,
  amounts: ReadonlyMap<number, readonly number[]>,
  layout?: OnnxLayout,
): OnnxValue {
  const x = layout ? { name: c.inputAs(0, layout), layout } : c.input(0);
  const rank = c.inputs[0].length;
  const begin = new Array<number>(rank + 1).fill(0);
  const end = new Array<number>(rank + 1).fill(0);
  for (const [axis, [before, after]] of amounts) {
    const at = onnxAxis(axis, rank, x.layout);
    begin[at] = before;
    end[at] = after;
  }
  const pads = c.int64s('pads', [...begin, ...end]);
  return { name: c.node('Pad', [x.name, pads], { mode: 'constant' }), layout: x.layout };
}

function zeroPadOp(rank: 1 | 2): OpDef {
  const layout = rank === 1 ? '[length, channels]' : '[height, width, channels]';
  const name = `zero_pad${rank}d`;
  return defineOp({
    name,
    category: 'padding',
    doc: `Adds zeros before and after the spatial axes of \`${layout}\` inputs; 0 MACs.`,
    inputs: { min: 1, max: 1 },
    params: [
      {
        name: 'padding',
        type: paddingType(rank, false),
        default: Array.from({ length: rank }, () => [1, 1]),
        doc:
          rank === 1
            ? 'Zeros on both ends (int), or `[before, after]`.'
            : 'Zeros on every side (int), `[height, width]` for both sides of each axis, or `[[top, bottom], [left, right]]`.',
      },
    ],
    shape([x], a) {
      expectRank(x, rank + 1, layout, name);
      return padded(x, a);
    },
    weights: () => [],
    macs: () => 0n,
    isIdentity: (a) => a.padding.every((p) => p.every((n) => n === 0)),
    tfjs(c) {
      const p = c.attrs.padding;
      if (rank === 1) {
        return c.custom('NetcZeroPad1D', { name: c.name, padding: p[0] });
      }
      return c.tf.layers.zeroPadding2d({
        name: c.name,
        padding: [
          [p[0][0], p[0][1]],
          [p[1][0], p[1][1]],
        ],
      });
    },
    // Channels-first, like the convolution or pooling that usually follows.
    onnx: (c) => padOnnx(c, new Map(c.attrs.padding.map((p, axis) => [axis, p])), 'channels_first'),
  });
}

export const zeroPad1d = zeroPadOp(1);
export const zeroPad2d = zeroPadOp(2);

export const zeroPadChannels = defineOp({
  name: 'zero_pad_channels',
  category: 'padding',
  doc: 'Appends zero channels on the last axis, after the real ones, up to `channels` in total (the parameter-free shortcut of ResNet option A and ECG networks); 0 MACs.',
  inputs: { min: 1, max: 1 },
  params: [{ name: 'channels', type: intType, doc: 'Channel count of the output.' }],
  shape([x], a) {
    const target = positive(a, 'channels');
    expectMinRank(x, 1, 'zero_pad_channels');
    const c = x[x.length - 1];
    if (typeof c === 'number' && c > target) {
      throw new OpError(
        `zero_pad_channels cannot pad ${c} channels down to ${target}: the input ${formatShape(x)} already has more`,
        'E3004',
        'channels',
      );
    }
    return [...x.slice(0, -1), a.channels];
  },
  weights: () => [],
  macs: () => 0n,
  isIdentity: (_a, [x], out) => sameKnownShape(x, out),
  tfjs: (c) => c.custom('NetcZeroPadChannels', { name: c.name, channels: c.attrs.channels }),
  // The amount must be fixed in the ONNX graph, so the input's channel count must be known.
  onnx(c) {
    const x = c.inputs[0];
    const have = x[x.length - 1];
    if (typeof have !== 'number') {
      throw new OpError(
        `zero_pad_channels needs a known channel count to export to ONNX, but the input is ${formatShape(x)}`,
        'E3004',
      );
    }
    return padOnnx(c, new Map([[x.length - 1, [0, c.attrs.channels - have]]]));
  },
});
