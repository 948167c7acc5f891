import * as tf from '@tensorflow/tfjs';

/** A backend whose data ids are reference counted (tfjs-backend-wasm). */
type CountingBackend = tf.KernelBackend & { incRef(dataId: tf.DataId): void };

/**
 * Identity as one more reference to the same data, as the cpu and webgl backends do it:
 * tfjs-backend-wasm 4.22 copies the values. The engine clones every tensor an op saves for its
 * gradient, so a D2L ResNet-18 training step made 113 copies of activations (28 ms of a 2.7 s
 * step), and each residual Add of tfjs-layers clones its first input. Tensors are immutable and a
 * variable's `assign` swaps its data id, so sharing is safe; strings go to the backend's kernel.
 */
export function sharedIdentity(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as CountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
