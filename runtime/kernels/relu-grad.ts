import * as tf from '@tensorflow/tfjs';

/**
 * The gradient of Relu as tfjs-core 4.22 defines it, `dy * cast(step(x), 'float32')`, without
 * the cast where `x` is float32 already: tfjs-backend-wasm's Cast copies the whole tensor even
 * to its own dtype (3.8 ms of a D2L ResNet-18 step, bench/training-profile.ts). The same
 * products.
 */
export const reluGrad: tf.GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    return {
      x: () =>
        tf.mul(
          dy as tf.Tensor,
          x.dtype === 'float32' ? tf.step(x) : tf.cast(tf.step(x), 'float32'),
        ),
    };
  },
};
