/**
 * Inception-v3 written directly with tfjs-layers the way keras.applications builds it (Keras's
 * `InceptionV3`, the `conv2d_bn` helper and the mixed0-mixed10 modules): every convolution has no
 * bias and is followed by its own BatchNormalization layer (no gamma, `scale=False`) and a
 * separate Activation layer; branches are concatenated on the channel axis in Keras's order. The
 * plain tfjs-layers baseline that bench/inference.ts times against netc's
 * `samples/inception_v3.net`.
 *
 * Parameter count: 23,851,784, Keras's `InceptionV3(weights=None).count_params()` (with top, 1000
 * classes, 299x299x3; batch-norm moving statistics included); asserted when the model is built.
 */
import * as tf from '@tensorflow/tfjs';

/** Keras's figure for InceptionV3 with its 1000-class top on 299x299x3. */
export const INCEPTION_V3_KERAS_PARAMS = 23_851_784;

type SymT = tf.SymbolicTensor;

/** Keras's layer numbering (conv2d, conv2d_1, ...), so that every name is unique. */
class Names {
  private readonly counts = new Map<string, number>();
  next(kind: string): string {
    const n = this.counts.get(kind) ?? 0;
    this.counts.set(kind, n + 1);
    return n === 0 ? kind : `${kind}_${n}`;
  }
}

function builder(names: Names) {
  /** Keras `conv2d_bn(x, filters, rows, cols, padding, strides)`. */
  const conv2dBn = (
    x: SymT,
    filters: number,
    rows: number,
    cols: number,
    padding: 'valid' | 'same' = 'same',
    stride = 1,
  ): SymT => {
    let y = tf.layers
      .conv2d({
        filters,
        kernelSize: [rows, cols],
        strides: stride,
        padding,
        useBias: false,
        name: names.next('conv2d'),
      })
      .apply(x) as SymT;
    y = tf.layers
      .batchNormalization({ axis: 3, scale: false, name: names.next('batch_normalization') })
      .apply(y) as SymT;
    return tf.layers
      .activation({ activation: 'relu', name: names.next('activation') })
      .apply(y) as SymT;
  };
  const maxPool = (x: SymT) =>
    tf.layers
      .maxPooling2d({ poolSize: 3, strides: 2, name: names.next('max_pooling2d') })
      .apply(x) as SymT;
  const avgPool = (x: SymT) =>
    tf.layers
      .averagePooling2d({
        poolSize: 3,
        strides: 1,
        padding: 'same',
        name: names.next('average_pooling2d'),
      })
      .apply(x) as SymT;
  const concat = (xs: SymT[], name: string) =>
    tf.layers.concatenate({ axis: 3, name }).apply(xs) as SymT;
  return { conv2dBn, maxPool, avgPool, concat };
}

/** Builds Keras-style Inception-v3: 299x299x3 in, 1000-way softmax out. */
export function inceptionV3Keras(
  inputShape: [number, number, number] = [299, 299, 3],
  classes = 1000,
): tf.LayersModel {
  const names = new Names();
  const { conv2dBn, maxPool, avgPool, concat } = builder(names);
  const input = tf.input({ shape: inputShape, name: 'input_1' });

  let x = conv2dBn(input, 32, 3, 3, 'valid', 2);
  x = conv2dBn(x, 32, 3, 3, 'valid');
  x = conv2dBn(x, 64, 3, 3);
  x = maxPool(x);
  x = conv2dBn(x, 80, 1, 1, 'valid');
  x = conv2dBn(x, 192, 3, 3, 'valid');
  x = maxPool(x);

  // mixed 0, 1, 2: 35 x 35 x 256 / 288 / 288
  [32, 64, 64].forEach((poolFilters, i) => {
    const branch1x1 = conv2dBn(x, 64, 1, 1);
    let branch5x5 = conv2dBn(x, 48, 1, 1);
    branch5x5 = conv2dBn(branch5x5, 64, 5, 5);
    let branch3x3dbl = conv2dBn(x, 64, 1, 1);
    branch3x3dbl = conv2dBn(branch3x3dbl, 96, 3, 3);
    branch3x3dbl = conv2dBn(branch3x3dbl, 96, 3, 3);
    const branchPool = conv2dBn(avgPool(x), poolFilters, 1, 1);
    x = concat([branch1x1, branch5x5, branch3x3dbl, branchPool], `mixed${i}`);
  });

  // mixed 3: 17 x 17 x 768
  {
    const branch3x3 = conv2dBn(x, 384, 3, 3, 'valid', 2);
    let branch3x3dbl = conv2dBn(x, 64, 1, 1);
    branch3x3dbl = conv2dBn(branch3x3dbl, 96, 3, 3);
    branch3x3dbl = conv2dBn(branch3x3dbl, 96, 3, 3, 'valid', 2);
    x = concat([branch3x3, branch3x3dbl, maxPool(x)], 'mixed3');
  }

  // mixed 4, 5, 6, 7: 17 x 17 x 768
  [128, 160, 160, 192].forEach((c7, i) => {
    const branch1x1 = conv2dBn(x, 192, 1, 1);
    let branch7x7 = conv2dBn(x, c7, 1, 1);
    branch7x7 = conv2dBn(branch7x7, c7, 1, 7);
    branch7x7 = conv2dBn(branch7x7, 192, 7, 1);
    let branch7x7dbl = conv2dBn(x, c7, 1, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, c7, 7, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, c7, 1, 7);
    branch7x7dbl = conv2dBn(branch7x7dbl, c7, 7, 1);
    branch7x7dbl = conv2dBn(branch7x7dbl, 192, 1, 7);
    const branchPool = conv2dBn(avgPool(x), 192, 1, 1);
    x = concat([branch1x1, branch7x7, branch7x7dbl, branchPool], `mixed${4 + i}`);
  });

  // mixed 8: 8 x 8 x 1280
  {
    let branch3x3 = conv2dBn(x, 192, 1, 1);
    branch3x3 = conv2dBn(branch3x3, 320, 3, 3, 'valid', 2);
    let branch7x7x3 = conv2dBn(x, 192, 1, 1);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 1, 7);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 7, 1);
    branch7x7x3 = conv2dBn(branch7x7x3, 192, 3, 3, 'valid', 2);
    x = concat([branch3x3, branch7x7x3, maxPool(x)], 'mixed8');
  }

  // mixed 9, 10: 8 x 8 x 2048
  for (let i = 0; i < 2; i++) {
    const branch1x1 = conv2dBn(x, 320, 1, 1);
    const branch3x3 = conv2dBn(x, 384, 1, 1);
    const branch3x3Both = concat(
      [conv2dBn(branch3x3, 384, 1, 3), conv2dBn(branch3x3, 384, 3, 1)],
      `mixed9_${i}`,
    );
    let branch3x3dbl = conv2dBn(x, 448, 1, 1);
    branch3x3dbl = conv2dBn(branch3x3dbl, 384, 3, 3);
    const branch3x3dblBoth = concat(
      [conv2dBn(branch3x3dbl, 384, 1, 3), conv2dBn(branch3x3dbl, 384, 3, 1)],
      names.next('concatenate'),
    );
    const branchPool = conv2dBn(avgPool(x), 192, 1, 1);
    x = concat([branch1x1, branch3x3Both, branch3x3dblBoth, branchPool], `mixed${9 + i}`);
  }

  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as SymT;
  const probs = tf.layers
    .dense({ units: classes, activation: 'softmax', name: 'predictions' })
    .apply(x) as SymT;
  const model = tf.model({ inputs: input, outputs: probs, name: 'inception_v3' });
  if (
    inputShape.join() === '299,299,3' &&
    classes === 1000 &&
    model.countParams() !== INCEPTION_V3_KERAS_PARAMS
  ) {
    throw new Error(
      `Keras-style Inception-v3 has ${model.countParams()} parameters, Keras ${INCEPTION_V3_KERAS_PARAMS}`,
    );
  }
  return model;
}
