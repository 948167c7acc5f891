import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcEmbeddingConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcEmbeddingArgs = LayerArgs & NetcEmbeddingConfig;

/**
 * A tied embedding (`embedding(..., reverse: true, shares: "wte")`): one weight `embeddings`
 * `[inputDim, outputDim]`, one layer applied to ids (a lookup, as tfjs's Embedding) and to
 * vectors (`x @ embeddings^T`, scores over the ids). tfjs calls a shared layer without telling
 * which application it is, so an input whose rank (batch included) is one of `reverseRanks` is a
 * reverse one; the compiler makes sure that ids never have such a rank. Both applications read
 * the one variable, so training adds up their gradients.
 */
export class NetcEmbedding extends tf.layers.Layer {
  static readonly className = 'NetcEmbedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly reverseRanks: number[];
  private embeddings: tf.LayerVariable | null = null;

  constructor(args: NetcEmbeddingArgs) {
    super(args);
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.reverseRanks = [...args.reverseRanks];
  }

  override build(_inputShape: TfShape | TfShape[]): void {
    this.embeddings = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      'float32',
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const s = oneShape(inputShape);
    return this.reverseRanks.includes(s.length)
      ? [...s.slice(0, -1), this.inputDim]
      : [...s, this.outputDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs);
      const table = this.embeddings!.read();
      if (!this.reverseRanks.includes(x.rank)) {
        const ids = tf.cast(x, 'int32');
        return tf.reshape(tf.gather(table, tf.reshape(ids, [-1])), [...x.shape, this.outputDim]);
      }
      const flat = tf.reshape(x, [-1, this.outputDim]);
      return tf.reshape(tf.matMul(flat, table, false, true), [
        ...x.shape.slice(0, -1),
        this.inputDim,
      ]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      reverseRanks: this.reverseRanks,
    };
  }
}
tf.serialization.registerClass(NetcEmbedding);
