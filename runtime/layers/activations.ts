import * as tf from '@tensorflow/tfjs';
import { tfjsActivation } from '../../compiler/ops/tfjs-activation.js';

export { tfjsActivation };

/**
 * `hard_sigmoid` as netc (and Keras 3) defines it, `clip(x / 6 + 0.5, 0, 1)`; tfjs's own
 * `hardSigmoid` is the Keras 2 one, `clip(0.2 x + 0.5, 0, 1)`. Registered as an activation, so
 * any layer's `activation` option can name it.
 */
export class NetcHardSigmoid extends tf.serialization.Serializable {
  /** The identifier compiler/ops/tfjs-activation.ts maps `hard_sigmoid` to. */
  static readonly className = 'netc_hard_sigmoid';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1));
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}
tf.serialization.registerClass(NetcHardSigmoid);

/**
 * `hard_swish` as Keras 3 and MobileNetV3 define it, `x * relu6(x + 3) / 6`; tfjs has no such
 * activation. Registered as an activation, like `NetcHardSigmoid`.
 */
export class NetcHardSwish extends tf.serialization.Serializable {
  /** The identifier compiler/ops/tfjs-activation.ts maps `hard_swish` to. */
  static readonly className = 'netc_hard_swish';
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)));
  }
  getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}
tf.serialization.registerClass(NetcHardSwish);

/** A callable activation, for custom layers that fuse one. */
export function activationFn(name: string): (x: tf.Tensor) => tf.Tensor {
  if (name === 'linear') return (x) => x;
  const layer = tf.layers.activation({ activation: tfjsActivation(name) });
  return (x) => layer.apply(x) as tf.Tensor;
}
