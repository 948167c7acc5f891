import * as tf from '@tensorflow/tfjs';
import { composite } from './composite.js';

/** UnsortedSegmentSum (the gradient of a gather: embeddings) as a one-hot matMul. */
export const unsortedSegmentSum = composite(({ x, segmentIds }, attrs) => {
  const n = attrs.numSegments as number;
  const ids = tf.reshape(segmentIds, [-1]);
  const rows = ids.shape[0];
  const flat = tf.reshape(x, [rows, -1]) as tf.Tensor2D;
  // int32 then cast: the wasm OneHot kernel returns zeros for dtype float32 (tfjs 4.22).
  const hot = tf.cast(tf.oneHot(tf.cast(ids, 'int32') as tf.Tensor1D, n), 'float32');
  const sum = tf.matMul(hot, tf.cast(flat, 'float32') as tf.Tensor2D, true, false);
  return tf.cast(
    tf.reshape(sum, [n, ...x.shape.slice(ids.rank === 1 ? 1 : segmentIds.rank)]),
    x.dtype,
  );
});
