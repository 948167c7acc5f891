import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcResizeConfig } from '../../compiler/ops/custom-layers.js';
import { resizeMatrix } from '../../compiler/ops/resize-weights.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcResizeArgs = LayerArgs & NetcResizeConfig;

/**
 * Resizes `[b, h, w, c]` images with half-pixel centres (TensorFlow 2's `tf.image.resize`, which
 * Keras's `Resizing` and `UpSampling2D` use; tfjs's resizeBilinear uses the older asymmetric
 * mapping, and its gradient fails on non-square images). It runs as two matrix products with
 * `resizeMatrix`, one per spatial axis: exact, differentiable on every backend.
 */
export class NetcResize extends tf.layers.Layer {
  static readonly className = 'NetcResize';
  readonly size: [number, number] | null;
  readonly factor: [number, number] | null;
  readonly interpolation: 'bilinear' | 'nearest';

  constructor(args: NetcResizeArgs) {
    super(args);
    this.size = args.size;
    this.factor = args.factor;
    this.interpolation = args.interpolation;
  }

  private target(h: number | null, w: number | null): [number | null, number | null] {
    if (this.size) return this.size;
    const [fh, fw] = this.factor ?? [1, 1];
    return [h === null ? null : h * fh, w === null ? null : w * fw];
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const [b, h, w, c] = oneShape(inputShape);
    return [b, ...this.target(h, w), c];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const [b, h, w, c] = x.shape as number[];
      const [oh, ow] = this.target(h, w) as [number, number];
      const mh = tf.tensor2d(resizeMatrix(h, oh, this.interpolation), [oh, h]);
      const mw = tf.tensor2d(resizeMatrix(w, ow, this.interpolation), [ow, w]);
      // Height: [h, b*w*c] rows mixed by mh; then width the same way.
      let t = tf.reshape(tf.transpose(x, [1, 0, 2, 3]), [h, b * w * c]);
      t = tf.reshape(tf.matMul(mh, t), [oh, b, w, c]);
      t = tf.reshape(tf.transpose(t, [2, 1, 0, 3]), [w, b * oh * c]);
      t = tf.reshape(tf.matMul(mw, t), [ow, b, oh, c]);
      return tf.transpose(t, [1, 2, 0, 3]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      size: this.size,
      factor: this.factor,
      interpolation: this.interpolation,
    };
  }
}
tf.serialization.registerClass(NetcResize);
