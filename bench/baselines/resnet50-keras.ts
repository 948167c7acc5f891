/**
 * ResNet-50 written directly with tfjs-layers the way keras.applications builds it (Keras's
 * `ResNet50`, ResNet v1 `block1`/`stack1`): every convolution has a bias and is followed by its own
 * BatchNormalization layer (epsilon 1.001e-5) and, where Keras has one, a separate Activation
 * layer; the shortcut of each stack's first block is a 1x1 convolution + batch norm. The plain
 * tfjs-layers baseline that bench/inference.ts times against netc's `samples/resnet50.net`.
 *
 * Parameter count: 25,636,712, Keras's `ResNet50(weights=None).count_params()` (batch-norm moving
 * mean and variance included, as Keras and tfjs count them); asserted when the model is built.
 */
import * as tf from '@tensorflow/tfjs';

/** Keras's figure for ResNet50 with its 1000-class top on 224x224x3. */
export const RESNET50_KERAS_PARAMS = 25_636_712;

type SymT = tf.SymbolicTensor;
const EPS = 1.001e-5;

const conv = (
  filters: number,
  kernel: number,
  stride: number,
  padding: 'valid' | 'same',
  name: string,
) =>
  tf.layers.conv2d({ filters, kernelSize: kernel, strides: stride, padding, useBias: true, name });
const bn = (name: string) => tf.layers.batchNormalization({ axis: 3, epsilon: EPS, name });
const relu = (name: string) => tf.layers.activation({ activation: 'relu', name });

/** Keras `block1`: the residual bottleneck, 1x1 (stride) - 3x3 - 1x1 to 4 * filters. */
function block1(
  x: SymT,
  filters: number,
  stride: number,
  convShortcut: boolean,
  name: string,
): SymT {
  let shortcut = x;
  if (convShortcut) {
    shortcut = conv(4 * filters, 1, stride, 'valid', `${name}_0_conv`).apply(x) as SymT;
    shortcut = bn(`${name}_0_bn`).apply(shortcut) as SymT;
  }
  let y = conv(filters, 1, stride, 'valid', `${name}_1_conv`).apply(x) as SymT;
  y = bn(`${name}_1_bn`).apply(y) as SymT;
  y = relu(`${name}_1_relu`).apply(y) as SymT;
  y = conv(filters, 3, 1, 'same', `${name}_2_conv`).apply(y) as SymT;
  y = bn(`${name}_2_bn`).apply(y) as SymT;
  y = relu(`${name}_2_relu`).apply(y) as SymT;
  y = conv(4 * filters, 1, 1, 'valid', `${name}_3_conv`).apply(y) as SymT;
  y = bn(`${name}_3_bn`).apply(y) as SymT;
  y = tf.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as SymT;
  return relu(`${name}_out`).apply(y) as SymT;
}

/** Keras `stack1`: `blocks` bottlenecks, the first strided with a projection shortcut. */
function stack1(x: SymT, filters: number, blocks: number, stride: number, name: string): SymT {
  x = block1(x, filters, stride, true, `${name}_block1`);
  for (let i = 2; i <= blocks; i++) x = block1(x, filters, 1, false, `${name}_block${i}`);
  return x;
}

/** Builds Keras-style ResNet-50: 224x224x3 in, 1000-way softmax out. */
export function resnet50Keras(
  inputShape: [number, number, number] = [224, 224, 3],
  classes = 1000,
): tf.LayersModel {
  const input = tf.input({ shape: inputShape, name: 'input_1' });
  let x = tf.layers.zeroPadding2d({ padding: 3, name: 'conv1_pad' }).apply(input) as SymT;
  x = conv(64, 7, 2, 'valid', 'conv1_conv').apply(x) as SymT;
  x = bn('conv1_bn').apply(x) as SymT;
  x = relu('conv1_relu').apply(x) as SymT;
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'pool1_pad' }).apply(x) as SymT;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as SymT;
  x = stack1(x, 64, 3, 1, 'conv2');
  x = stack1(x, 128, 4, 2, 'conv3');
  x = stack1(x, 256, 6, 2, 'conv4');
  x = stack1(x, 512, 3, 2, 'conv5');
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as SymT;
  const probs = tf.layers
    .dense({ units: classes, activation: 'softmax', name: 'predictions' })
    .apply(x) as SymT;
  const model = tf.model({ inputs: input, outputs: probs, name: 'resnet50' });
  if (
    inputShape.join() === '224,224,3' &&
    classes === 1000 &&
    model.countParams() !== RESNET50_KERAS_PARAMS
  ) {
    throw new Error(
      `Keras-style ResNet-50 has ${model.countParams()} parameters, Keras ${RESNET50_KERAS_PARAMS}`,
    );
  }
  return model;
}
