import * as tf from '@tensorflow/tfjs';

/** A backend that keeps tensor data in one heap (tfjs-backend-wasm). */
export type HeapBackend = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
};

function heapBackend(): HeapBackend | null {
  const b = tf.backend() as Partial<HeapBackend>;
  return typeof b.makeOutput === 'function' && typeof b.typedArrayFromHeap === 'function'
    ? (b as HeapBackend)
    : null;
}

/**
 * The float32 values of `t` for JS loops: a view of the wasm heap (no copy), else `dataSync`.
 * A view is valid until the next allocation on the backend (a heap that grows detaches it): take
 * it right before the loop that reads it.
 */
export function hostView(t: tf.Tensor): Float32Array {
  const b = heapBackend();
  if (b && t.dtype === 'float32') return b.typedArrayFromHeap(t) as Float32Array;
  return t.dataSync() as Float32Array;
}

/**
 * A new float32 tensor of `shape` whose values `fill` writes: on wasm straight into the heap
 * (no copy; `fill` takes its input views with {@link hostView} itself, after the allocation),
 * elsewhere into an array handed over with `tf.tensor`.
 */
export function newTensor(shape: number[], fill: (out: Float32Array) => void): tf.Tensor {
  const b = heapBackend();
  if (!b) {
    const out = new Float32Array(shape.reduce((p, d) => p * d, 1));
    fill(out);
    return tf.tensor(out, shape, 'float32');
  }
  const info = b.makeOutput(shape, 'float32');
  fill(b.typedArrayFromHeap(info) as Float32Array);
  return tf.engine().makeTensorFromTensorInfo(info, b);
}
