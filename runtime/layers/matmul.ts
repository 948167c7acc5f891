import * as tf from '@tensorflow/tfjs';
import type { Kwargs, LayerArgs, TfShape } from './common.js';
import type { NetcMatMulConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcMatMulArgs = LayerArgs & NetcMatMulConfig;

/** `matmul`: a batched matrix product of two inputs (tfjs-layers has no such layer). */
export class NetcMatMul extends tf.layers.Layer {
  static readonly className = 'NetcMatMul';
  readonly transposeA: boolean;
  readonly transposeB: boolean;

  constructor(args: NetcMatMulArgs) {
    super(args);
    this.transposeA = args.transposeA;
    this.transposeB = args.transposeB;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const [a, b] = inputShape as TfShape[];
    const r = a.length;
    const m = this.transposeA ? a[r - 1] : a[r - 2];
    const n = this.transposeB ? b[r - 2] : b[r - 1];
    return [...a.slice(0, -2), m, n];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    return tf.matMul(a, b, this.transposeA, this.transposeB);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), transposeA: this.transposeA, transposeB: this.transposeB };
  }
}
tf.serialization.registerClass(NetcMatMul);
