import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcSoftmaxConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcSoftmaxArgs = LayerArgs & NetcSoftmaxConfig;

/** Softmax along any axis (tfjs's softmax op only takes the last one). */
export class NetcSoftmax extends tf.layers.Layer {
  static readonly className = 'NetcSoftmax';
  readonly axis: number;

  constructor(args: NetcSoftmaxArgs) {
    super(args);
    this.axis = args.axis;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const e = tf.exp(tf.sub(x, tf.max(x, this.axis, true)));
      return tf.div(e, tf.sum(e, this.axis, true));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
tf.serialization.registerClass(NetcSoftmax);
