import * as tf from '@tensorflow/tfjs';
import type { Kwargs, LayerArgs, TfShape } from './common.js';

/** Elementwise `a - b` of two same-shape inputs (tfjs-layers has no Subtract layer). */
export class NetcSubtract extends tf.layers.Layer {
  static readonly className = 'NetcSubtract';

  constructor(args: LayerArgs) {
    super(args);
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const [a, b] = inputShape as TfShape[];
    return a.map((d, i) => d ?? b[i]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new Error(`${this.name}: subtract takes exactly two inputs`);
    }
    return tf.tidy(() => tf.sub(inputs[0], inputs[1]));
  }
}
tf.serialization.registerClass(NetcSubtract);
