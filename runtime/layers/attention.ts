import * as tf from '@tensorflow/tfjs';
import type { Kwargs, LayerArgs, TfShape } from './common.js';
import type { NetcAttentionConfig } from '../../compiler/ops/custom-layers.js';
import { causalMask } from '../../compiler/ops/causal-mask.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcAttentionArgs = LayerArgs & NetcAttentionConfig;

/** The query, value and key of a call (`[x]`: self-attention; the key defaults to the value). */
function roles<T>(inputs: T | T[]): [T, T, T] {
  const all = Array.isArray(inputs) ? inputs : [inputs];
  const [q, v = q, k = v] = all;
  return [q, v, k];
}

/** One projection's weights: the kernel `[in, heads, size]` and the bias `[heads, size]`. */
interface Projection {
  kernel: tf.LayerVariable;
  bias?: tf.LayerVariable;
}

/**
 * Keras MultiHeadAttention on `[batch, sequence, features]` inputs, with its weights (query, key,
 * value kernels `[in, heads, size]` and biases `[heads, size]`, output kernel `[heads, value_dim,
 * out]` and bias `[out]`), computed with reshapes, transposes and batched matMuls, which have
 * gradients on every backend (tfjs's einsum has none).
 */
export class NetcAttention extends tf.layers.Layer {
  static readonly className = 'NetcAttention';
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly causal: boolean;
  readonly useBias: boolean;
  private projections: Record<'query' | 'key' | 'value' | 'output', Projection> | null = null;

  constructor(args: NetcAttentionArgs) {
    super(args);
    this.numHeads = args.numHeads;
    this.keyDim = args.keyDim;
    this.valueDim = args.valueDim;
    this.dropout = args.dropout;
    this.causal = args.causal;
    this.useBias = args.useBias;
  }

  override build(inputShape: TfShape | TfShape[]): void {
    const shapes = Array.isArray(inputShape[0])
      ? (inputShape as TfShape[])
      : [inputShape as TfShape];
    const [q, v, k] = roles(shapes).map((s) => s[s.length - 1]);
    if (q === null || v === null || k === null) {
      throw new Error(`${this.name}: the feature sizes must be known`);
    }
    const h = this.numHeads;
    const make = (role: string, kernel: number[], bias: number[]): Projection => ({
      kernel: this.addWeight(
        `${role}_kernel`,
        kernel,
        'float32',
        tf.initializers.glorotUniform({}),
      ),
      bias: this.useBias
        ? this.addWeight(`${role}_bias`, bias, 'float32', tf.initializers.zeros())
        : undefined,
    });
    this.projections = {
      query: make('query', [q, h, this.keyDim], [h, this.keyDim]),
      key: make('key', [k, h, this.keyDim], [h, this.keyDim]),
      value: make('value', [v, h, this.valueDim], [h, this.valueDim]),
      output: make('output', [h, this.valueDim, q], [q]),
    };
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const shapes = Array.isArray(inputShape[0])
      ? (inputShape as TfShape[])
      : [inputShape as TfShape];
    return [...shapes[0]];
  }

  /** `x [B, n, d]` times `p`'s kernel `[d, heads, size]` (+ bias) as `[B, heads, n, size]`. */
  private project(x: tf.Tensor, p: Projection, size: number): tf.Tensor {
    const [b, n, d] = x.shape;
    const h = this.numHeads;
    let y = tf.matMul(tf.reshape(x, [b * n, d]), tf.reshape(p.kernel.read(), [d, h * size]));
    if (p.bias) y = tf.add(y, tf.reshape(p.bias.read(), [h * size]));
    return tf.transpose(tf.reshape(y, [b, n, h, size]), [0, 2, 1, 3]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const p = this.projections!;
      const [query, value, key] = roles(inputs);
      const [b, t, dq] = query.shape as [number, number, number];
      const s = key.shape[1]!;
      const q = tf.mul(this.project(query, p.query, this.keyDim), 1 / Math.sqrt(this.keyDim));
      const k = this.project(key, p.key, this.keyDim);
      const v = this.project(value, p.value, this.valueDim);
      let scores = tf.matMul(q, k, false, true); // [B, heads, t, s]
      if (this.causal) scores = tf.add(scores, tf.tensor2d(causalMask(t, s), [t, s]));
      const e = tf.exp(tf.sub(scores, tf.max(scores, -1, true)));
      let probs = tf.div(e, tf.sum(e, -1, true));
      if (kwargs.training === true && this.dropout > 0) probs = tf.dropout(probs, this.dropout);
      const heads = tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]); // [B, t, heads, value_dim]
      const hv = this.numHeads * this.valueDim;
      const wo = tf.reshape(p.output.kernel.read(), [hv, dq]);
      let y = tf.matMul(tf.reshape(heads, [b * t, hv]), wo);
      if (p.output.bias) y = tf.add(y, p.output.bias.read());
      return tf.reshape(y, [b, t, dq]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      causal: this.causal,
      useBias: this.useBias,
    };
  }
}
tf.serialization.registerClass(NetcAttention);
