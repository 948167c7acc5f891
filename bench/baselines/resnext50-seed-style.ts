/**
 * ResNeXt-50 (32x4d) written directly with tfjs-layers the way seed 001 (the Keras "J6" notebook)
 * builds it: every grouped 3x3 convolution is 32 channel slices (Lambda layers in Keras; here a
 * tiny registered custom layer, since tfjs has no Lambda) + 32 separate conv2d layers + one
 * concatenate. The baseline that bench/inference.ts times against netc's `samples/resnext50.net`.
 *
 * Parameter count (reference 25,097,192) = the usual 25,028,904 of ResNeXt-50 32x4d + 64 (the stem
 * convolution's bias) + 68,224 (moving mean and variance of the 34,112 batch-norm channels, which
 * Keras and tfjs count as non-trainable weights).
 */
import * as tf from '@tensorflow/tfjs';

/** Channels [start, start + size) of an NHWC tensor: the Keras `Lambda(lambda z: z[..., a:b])`. */
export class SliceChannels extends tf.layers.Layer {
  static className = 'SeedStyleSliceChannels';
  private readonly start: number;
  private readonly size: number;

  constructor(config: { start: number; size: number; name?: string }) {
    super({ name: config.name });
    this.start = config.start;
    this.size = config.size;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [...s.slice(0, -1), this.size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const begin = x.shape.map((_, i) => (i === x.rank - 1 ? this.start : 0));
    const size = x.shape.map((d, i) => (i === x.rank - 1 ? this.size : d));
    return tf.slice(x, begin, size);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), start: this.start, size: this.size };
  }
}
tf.serialization.registerClass(SliceChannels);

type SymT = tf.SymbolicTensor;
const bn = (name: string) => tf.layers.batchNormalization({ axis: -1, name });
const relu = (name: string) => tf.layers.activation({ activation: 'relu', name });

/** Seed 001's grouped_convolution_block: slice, conv, concatenate (no bias). */
function groupedConv(x: SymT, filters: number, stride: number, groups: number, name: string): SymT {
  const channels = x.shape[x.shape.length - 1] as number;
  const c = channels / groups;
  const outPerGroup = filters / groups;
  const paths: SymT[] = [];
  for (let g = 0; g < groups; g++) {
    const xg = new SliceChannels({ start: g * c, size: c, name: `${name}_slice${g}` }).apply(
      x,
    ) as SymT;
    paths.push(
      tf.layers
        .conv2d({
          filters: outPerGroup,
          kernelSize: 3,
          strides: stride,
          padding: 'same',
          useBias: false,
          name: `${name}_conv${g}`,
        })
        .apply(xg) as SymT,
    );
  }
  return tf.layers.concatenate({ axis: -1, name: `${name}_concat` }).apply(paths) as SymT;
}

/** Seed 001's block: 1x1 + BN + ReLU, grouped 3x3 (stride) + BN + ReLU, 1x1 to 2*filters + BN. */
function block(
  x: SymT,
  filters: number,
  stride: number,
  groups: number,
  projection: boolean,
  name: string,
): SymT {
  let shortcut = x;
  if (projection) {
    shortcut = tf.layers
      .conv2d({
        filters: filters * 2,
        kernelSize: 1,
        strides: stride,
        useBias: false,
        name: `${name}_proj`,
      })
      .apply(x) as SymT;
    shortcut = bn(`${name}_proj_bn`).apply(shortcut) as SymT;
  }
  let y = tf.layers
    .conv2d({ filters, kernelSize: 1, useBias: false, name: `${name}_conv1` })
    .apply(x) as SymT;
  y = bn(`${name}_bn1`).apply(y) as SymT;
  y = relu(`${name}_relu1`).apply(y) as SymT;
  y = groupedConv(y, filters, stride, groups, `${name}_gconv`);
  y = bn(`${name}_bn2`).apply(y) as SymT;
  y = relu(`${name}_relu2`).apply(y) as SymT;
  y = tf.layers
    .conv2d({ filters: filters * 2, kernelSize: 1, useBias: false, name: `${name}_conv3` })
    .apply(y) as SymT;
  y = bn(`${name}_bn3`).apply(y) as SymT;
  y = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as SymT;
  return relu(`${name}_out`).apply(y) as SymT;
}

function stack(
  x: SymT,
  filters: number,
  blocks: number,
  stride: number,
  groups: number,
  name: string,
): SymT {
  x = block(x, filters, stride, groups, true, `${name}_block1`);
  for (let i = 2; i <= blocks; i++) x = block(x, filters, 1, groups, false, `${name}_block${i}`);
  return x;
}

/** Builds the seed-style ResNeXt-50 (32x4d): 224x224x3 in, 1000-way softmax out. */
export function resnext50SeedStyle(
  inputShape: [number, number, number] = [224, 224, 3],
  classes = 1000,
  groups = 32,
): tf.LayersModel {
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x = tf.layers.zeroPadding2d({ padding: 3, name: 'stem_pad' }).apply(input) as SymT;
  x = tf.layers
    .conv2d({ filters: 64, kernelSize: 7, strides: 2, useBias: true, name: 'stem_conv' })
    .apply(x) as SymT;
  x = bn('stem_bn').apply(x) as SymT;
  x = relu('stem_relu').apply(x) as SymT;
  x = tf.layers.zeroPadding2d({ padding: 1, name: 'stem_pool_pad' }).apply(x) as SymT;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'stem_pool' }).apply(x) as SymT;
  const stacks: [number, number, number][] = [
    [128, 3, 1],
    [256, 4, 2],
    [512, 6, 2],
    [1024, 3, 2],
  ];
  stacks.forEach(([filters, blocks, stride], i) => {
    x = stack(x, filters, blocks, stride, groups, `stack${i + 1}`);
  });
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as SymT;
  const probs = tf.layers
    .dense({ units: classes, activation: 'softmax', name: 'predictions' })
    .apply(x) as SymT;
  return tf.model({ inputs: input, outputs: probs, name: 'resnext50_seed_style' });
}
