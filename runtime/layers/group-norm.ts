import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcGroupNormConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcGroupNormArgs = LayerArgs & NetcGroupNormConfig;

/**
 * `group_norm` on channels-last tensors: the channels split into `groups` runs of consecutive
 * ones, each normalized over a sample's positions and its channels, then `gamma` and `beta` per
 * channel (Keras GroupNormalization, PyTorch nn.GroupNorm).
 */
export class NetcGroupNorm extends tf.layers.Layer {
  static readonly className = 'NetcGroupNorm';
  readonly groups: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: NetcGroupNormArgs) {
    super(args);
    this.groups = args.groups;
    this.epsilon = args.epsilon;
    this.center = args.center;
    this.scale = args.scale;
  }

  override build(inputShape: TfShape | TfShape[]): void {
    const s = oneShape(inputShape);
    const c = s[s.length - 1];
    if (c === null) throw new Error(`${this.name}: the channel count must be known`);
    if (this.scale) this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    if (this.center) this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const c = x.shape[x.shape.length - 1];
      const grouped = tf.reshape(x, [x.shape[0], -1, this.groups, c / this.groups]);
      const { mean, variance } = tf.moments(grouped, [1, 3], true);
      const normalized = tf.mul(tf.sub(grouped, mean), tf.rsqrt(tf.add(variance, this.epsilon)));
      let y: tf.Tensor = tf.reshape(normalized, x.shape);
      if (this.gamma) y = tf.mul(y, this.gamma.read());
      if (this.beta) y = tf.add(y, this.beta.read());
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      groups: this.groups,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
    };
  }
}
tf.serialization.registerClass(NetcGroupNorm);
