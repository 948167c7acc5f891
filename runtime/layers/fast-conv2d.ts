import * as tf from '@tensorflow/tfjs';
import { one, type Kwargs } from './common.js';

type TfjsConv2DArgs = NonNullable<Parameters<typeof tf.layers.conv2d>[0]>;
/** tfjs's Conv2D class (tfjs exports only its factory). */
const TfjsConv2D = Object.getPrototypeOf(
  tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'netc_conv2d_class_probe' }),
).constructor as new (args: TfjsConv2DArgs) => tf.layers.Layer;

/** The fields of tfjs's Conv2D that the training call reads. */
interface Conv2DFields {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: 'same' | 'valid';
  dilationRate: [number, number];
  dataFormat: 'channelsLast' | 'channelsFirst';
  activation: { getClassName(): string };
}

/**
 * tfjs's Conv2D with training-mode calls of a linear convolution (a conv before a batch norm)
 * run as `tf.conv2d` plus the bias instead of `tf.fused.conv2d`. The fused op's gradient is
 * a custom gradient that computes the input gradient whether or not anything needs it; the
 * plain Conv2D kernel's gradient is computed only for inputs on the path to a variable, so
 * the first convolution of a model (whose input is data) no longer pays for a
 * Conv2DBackpropInput each step: the LeNet-BN and ResNet-18 stems (bench/results.md). Dilated
 * convolutions keep tfjs's call (tfjs-core's Conv2D gradient takes no dilation). Same
 * weights, config, results and inference (tfjs's own call); its class name stays `Conv2D`.
 * What the runtime builds for `tf.layers.conv2d` (runtime/build-model.ts).
 */
export class FastConv2D extends TfjsConv2D {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as Conv2DFields;
    if (
      kwargs['training'] !== true ||
      self.dataFormat !== 'channelsLast' ||
      self.activation.getClassName() !== 'linear' ||
      self.dilationRate.some((d) => d !== 1)
    )
      return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = one(inputs) as tf.Tensor4D;
      const kernel = self.kernel.read() as tf.Tensor4D;
      const y = tf.conv2d(x, kernel, self.strides, self.padding, 'NHWC', self.dilationRate);
      return self.bias ? tf.add(y, self.bias.read()) : y;
    });
  }
}
