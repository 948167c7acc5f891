import * as tf from '@tensorflow/tfjs';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';
import type { NetcPositionEmbeddingConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcPositionEmbeddingArgs = LayerArgs & NetcPositionEmbeddingConfig;

/**
 * A learned position embedding (`position_embedding(1024)`): one trainable table `embeddings`
 * of `[sequenceLength, ...feature]`, of which the first T rows, T the input's length at run
 * time, are repeated over the batch. The input's values are not read.
 */
export class NetcPositionEmbedding extends tf.layers.Layer {
  static readonly className = 'NetcPositionEmbedding';
  readonly sequenceLength: number;
  readonly feature: number[];
  readonly init: NetcPositionEmbeddingConfig['init'];
  readonly stddev: number;
  private table: tf.LayerVariable | null = null;

  constructor(args: NetcPositionEmbeddingArgs) {
    super(args);
    this.sequenceLength = args.sequenceLength;
    this.feature = [...args.feature];
    this.init = args.init;
    this.stddev = args.stddev;
  }

  override build(_inputShape: TfShape | TfShape[]): void {
    const init =
      this.init === 'normal'
        ? tf.initializers.randomNormal({ mean: 0, stddev: this.stddev })
        : tf.initializers.glorotUniform({});
    this.table = this.addWeight(
      'embeddings',
      [this.sequenceLength, ...this.feature],
      'float32',
      init,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    return [...oneShape(inputShape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [batch, t] = one(inputs).shape;
      if (t > this.sequenceLength) {
        throw new Error(
          `${this.name}: the sequence has ${t} steps, more than sequence_length ${this.sequenceLength}`,
        );
      }
      const rows = tf.slice(this.table!.read(), 0, t);
      return tf.tile(tf.expandDims(rows, 0), [batch, 1, ...this.feature.map(() => 1)]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      sequenceLength: this.sequenceLength,
      feature: this.feature,
      init: this.init,
      stddev: this.stddev,
    };
  }
}
tf.serialization.registerClass(NetcPositionEmbedding);
