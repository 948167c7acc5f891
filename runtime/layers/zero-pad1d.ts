import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcZeroPad1DConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcZeroPad1DArgs = LayerArgs & NetcZeroPad1DConfig;

/** Zero padding of the length axis of `[length, channels]` inputs (tfjs has no ZeroPadding1D). */
export class NetcZeroPad1D extends tf.layers.Layer {
  static readonly className = 'NetcZeroPad1D';
  readonly padding: [number, number];

  constructor(args: NetcZeroPad1DArgs) {
    super(args);
    this.padding = args.padding;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const [b, n, c] = oneShape(inputShape);
    return [b, n === null ? null : n + this.padding[0] + this.padding[1], c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() =>
      tf.pad(one(inputs), [
        [0, 0],
        [this.padding[0], this.padding[1]],
        [0, 0],
      ]),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), padding: this.padding };
  }
}
tf.serialization.registerClass(NetcZeroPad1D);
