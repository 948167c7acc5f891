import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcMaskValueConfig } from '../../compiler/ops/custom-layers.js';

type MaskArgs = LayerArgs & NetcMaskValueConfig;

/**
 * `[batch, steps]`: 1 where a step is real. Ids `[batch, steps]` are real where they differ
 * from `value`; a sequence `[batch, steps, features]` where any feature does.
 */
export function keptSteps(x: tf.Tensor, value: number): tf.Tensor {
  // A constant for the gradient (tfjs has no gradient for notEqual).
  const kept = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = args[0] as tf.Tensor;
    const differs = tf.cast(tf.notEqual(t, value), 'float32');
    return {
      value: t.rank === 2 ? differs : tf.max(differs, -1),
      gradFunc: () => tf.zerosLike(t),
    };
  });
  return kept(x);
}

/** `step_mask`: the mask `[batch, steps]` the recurrent layers read (1 real, 0 padded). */
export class NetcStepMask extends tf.layers.Layer {
  static readonly className = 'NetcStepMask';
  private readonly maskValue: number;

  constructor(args: MaskArgs) {
    super(args);
    this.maskValue = args.maskValue;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape).slice(0, 2);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => keptSteps(one(inputs), this.maskValue));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}
tf.serialization.registerClass(NetcStepMask);

/** Keras' `Masking`: the padded steps (every feature `maskValue`) as zeros. */
export class NetcMasking extends tf.layers.Layer {
  static readonly className = 'NetcMasking';
  private readonly maskValue: number;

  constructor(args: MaskArgs) {
    super(args);
    this.maskValue = args.maskValue;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return oneShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      return tf.mul(x, tf.expandDims(keptSteps(x, this.maskValue), -1));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}
tf.serialization.registerClass(NetcMasking);
