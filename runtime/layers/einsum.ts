import * as tf from '@tensorflow/tfjs';
import type { Kwargs, LayerArgs, TfShape } from './common.js';
import type { NetcEinsumConfig } from '../../compiler/ops/custom-layers.js';
import { planEinsum, type EinsumPlan } from '../../compiler/ops/einsum-plan.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcEinsumArgs = LayerArgs & NetcEinsumConfig;

const prod = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/**
 * `einsum` of two inputs as transposes around one batched matMul (tfjs's own einsum has no
 * gradient): `a` to `[B, M, K]`, `b` to `[B, K, N]`, the product reshaped and transposed to the
 * output's order.
 */
export class NetcEinsum extends tf.layers.Layer {
  static readonly className = 'NetcEinsum';
  readonly equation: string;
  private plan: EinsumPlan | null = null;

  constructor(args: NetcEinsumArgs) {
    super(args);
    this.equation = args.equation;
  }

  private planFor(ranks: [number, number]): EinsumPlan {
    if (!this.plan) {
      const p = planEinsum(this.equation, ranks);
      if (typeof p === 'string') throw new Error(`einsum '${this.equation}': ${p}`);
      this.plan = p;
    }
    return this.plan;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const [a, b] = inputShape as TfShape[];
    const p = this.planFor([a.length - 1, b.length - 1]);
    const size = (ch: string) => {
      const i = p.a.indexOf(ch);
      return i >= 0 ? a[i] : b[p.b.indexOf(ch)];
    };
    return [...p.out].map(size);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [a, b] = inputs as tf.Tensor[];
      const p = this.planFor([a.rank - 1, b.rank - 1]);
      const size = (ch: string) => {
        const i = p.a.indexOf(ch);
        return i >= 0 ? a.shape[i] : b.shape[p.b.indexOf(ch)];
      };
      const sizes = (letters: string) => [...letters].map(size);
      const [batch, m, k, n] = [p.batch, p.freeA, p.contracted, p.freeB].map(sizes);
      const a3 = tf.reshape(tf.transpose(a, [...p.permA]), [prod(batch), prod(m), prod(k)]);
      const b3 = tf.reshape(tf.transpose(b, [...p.permB]), [prod(batch), prod(k), prod(n)]);
      const y = tf.reshape(tf.matMul(a3, b3), [...batch, ...m, ...n]);
      return tf.transpose(y, [...p.permOut]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), equation: this.equation };
  }
}
tf.serialization.registerClass(NetcEinsum);
