import * as tf from '@tensorflow/tfjs';
import { activationFn } from './activations.js';
import {
  corePadding,
  one,
  oneShape,
  windowSizes,
  type Kwargs,
  type LayerArgs,
  type TfShape,
} from './common.js';
import type { NetcDepthwiseConvConfig, PaddingConfig } from '../../compiler/ops/custom-layers.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcDepthwiseConvArgs = LayerArgs & NetcDepthwiseConvConfig;

/**
 * Depthwise (and, with `filters`, separable) 2-D convolution with explicit padding or dilation,
 * which tfjs's DepthwiseConv2D / SeparableConv2D do not take (DepthwiseConv2D ignores
 * `dilationRate`). Weights as Keras names them: `depthwise_kernel [kh, kw, in, multiplier]`,
 * `pointwise_kernel [1, 1, in * multiplier, filters]`, `bias`.
 */
export class NetcDepthwiseConv extends tf.layers.Layer {
  static readonly className = 'NetcDepthwiseConv';
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: PaddingConfig;
  readonly dilationRate: [number, number];
  readonly depthMultiplier: number;
  readonly filters: number | null;
  readonly useBias: boolean;
  readonly activation: string;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private depthwise?: tf.LayerVariable;
  private pointwise?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: NetcDepthwiseConvArgs) {
    super(args);
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.dilationRate = args.dilationRate;
    this.depthMultiplier = args.depthMultiplier;
    this.filters = args.filters;
    this.useBias = args.useBias;
    this.activation = args.activation;
    this.act = activationFn(args.activation);
  }

  override build(inputShape: TfShape | TfShape[]): void {
    const cin = oneShape(inputShape)[3];
    if (cin === null) throw new Error(`${this.name}: the channel count must be known`);
    const mid = cin * this.depthMultiplier;
    const init = () => tf.initializers.glorotUniform({});
    this.depthwise = this.addWeight(
      'depthwise_kernel',
      [...this.kernelSize, cin, this.depthMultiplier],
      'float32',
      init(),
    );
    if (this.filters !== null) {
      this.pointwise = this.addWeight(
        'pointwise_kernel',
        [1, 1, mid, this.filters],
        'float32',
        init(),
      );
    }
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters ?? mid], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const s = oneShape(inputShape);
    const out = windowSizes(
      s.slice(1, 3),
      this.kernelSize,
      this.strides,
      this.dilationRate,
      this.padding,
    );
    const c = s[3];
    return [s[0], ...out, this.filters ?? (c === null ? null : c * this.depthMultiplier)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      let y: tf.Tensor = tf.depthwiseConv2d(
        x,
        this.depthwise!.read() as tf.Tensor4D,
        this.strides,
        corePadding(this.padding),
        'NHWC',
        this.dilationRate,
      );
      if (this.pointwise) {
        y = tf.conv2d(y as tf.Tensor4D, this.pointwise.read() as tf.Tensor4D, 1, 'valid');
      }
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.act(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      depthMultiplier: this.depthMultiplier,
      filters: this.filters,
      useBias: this.useBias,
      activation: this.activation,
    };
  }
}
tf.serialization.registerClass(NetcDepthwiseConv);
