import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcWeightConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcWeightArgs = LayerArgs & NetcWeightConfig;

/**
 * A learned tensor (`weight([1, 192])`): one trainable weight `value` of `shape`, repeated over
 * the batch of its input, whose values it never reads.
 */
export class NetcWeight extends tf.layers.Layer {
  static readonly className = 'NetcWeight';
  readonly shape: number[];
  readonly init: NetcWeightConfig['init'];
  readonly value: number;
  readonly stddev: number;
  private variable: tf.LayerVariable | null = null;

  constructor(args: NetcWeightArgs) {
    super(args);
    this.shape = [...args.shape];
    this.init = args.init;
    this.value = args.value;
    this.stddev = args.stddev;
  }

  override build(_inputShape: TfShape | TfShape[]): void {
    this.variable = this.addWeight('value', this.shape, 'float32', this.initializer());
    this.built = true;
  }

  private initializer(): ReturnType<typeof tf.initializers.zeros> {
    switch (this.init) {
      case 'zeros':
        return tf.initializers.zeros();
      case 'ones':
        return tf.initializers.ones();
      case 'constant':
        return tf.initializers.constant({ value: this.value });
      case 'normal':
        return tf.initializers.randomNormal({ mean: 0, stddev: this.stddev });
      case 'glorot_uniform':
        return tf.initializers.glorotUniform({});
    }
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return [oneShape(inputShape)[0], ...this.shape];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const batch = one(inputs).shape[0];
      const w = tf.expandDims(this.variable!.read(), 0);
      return tf.tile(w, [batch, ...this.shape.map(() => 1)]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      shape: this.shape,
      init: this.init,
      value: this.value,
      stddev: this.stddev,
    };
  }
}
tf.serialization.registerClass(NetcWeight);
