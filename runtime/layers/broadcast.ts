import * as tf from '@tensorflow/tfjs';
import type { BroadcastOp, NetcBroadcastConfig } from '../../compiler/ops/custom-layers.js';
import type { Kwargs, LayerArgs, TfShape } from './common.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcBroadcastArgs = LayerArgs & NetcBroadcastConfig;

const binary: Record<BroadcastOp, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
};

/** `shape` (batch first) with 1s inserted after the batch up to `rank` dims. */
const padded = <T>(shape: T[], rank: number, one: T): T[] => [
  shape[0],
  ...Array<T>(rank - shape.length).fill(one),
  ...shape.slice(1),
];

/**
 * `+ - * /` of two or more tensors, NumPy-broadcast over the dims after the batch (tfjs-layers'
 * Add and Multiply need equal shapes): an input of lower rank gains 1s after its batch dim, then
 * TensorFlow.js broadcasts the 1s; its gradient sums over the stretched dims. No weights.
 */
export class NetcBroadcast extends tf.layers.Layer {
  static readonly className = 'NetcBroadcast';
  readonly op: BroadcastOp;

  constructor(args: NetcBroadcastArgs) {
    super(args);
    this.op = args.op;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const shapes = inputShape as TfShape[];
    const rank = shapes.reduce((m, s) => Math.max(m, s.length), 0);
    const out: TfShape = padded(shapes[0], rank, 1);
    for (const s of shapes.slice(1)) {
      padded(s, rank, 1).forEach((d, k) => {
        if (out[k] === 1 || out[k] === null) out[k] = d === 1 && out[k] === null ? null : d;
      });
    }
    return out;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length < 2) {
      throw new Error(`${this.name}: ${this.op} takes two or more inputs`);
    }
    return tf.tidy(() => {
      const rank = inputs.reduce((m, t) => Math.max(m, t.rank), 0);
      const xs = inputs.map((t) => (t.rank === rank ? t : tf.reshape(t, padded(t.shape, rank, 1))));
      return xs.slice(1).reduce((acc, x) => binary[this.op](acc, x), xs[0]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), op: this.op };
  }
}
tf.serialization.registerClass(NetcBroadcast);
