import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcBatchNormConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcBatchNormArgs = LayerArgs & NetcBatchNormConfig;

/**
 * Batch normalization on a feature axis that is not the last one. tfjs's BatchNormalization
 * gives wrong results there (4.22: its FusedBatchNorm kernels cycle through the statistics as if
 * they belonged to the last axis), so this layer normalizes with broadcasting ops. Same weights
 * (`gamma`, `beta`, `moving_mean`, `moving_variance`) and the same semantics as tfjs's layer:
 * batch statistics and a moving-average update when `training`, the moving ones otherwise.
 */
export class NetcBatchNorm extends tf.layers.Layer {
  static readonly className = 'NetcBatchNorm';
  readonly axis: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly center: boolean;
  readonly scale: boolean;
  private gamma?: tf.LayerVariable;
  private beta?: tf.LayerVariable;
  private movingMean?: tf.LayerVariable;
  private movingVariance?: tf.LayerVariable;

  constructor(args: NetcBatchNormArgs) {
    super(args);
    this.axis = args.axis;
    this.epsilon = args.epsilon;
    this.momentum = args.momentum;
    this.center = args.center;
    this.scale = args.scale;
    this.supportsMasking = true;
  }

  override build(inputShape: TfShape | TfShape[]): void {
    const c = oneShape(inputShape)[this.axis];
    if (c === null) throw new Error(`${this.name}: the size of axis ${this.axis} must be known`);
    const ones = () => tf.initializers.ones();
    const zeros = () => tf.initializers.zeros();
    if (this.scale) this.gamma = this.addWeight('gamma', [c], 'float32', ones());
    if (this.center) this.beta = this.addWeight('beta', [c], 'float32', zeros());
    this.movingMean = this.addWeight('moving_mean', [c], 'float32', zeros(), undefined, false);
    this.movingVariance = this.addWeight(
      'moving_variance',
      [c],
      'float32',
      ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const shape = x.shape.map((d, i) => (i === this.axis ? d : 1));
      const axes = x.shape.map((_, i) => i).filter((i) => i !== this.axis);
      const b = (v: tf.Tensor) => tf.reshape(v, shape);
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (kwargs['training'] === true) {
        ({ mean, variance } = tf.moments(x, axes));
        const decay = 1 - this.momentum;
        for (const [v, value] of [
          [this.movingMean!, mean],
          [this.movingVariance!, variance],
        ] as const) {
          const old = v.read();
          v.write(tf.sub(old, tf.mul(tf.sub(old, value), decay)));
        }
      } else {
        mean = this.movingMean!.read();
        variance = this.movingVariance!.read();
      }
      let y = tf.mul(tf.sub(x, b(mean)), tf.rsqrt(tf.add(b(variance), this.epsilon)));
      if (this.gamma) y = tf.mul(y, b(this.gamma.read()));
      if (this.beta) y = tf.add(y, b(this.beta.read()));
      return y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      axis: this.axis,
      epsilon: this.epsilon,
      momentum: this.momentum,
      center: this.center,
      scale: this.scale,
    };
  }
}
tf.serialization.registerClass(NetcBatchNorm);
