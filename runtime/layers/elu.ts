import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcEluConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcEluArgs = LayerArgs & NetcEluConfig;

/** ELU with any `alpha`: `x` for x > 0, `alpha * (exp(x) - 1)` otherwise (tfjs's ELU: alpha 1). */
export class NetcElu extends tf.layers.Layer {
  static readonly className = 'NetcElu';
  readonly alpha: number;

  constructor(args: NetcEluArgs) {
    super(args);
    this.alpha = args.alpha;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      return tf.where(tf.greater(x, 0), x, tf.mul(this.alpha, tf.expm1(tf.minimum(x, 0))));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
tf.serialization.registerClass(NetcElu);
