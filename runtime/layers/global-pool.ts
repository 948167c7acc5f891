import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcGlobalPoolConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcGlobalPoolArgs = LayerArgs & NetcGlobalPoolConfig;

/**
 * Global max / average pooling with `keepdims`, which tfjs's GlobalPooling layers lack (they
 * are used when `keepdims` is false).
 */
export class NetcGlobalPool extends tf.layers.Layer {
  static readonly className = 'NetcGlobalPool';
  readonly mode: 'max' | 'avg';
  readonly rank: 1 | 2;
  readonly keepdims: boolean;

  constructor(args: NetcGlobalPoolArgs) {
    super(args);
    this.mode = args.mode;
    this.rank = args.rank;
    this.keepdims = args.keepdims;
  }

  private get axes(): number[] {
    return this.rank === 1 ? [1] : [1, 2];
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const s = oneShape(inputShape);
    const c = s[this.rank + 1];
    return this.keepdims ? [s[0], ...this.axes.map(() => 1), c] : [s[0], c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      return this.mode === 'max'
        ? tf.max(x, this.axes, this.keepdims)
        : tf.mean(x, this.axes, this.keepdims);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode, rank: this.rank, keepdims: this.keepdims };
  }
}
tf.serialization.registerClass(NetcGlobalPool);
