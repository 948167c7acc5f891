/**
 * The training losses and the accuracy metric, each in the form that fits what the model
 * outputs: probabilities (the output is a softmax or a sigmoid) or logits (anything else),
 * chosen from the graph (`chooseLossForm`) or set explicitly. The logits forms are the
 * numerically stable ones (log-softmax; sigmoid cross-entropy with logits), whose gradient
 * never vanishes the way a clipped probability loss's does.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph, GraphPort } from '../../compiler/ir/graph.js';
import { outputActivation } from '../../compiler/ir/output-activation.js';
import type { LossName, OutputKind } from './names.js';

/** The form a loss is computed in: on probabilities, on logits, or on plain values (mse). */
export type LossForm = OutputKind | 'values';

/** The form chosen for one output, and why (for reports). */
export interface LossChoice {
  readonly form: LossForm;
  /** `output 'probs' is produced by softmax`, `set explicitly`, ... */
  readonly reason: string;
}

/** The probability forms clip to [EPSILON, 1 - EPSILON] before the log (as Keras). */
export const EPSILON = 1e-7;

/**
 * The loss form for an output: `override` when given, else probabilities when the output is
 * produced by a softmax (categorical) or a softmax or sigmoid (binary: values in [0, 1]), logits
 * otherwise. A categorical loss on a sigmoid output takes it as probabilities too (normalised
 * per example, as Keras does). mse has no choice.
 */
export function chooseLossForm(
  graph: Graph,
  port: GraphPort,
  loss: LossName,
  override?: OutputKind,
): LossChoice {
  if (loss === 'mse') return { form: 'values', reason: 'mse takes the values as they are' };
  if (override) return { form: override, reason: `set explicitly` };
  const a = outputActivation(graph, port);
  if (a.kind === 'other') {
    return {
      form: 'logits',
      reason: `output '${port.name}' is produced by ${a.producer}, not a softmax or sigmoid`,
    };
  }
  return { form: 'probabilities', reason: `output '${port.name}' is produced by ${a.producer}` };
}

/** Categorical targets: sparse class indices are turned into one-hot rows before the loss. */
export const isCategorical = (loss: LossName): boolean =>
  loss === 'categorical_crossentropy' || loss === 'sparse_categorical_crossentropy';

/** A loss or metric: per-position values (tfjs takes their mean), or a scalar. */
export type LossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Categorical cross-entropy of one-hot (or soft) targets against probabilities, per position. */
export function categoricalFromProbabilities(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.div(yPred, tf.sum(yPred, -1, true));
    const clipped = tf.clipByValue(p, EPSILON, 1 - EPSILON);
    return tf.neg(tf.sum(tf.mul(yTrue, tf.log(clipped)), -1));
  });
}

/** Categorical cross-entropy from logits (log-softmax over the last axis), per position. */
export function categoricalFromLogits(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(yTrue, tf.logSoftmax(logits)), -1)));
}

/** Binary cross-entropy of targets in [0, 1] against probabilities, averaged over the last axis. */
export function binaryFromProbabilities(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.clipByValue(yPred, EPSILON, 1 - EPSILON);
    const terms = tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p))));
    return tf.neg(tf.mean(terms, -1));
  });
}

/**
 * Binary cross-entropy from logits z, averaged over the last axis, in the stable form
 * `max(z, 0) - z * y + log(1 + exp(-|z|))`.
 */
export function binaryFromLogits(yTrue: tf.Tensor, logits: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const z = logits;
    const terms = tf.add(tf.sub(tf.relu(z), tf.mul(z, yTrue)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
    return tf.mean(terms, -1);
  });
}

/** Mean squared error over the last axis. */
export function meanSquaredError(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(yPred, yTrue)), -1));
}

/** The loss function for a loss in a form (sparse targets arrive one-hot: see `isCategorical`). */
export function lossFunction(loss: LossName, form: LossForm): LossFn {
  if (loss === 'mse') return meanSquaredError;
  if (loss === 'binary_crossentropy')
    return form === 'logits' ? binaryFromLogits : binaryFromProbabilities;
  return form === 'logits' ? categoricalFromLogits : categoricalFromProbabilities;
}

/** Fraction of positions whose argmax matches the one-hot target's. */
function categoricalAccuracy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32'));
}

/**
 * The accuracy metric (named `acc`, as tfjs names its own): argmax agreement for the
 * categorical losses and mse on a vector, else thresholded agreement per unit (at 0.5 for
 * probabilities, at 0 for logits), averaged over the last axis.
 */
export function accuracyFunction(loss: LossName, form: LossForm, units: number): LossFn {
  const binary = loss === 'binary_crossentropy' || units === 1;
  const threshold = form === 'logits' ? 0 : 0.5;
  const acc = binary
    ? (yTrue: tf.Tensor, yPred: tf.Tensor) =>
        tf.tidy(() =>
          tf.mean(
            tf.cast(tf.equal(tf.greater(yTrue, 0.5), tf.greater(yPred, threshold)), 'float32'),
            -1,
          ),
        )
    : categoricalAccuracy;
  Object.defineProperty(acc, 'name', { value: 'acc' });
  return acc;
}
