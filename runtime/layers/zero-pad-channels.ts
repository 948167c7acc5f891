import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcZeroPadChannelsConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcZeroPadChannelsArgs = LayerArgs & NetcZeroPadChannelsConfig;

/** Appends zero channels on the last axis, after the real ones, up to `channels`. No weights. */
export class NetcZeroPadChannels extends tf.layers.Layer {
  static readonly className = 'NetcZeroPadChannels';
  readonly channels: number;

  constructor(args: NetcZeroPadChannelsArgs) {
    super(args);
    this.channels = args.channels;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return [...oneShape(inputShape).slice(0, -1), this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const extra = this.channels - x.shape[x.rank - 1];
      if (extra === 0) return tf.clone(x);
      const pads = x.shape.map((_, i): [number, number] =>
        i === x.rank - 1 ? [0, extra] : [0, 0],
      );
      return tf.pad(x, pads);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels };
  }
}
tf.serialization.registerClass(NetcZeroPadChannels);
