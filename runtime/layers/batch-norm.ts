import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcBatchNormConfig } from '../../compiler/ops/custom-layers.js';
import { batchNormTraining } from '../kernels/batch-norm-train.js';

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
      const b = (v: tf.Tensor) => tf.reshape(v, shape);
      if (kwargs['training'] === true) {
        const r = batchNormTraining(
          x,
          this.gamma?.read() ?? null,
          this.beta?.read() ?? null,
          this.axis,
          this.epsilon,
        );
        updateMovingAverages(this.movingMean!, this.movingVariance!, r, this.momentum);
        return r.y;
      }
      const mean = this.movingMean!.read();
      const variance = this.movingVariance!.read();
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

/** Keras' moving-average update of the statistics: `v -= (v - batch) * (1 - momentum)`. */
function updateMovingAverages(
  movingMean: tf.LayerVariable,
  movingVariance: tf.LayerVariable,
  batch: { mean: tf.Tensor; variance: tf.Tensor },
  momentum: number,
): void {
  tf.tidy(() => {
    for (const [v, value] of [
      [movingMean, batch.mean],
      [movingVariance, batch.variance],
    ] as const) {
      const old = v.read();
      v.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - momentum)));
    }
  });
}

type TfjsBatchNormArgs = NonNullable<Parameters<typeof tf.layers.batchNormalization>[0]>;
/** tfjs's BatchNormalization class (tfjs exports only its factory). */
const TfjsBatchNormalization = Object.getPrototypeOf(
  tf.layers.batchNormalization({ name: 'netc_class_probe' }),
).constructor as new (args: TfjsBatchNormArgs) => tf.layers.Layer;

/**
 * tfjs's BatchNormalization (last axis) with training-mode calls run by the fused
 * {@link batchNormTraining}: the same results and moving-average updates as tfjs's moments +
 * batchNorm, in two kernels instead of about 60 per step. Inference, weights, config and
 * serialisation are tfjs's own (its class name stays `BatchNormalization`). What the runtime
 * builds for `tf.layers.batchNormalization` (runtime/build-model.ts).
 */
export class FastBatchNormalization extends TfjsBatchNormalization {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    if (kwargs['training'] !== true) return super.call(inputs, kwargs);
    return batchNormTrainingCall(this, inputs);
  }
}

/**
 * A training-mode call of a tfjs BatchNormalization layer (or a subclass) by the fused
 * {@link batchNormTraining}, moving averages updated; gamma and beta may be absent.
 */
export function batchNormTrainingCall(
  layer: tf.layers.Layer,
  inputs: tf.Tensor | tf.Tensor[],
): tf.Tensor {
  return tf.tidy(() => {
    const x = one(inputs);
    const self = layer as unknown as {
      axis: number;
      epsilon: number;
      momentum: number;
      gamma?: tf.LayerVariable | null;
      beta?: tf.LayerVariable | null;
      movingMean: tf.LayerVariable;
      movingVariance: tf.LayerVariable;
    };
    const axis = self.axis >= 0 ? self.axis : self.axis + x.rank;
    const r = batchNormTraining(
      x,
      self.gamma?.read() ?? null,
      self.beta?.read() ?? null,
      axis,
      self.epsilon,
    );
    updateMovingAverages(self.movingMean, self.movingVariance, r, self.momentum);
    return r.y;
  });
}
