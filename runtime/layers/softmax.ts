import * as tf from '@tensorflow/tfjs';
import { oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcSoftmaxConfig } from '../../compiler/ops/custom-layers.js';
import { causalMask } from '../../compiler/ops/causal-mask.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcSoftmaxArgs = LayerArgs & NetcSoftmaxConfig;

/**
 * Softmax along any axis (tfjs's softmax op only takes the last one), after adding an optional
 * second input (an additive mask, right-aligned with the scores' non-batch dims) and the causal
 * mask.
 */
export class NetcSoftmax extends tf.layers.Layer {
  static readonly className = 'NetcSoftmax';
  readonly axis: number;
  readonly causal: boolean;

  constructor(args: NetcSoftmaxArgs) {
    super(args);
    this.axis = args.axis;
    this.causal = args.causal;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return Array.isArray(inputShape[0]) ? (inputShape[0] as TfShape) : oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x, mask] = Array.isArray(inputs) ? inputs : [inputs];
      let s = x;
      if (mask) {
        // [batch, ...m] -> [batch, 1, ..., ...m]: the batch stays aligned with the batch.
        let m = mask;
        while (m.rank < x.rank) m = tf.expandDims(m, 1);
        s = tf.add(s, m);
      }
      if (this.causal) {
        const [t, k] = x.shape.slice(-2);
        s = tf.add(s, tf.tensor2d(causalMask(t, k), [t, k]));
      }
      const e = tf.exp(tf.sub(s, tf.max(s, this.axis, true)));
      return tf.div(e, tf.sum(e, this.axis, true));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), axis: this.axis, causal: this.causal };
  }
}
tf.serialization.registerClass(NetcSoftmax);
