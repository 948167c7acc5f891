import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type {
  NetcNormalizationConfig,
  NetcRescalingConfig,
} from '../../compiler/ops/custom-layers.js';
import { NORMALIZATION_EPSILON } from '../../compiler/ops/preprocessing.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcRescalingArgs = LayerArgs & NetcRescalingConfig;
export type NetcNormalizationArgs = LayerArgs & NetcNormalizationConfig;

/** `rescaling`: `x * scale + offset`, each one value or one per channel (Keras Rescaling). */
export class NetcRescaling extends tf.layers.Layer {
  static readonly className = 'NetcRescaling';
  readonly scale: number[];
  readonly offset: number[];

  constructor(args: NetcRescalingArgs) {
    super(args);
    this.scale = args.scale;
    this.offset = args.offset;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() =>
      tf.add(tf.mul(one(inputs), tf.tensor1d(this.scale)), tf.tensor1d(this.offset)),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}
tf.serialization.registerClass(NetcRescaling);

/**
 * `normalization` (Keras Normalization): `(x - mean) / max(sqrt(variance), 1e-7)` over the last
 * axis, with the non-trainable weights `mean`, `variance` and `count` of an adapted Keras layer.
 */
export class NetcNormalization extends tf.layers.Layer {
  static readonly className = 'NetcNormalization';
  readonly mean: number[];
  readonly variance: number[];
  private meanWeight?: tf.LayerVariable;
  private varianceWeight?: tf.LayerVariable;

  constructor(args: NetcNormalizationArgs) {
    super(args);
    this.mean = args.mean;
    this.variance = args.variance;
  }

  override build(inputShape: TfShape | TfShape[]): void {
    const s = oneShape(inputShape);
    const n = s[s.length - 1];
    if (n === null) throw new Error(`${this.name}: the channel count must be known`);
    const values = (v: number[]) => (v.length === 1 ? Array<number>(n).fill(v[0]) : v);
    const weight = (name: string, v: number[]) => {
      const w = this.addWeight(name, [n], 'float32', tf.initializers.zeros(), undefined, false);
      w.write(tf.tensor1d(values(v)));
      return w;
    };
    this.meanWeight = weight('mean', this.mean);
    this.varianceWeight = weight('variance', this.variance);
    this.addWeight('count', [], 'float32', tf.initializers.zeros(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const std = tf.maximum(tf.sqrt(this.varianceWeight!.read()), NORMALIZATION_EPSILON);
      return tf.div(tf.sub(one(inputs), this.meanWeight!.read()), std);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.mean, variance: this.variance };
  }
}
tf.serialization.registerClass(NetcNormalization);
