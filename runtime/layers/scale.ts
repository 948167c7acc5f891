import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcScaleConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcScaleArgs = LayerArgs & NetcScaleConfig;

/** Multiplies by a constant `factor`. No weights. */
export class NetcScale extends tf.layers.Layer {
  static readonly className = 'NetcScale';
  readonly factor: number;

  constructor(args: NetcScaleArgs) {
    super(args);
    this.factor = args.factor;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.mul(one(inputs), tf.scalar(this.factor)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}
tf.serialization.registerClass(NetcScale);
