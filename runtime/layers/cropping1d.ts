import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcCropping1DConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcCropping1DArgs = LayerArgs & NetcCropping1DConfig;

/** `cropping1d` (Keras Cropping1D; tfjs has none): drops rows off both ends of the length axis. */
export class NetcCropping1D extends tf.layers.Layer {
  static readonly className = 'NetcCropping1D';
  readonly cropping: [number, number];

  constructor(args: NetcCropping1DArgs) {
    super(args);
    this.cropping = args.cropping;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const [b, n, c] = oneShape(inputShape);
    return [b, n === null ? null : n - this.cropping[0] - this.cropping[1], c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = one(inputs);
    const [start, end] = this.cropping;
    return tf.slice(x, [0, start, 0], [-1, (x.shape[1] ?? 0) - start - end, -1]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), cropping: this.cropping };
  }
}
tf.serialization.registerClass(NetcCropping1D);
