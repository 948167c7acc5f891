import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcAxisReshapeConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcAxisReshapeArgs = LayerArgs & NetcAxisReshapeConfig;

/**
 * `squeeze` / `expand_dims`: removes or inserts a 1 at `axis` (the batch is 0), whatever sizes
 * are unknown (tfjs's Reshape takes one -1 at most).
 */
export class NetcAxisReshape extends tf.layers.Layer {
  static readonly className = 'NetcAxisReshape';
  readonly mode: 'squeeze' | 'expand_dims';
  readonly axis: number;

  constructor(args: NetcAxisReshapeArgs) {
    super(args);
    this.mode = args.mode;
    this.axis = args.axis;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const s = oneShape(inputShape);
    if (this.mode === 'squeeze') return s.filter((_, i) => i !== this.axis);
    return [...s.slice(0, this.axis), 1, ...s.slice(this.axis)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const x = one(inputs);
    return this.mode === 'squeeze' ? tf.squeeze(x, [this.axis]) : tf.expandDims(x, this.axis);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mode: this.mode, axis: this.axis };
  }
}
tf.serialization.registerClass(NetcAxisReshape);
