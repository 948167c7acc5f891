/**
 * The models the training benches run (bench/training.ts, bench/training-profile.ts): a sample,
 * its input and batch, whether it returns logits, and the helpers to build, set up and step
 * one on the current backend.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../api/index.js';
import { checkFile } from '../../compiler/compile.js';
import type { Graph } from '../../compiler/ir/graph.js';
import { pickModel } from '../../compiler/pick-model.js';
import { buildModel } from '../../runtime/build-model.js';

/** One model of the training benches. */
export interface TrainingSpec {
  readonly key: 'lenet_bn' | 'ecg_resnet' | 'resnet18_d2l';
  readonly title: string;
  readonly sample: string;
  /** One example's shape (channels last). */
  readonly input: readonly number[];
  readonly classes: number;
  readonly batch: number;
  /** The model returns logits (else probabilities: the ECG ResNet ends in a softmax). */
  readonly logits: boolean;
}

export const TRAINING_SPECS: readonly TrainingSpec[] = [
  {
    key: 'lenet_bn',
    title: 'LeNet-BN (D2L), 28x28x1',
    sample: 'samples/lenet_bn.net',
    input: [28, 28, 1],
    classes: 10,
    batch: 256,
    logits: true,
  },
  {
    key: 'ecg_resnet',
    title: 'ECG ResNet, 1280x1',
    sample: 'samples/ecg_resnet.net',
    input: [1280, 1],
    classes: 5,
    batch: 32,
    logits: false,
  },
  {
    key: 'resnet18_d2l',
    title: 'ResNet-18 (D2L), 96x96x1',
    sample: 'samples/resnet18_d2l.net',
    input: [96, 96, 1],
    classes: 10,
    batch: 32,
    logits: true,
  },
];

/** Sets every batch norm of `model` to PyTorch's defaults: momentum 0.1 (Keras 0.9), eps 1e-5. */
export function torchBatchNorm(model: tf.LayersModel): void {
  for (const layer of model.layers) {
    const name = layer.getClassName();
    if (name !== 'BatchNormalization' && name !== 'NetcBatchNorm') continue;
    const bn = layer as unknown as { momentum: number; epsilon: number };
    bn.momentum = 0.9;
    bn.epsilon = 1e-5;
  }
}

/** Builds `spec`'s model (seeded), PyTorch-style batch norm, compiled for SGD at `lr`. */
export async function trainingModel(
  root: string,
  spec: TrainingSpec,
  lr: number,
): Promise<tf.LayersModel> {
  const model = await loadModel(join(root, spec.sample), { seed: 1 });
  torchBatchNorm(model);
  model.compile({
    optimizer: tf.train.sgd(lr),
    loss: spec.logits
      ? (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred)
      : 'categoricalCrossentropy',
  });
  return model;
}

/**
 * `spec`'s graph and model as `netc train` builds them (seed 1), PyTorch-style batch norm,
 * uncompiled: for runtime/train/fit, which compiles it with its optimizer and loss.
 */
export function trainingGraphModel(
  root: string,
  spec: TrainingSpec,
): { graph: Graph; model: tf.LayersModel } {
  const path = join(root, spec.sample);
  const picked = pickModel(checkFile(path), path);
  if (!picked.ok) throw new Error(`${spec.sample}: ${picked.message}`);
  const model = buildModel(picked.graph, { seed: 1 });
  torchBatchNorm(model);
  return { graph: picked.graph, model };
}

/** A random batch for `spec`: inputs and one-hot labels. */
export function randomBatch(spec: TrainingSpec, batch = spec.batch): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const x = tf.randomNormal([batch, ...spec.input], 0, 1, 'float32', 7);
    const labels = tf.randomUniform([batch], 0, spec.classes, 'int32', 8);
    return [x, tf.oneHot(labels, spec.classes).toFloat()];
  });
}
