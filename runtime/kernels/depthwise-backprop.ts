import * as tf from '@tensorflow/tfjs';
import { composite, geometry, padded, spreadRows, tap, taps } from './composite.js';

/** DepthwiseConv2dNativeBackpropFilter, one kernel tap at a time (a product and a sum each). */
export const depthwiseBackpropFilter = composite(({ x, dy }, attrs) => {
  const filterShape = attrs.filterShape as [number, number, number, number];
  const g = geometry(x.shape, filterShape, attrs, true);
  const xp = padded(x as tf.Tensor4D, g);
  const m = filterShape[3];
  const dy5 = tf.reshape(dy, [g.b, g.oh, g.ow, g.c, m]);
  const per = taps(g, (i, j) => tf.sum(tf.mul(tf.expandDims(tap(xp, g, i, j), 4), dy5), [0, 1, 2]));
  return tf.reshape(tf.stack(per), filterShape);
});

/** DepthwiseConv2dNativeBackpropInput, one kernel tap at a time, spread and padded into place. */
export const depthwiseBackpropInput = composite(({ dy, filter }, attrs) => {
  const inputShape = attrs.inputShape as [number, number, number, number];
  const filterShape = filter.shape as [number, number, number, number];
  const g = geometry(inputShape, filterShape, attrs, true);
  const m = filterShape[3];
  const dy5 = tf.reshape(dy, [g.b, g.oh, g.ow, g.c, m]);
  const spanH = (g.oh - 1) * g.sh + 1;
  const spanW = (g.ow - 1) * g.sw + 1;
  const per = taps(g, (i, j) => {
    const wij = tf.reshape(tf.slice(filter, [i, j, 0, 0], [1, 1, g.c, m]), [g.c, m]);
    let t = tf.sum(tf.mul(dy5, wij), 4) as tf.Tensor4D; // [b, oh, ow, c]
    t = spreadRows(t, g.sh);
    t = tf.transpose(spreadRows(tf.transpose(t, [0, 2, 1, 3]), g.sw), [0, 2, 1, 3]);
    return tf.pad(t, [
      [0, 0],
      [i * g.dh, g.hp - i * g.dh - spanH],
      [j * g.dw, g.wp - j * g.dw - spanW],
      [0, 0],
    ]);
  });
  const full = per.length === 1 ? per[0] : tf.addN(per);
  return tf.slice(full, [0, g.top, g.left, 0], inputShape);
});
