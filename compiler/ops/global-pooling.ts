import { expectRank } from './attrs.js';
import { defineOp, type OpDef } from './op.js';
import { spatialAxes } from './onnx-layout.js';
import { reduce } from './onnx-nodes.js';
import { boolType } from './param-types.js';

function globalPoolOp(kind: 'max' | 'avg', rank: 1 | 2): OpDef {
  const name = `global_${kind}_pool${rank}d`;
  const layout = rank === 1 ? '[length, channels]' : '[height, width, channels]';
  const what = kind === 'max' ? 'Maximum' : 'Average';
  return defineOp({
    name,
    category: 'pooling',
    doc: `${what} over all spatial positions of \`${layout}\` inputs, giving \`[channels]\`; counted as 0 MACs.`,
    inputs: { min: 1, max: 1 },
    params: [
      {
        name: 'keepdims',
        type: boolType,
        default: false,
        doc: `Keep the pooled axes with size 1 (\`[${rank === 1 ? '1' : '1, 1'}, channels]\`).`,
      },
    ],
    shape([x], a) {
      expectRank(x, rank + 1, layout, name);
      return a.keepdims ? [...Array(rank).fill(1), x[rank]] : [x[rank]];
    },
    weights: () => [],
    macs: () => 0n,
    tfjs(c) {
      if (c.attrs.keepdims) {
        return c.custom('NetcGlobalPool', { name: c.name, mode: kind, rank, keepdims: true });
      }
      const l = c.tf.layers;
      const make = {
        max: [l.globalMaxPooling1d, l.globalMaxPooling2d],
        avg: [l.globalAveragePooling1d, l.globalAveragePooling2d],
      }[kind][rank - 1];
      return make({ name: c.name });
    },
    // A reduction over the spatial axes, in whichever layout the input is.
    onnx(c) {
      const x = c.input(0);
      const keepdims = c.attrs.keepdims;
      const axes = spatialAxes(rank + 1, x.layout);
      const y = reduce(c, kind === 'max' ? 'ReduceMax' : 'ReduceMean', x.name, axes, keepdims);
      return { name: y, layout: keepdims ? x.layout : 'channels_last' };
    },
  });
}

export const globalAvgPool1d = globalPoolOp('avg', 1);
export const globalMaxPool1d = globalPoolOp('max', 1);
export const globalAvgPool2d = globalPoolOp('avg', 2);
export const globalMaxPool2d = globalPoolOp('max', 2);
