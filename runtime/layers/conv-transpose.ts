import * as tf from '@tensorflow/tfjs';
import type { NetcConvTransposeConfig } from '../../compiler/ops/custom-layers.js';
import { deconvLength } from '../../compiler/ops/deconv-geometry.js';
import { activationFn } from './activations.js';
import { one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcConvTransposeArgs = LayerArgs & NetcConvTransposeConfig;

/**
 * A transposed 2-D convolution with Keras's `output_padding`, which tfjs's Conv2DTranspose
 * lacks: `tf.conv2dTranspose` with the output size of Keras's `deconv_output_length`, as Keras
 * itself calls TensorFlow. Kernel `[kh, kw, filters, in]` (+ `bias [filters]`), the Keras layout.
 */
export class NetcConvTranspose extends tf.layers.Layer {
  static readonly className = 'NetcConvTranspose';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  readonly outputPadding: [number, number] | null;
  readonly useBias: boolean;
  readonly activation: string;
  private readonly act: (x: tf.Tensor) => tf.Tensor;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(args: NetcConvTransposeArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.outputPadding = args.outputPadding;
    this.useBias = args.useBias;
    this.activation = args.activation;
    this.act = activationFn(args.activation);
  }

  override build(inputShape: TfShape | TfShape[]): void {
    const cin = oneShape(inputShape)[3];
    if (cin === null) throw new Error(`${this.name}: the input channel count must be known`);
    const shape = [...this.kernelSize, this.filters, cin];
    this.kernel = this.addWeight('kernel', shape, 'float32', tf.initializers.glorotUniform({}));
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: TfShape | TfShape[]): TfShape {
    const s = oneShape(inputShape);
    const size = [0, 1].map((i) => {
      const n = deconvLength(
        s[i + 1],
        this.kernelSize[i],
        this.strides[i],
        this.padding,
        this.outputPadding ? this.outputPadding[i] : null,
      );
      return typeof n === 'number' ? n : null;
    });
    return [s[0], ...size, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      const [, h, w] = this.computeOutputShape(x.shape);
      const k = this.kernel!.read() as tf.Tensor4D;
      const shape: [number, number, number, number] = [x.shape[0], h!, w!, this.filters];
      let y: tf.Tensor = tf.conv2dTranspose(x, k, shape, this.strides, this.padding);
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.act(y);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      outputPadding: this.outputPadding,
      useBias: this.useBias,
      activation: this.activation,
    };
  }
}
tf.serialization.registerClass(NetcConvTranspose);
