import * as tf from '@tensorflow/tfjs';
import type { NetcConvTransposeConfig } from '../../compiler/ops/custom-layers.js';
import { deconvLength } from '../../compiler/ops/deconv-geometry.js';
import { activationFn } from './activations.js';
import { as2d, one, oneShape, type Kwargs, type LayerArgs, type TfShape } from './common.js';

/** The constructor arguments: the config the compiler's lowering writes, and tfjs's own. */
export type NetcConvTransposeArgs = LayerArgs & NetcConvTransposeConfig;

/**
 * A transposed 1-D or 2-D convolution with Keras's `output_padding`, which tfjs's
 * Conv2DTranspose lacks (and tfjs has no Conv1DTranspose): `tf.conv2dTranspose` with the output
 * size of Keras's `deconv_output_length`, as Keras itself calls TensorFlow; 1-D runs as 2-D over
 * `[1, length]`. Kernel `[k.., filters, in]` (+ `bias [filters]`), the Keras layout.
 */
export class NetcConvTranspose extends tf.layers.Layer {
  static readonly className = 'NetcConvTranspose';
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: 'same' | 'valid';
  readonly outputPadding: number[] | null;
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
    const s = oneShape(inputShape);
    const cin = s[s.length - 1];
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
    const size = this.kernelSize.map((_, i) => {
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
      const x = one(inputs);
      const out = this.computeOutputShape(x.shape);
      const flat = this.kernelSize.length === 1;
      // 1-D as 2-D: [b, l, c] -> [b, 1, l, c], kernel [k, f, in] -> [1, k, f, in].
      const x4 = (flat ? tf.expandDims(x, 1) : x) as tf.Tensor4D;
      const k = this.kernel!.read();
      const k4 = (flat ? tf.expandDims(k, 0) : k) as tf.Tensor4D;
      const [h, w] = flat ? [1, out[1]!] : [out[1]!, out[2]!];
      const strides = as2d(this.strides);
      const shape: [number, number, number, number] = [x.shape[0], h, w, this.filters];
      let y: tf.Tensor = tf.conv2dTranspose(x4, k4, shape, strides, this.padding);
      if (flat) y = tf.squeeze(y, [1]);
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
