import * as tf from '@tensorflow/tfjs';
import type { NetcSliceConfig } from '../../compiler/ops/custom-layers.js';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcSliceArgs = LayerArgs & NetcSliceConfig;

/**
 * `count` indices `step` apart from `start` along one axis, the axis dropped with `squeeze`
 * (tf.layers has no slicing layer). A gather, whose gradient scatters back into the kept
 * positions. No weights.
 */
export class NetcSlice extends tf.layers.Layer {
  static readonly className = 'NetcSlice';
  readonly axis: number;
  readonly start: number;
  readonly count: number;
  readonly step: number;
  readonly squeeze: boolean;

  constructor(args: NetcSliceArgs) {
    super(args);
    this.axis = args.axis;
    this.start = args.start;
    this.count = args.count;
    this.step = args.step;
    this.squeeze = args.squeeze;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const s = oneShape(inputShape);
    if (this.squeeze) return s.filter((_, k) => k !== this.axis);
    return s.map((d, k) => (k === this.axis ? this.count : d));
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const indices = tf.tensor1d(
        Array.from({ length: this.count }, (_, i) => this.start + i * this.step),
        'int32',
      );
      const y = tf.gather(x, indices, this.axis);
      return this.squeeze ? tf.squeeze(y, [this.axis]) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { axis, start, count, step, squeeze } = this;
    return { ...super.getConfig(), axis, start, count, step, squeeze };
  }
}
tf.serialization.registerClass(NetcSlice);
