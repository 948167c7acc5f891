/**
 * `netc train`: reads and checks the `.npy` inputs and targets, trains with the runtime's loop
 * (runtime/train/fit.ts) with a progress line per epoch, then saves the weights. Its table is
 * in model-args.ts, which imports this module lazily, since it loads TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphPort } from '../../compiler/ir/graph.js';
import { escapeText } from '../../compiler/util/escape.js';
import { describeWeights } from '../../io/weights-file.js';
import { buildModel } from '../../runtime/build-model.js';
import { memoryError } from '../errors.js';
import { DataError, type Output } from '../io.js';
import { TrainingProgress } from '../progress.js';
import type { Loss, TrainOptions } from './model-args.js';
import type { ExampleArray } from '../../runtime/train/batches.js';
import { movingStatsWarmup, warmupNote } from '../../runtime/train/bn-warmup.js';
import { fit, makeOptimizer } from '../../runtime/train/fit.js';
import type { LossChoice } from '../../runtime/train/losses.js';
import { makeObjective } from '../../runtime/train/objective.js';
import {
  bindPorts,
  checkBatches,
  compileModel,
  duration,
  inputsFit,
  readArray,
  readBoundArrays,
  startBackend,
  type BoundArray,
} from './model-support.js';
import type { NamedPath } from './output-paths.js';
import { checkSavePath, loadWeightsFrom, saveWeightsTo } from './weights.js';

/**
 * Checks a target batch for an output under the loss; returns it in the shape tfjs wants:
 * the output's shape for most losses, and for sparse categorical cross-entropy the output's
 * shape with the class dim replaced by 1, holding class indices in [0, classes).
 */
function checkTarget(port: GraphPort, bound: BoundArray, loss: Loss): BoundArray {
  if (loss !== 'sparse_categorical_crossentropy') {
    try {
      checkBatches('target', [bound]);
    } catch (e) {
      const last = port.shape[port.shape.length - 1];
      const indices = bound.array.shape.length === port.shape.length && typeof last === 'number';
      if (e instanceof DataError && indices && loss === 'categorical_crossentropy') {
        e.message += ` (${loss} takes one-hot targets; for class indices use --loss sparse_categorical_crossentropy)`;
      }
      throw e;
    }
    return bound;
  }
  const classes = port.shape[port.shape.length - 1];
  if (typeof classes !== 'number' || classes < 2) {
    throw new DataError(
      `sparse_categorical_crossentropy needs an output whose last dim counts the classes; '${port.name}' is [${port.shape.join(', ')}]`,
    );
  }
  const base = port.shape.slice(0, -1);
  const { shape, data } = bound.array;
  // [batch, ..., 1] or [batch, ...]: the class index of each example (and position).
  const trimmed =
    shape.length === base.length + 2 && shape[shape.length - 1] === 1 ? shape.slice(0, -1) : shape;
  const fake = { ...bound, port: { ...port, shape: base }, array: { shape: trimmed, data } };
  try {
    checkBatches('target', [fake]);
  } catch (e) {
    if (e instanceof DataError)
      e.message += ` (sparse_categorical_crossentropy takes class indices)`;
    throw e;
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new DataError(
        `target '${port.name}' from ${bound.path}: value ${v} at index ${i} is not a class index in [0, ${classes})`,
      );
    }
  }
  return { ...bound, array: { shape: [...trimmed, 1], data } };
}

/** `loss categorical_crossentropy from logits (output 'y' is produced by dense, ...)` */
function describeLoss(o: TrainOptions, choices: readonly LossChoice[]): string {
  const forms = new Set(choices.map((c) => c.form));
  if (o.loss === 'mse' || forms.size === 0) return `loss ${o.loss}`;
  const form = (f: string) => (f === 'logits' ? 'from logits' : 'on probabilities');
  if (o.outputKind) return `loss ${o.loss} ${form(o.outputKind)} (--output-kind ${o.outputKind})`;
  return `loss ${o.loss} ${choices.map((c) => `${form(c.form)} (${c.reason})`).join('; ')}`;
}

/** The data arrays as the training loop takes them. */
const examples = (arrays: readonly BoundArray[]): ExampleArray[] =>
  arrays.map((b) => ({ shape: b.array.shape, data: b.array.data }));

export async function execTrain(o: TrainOptions, io: Output): Promise<number> {
  const start = performance.now();
  const sources: NamedPath[] = [];
  const graph = compileModel(io, o.file, o.model, sources);
  if (!graph) return 1;
  const compiled = performance.now();
  const xBound = bindPorts('x', 'input', graph.inputs, o.x, true);
  const yBound = bindPorts('y', 'output', graph.outputs, o.y, true);
  if (o.save) {
    await checkSavePath(o.save, [
      ...sources,
      ...(o.weights !== undefined ? [{ path: o.weights, what: '--weights' }] : []),
      ...o.x.map((a) => ({ path: a.path, what: '--x' })),
      ...o.y.map((a) => ({ path: a.path, what: '--y' })),
    ]);
  }
  const xs = await readBoundArrays(graph.inputs, xBound);
  const ys: BoundArray[] = [];
  for (const [i, a] of yBound.entries()) {
    const port = graph.outputs[i];
    const bound = { port, path: a!.path, array: await readArray(a!.path) };
    ys.push(checkTarget(port, bound, o.loss));
  }
  const n = checkBatches('input', xs);
  for (const y of ys) {
    if (y.array.shape[0] !== n) {
      throw new DataError(
        `${n} examples in the inputs (${xs[0].path}) but ${y.array.shape[0]} targets in ${y.path}`,
      );
    }
  }
  const nTrain = Math.floor(n * (1 - o.validationSplit));
  if (o.validationSplit > 0 && (nTrain < 1 || nTrain === n)) {
    throw new DataError(
      `--validation-split ${o.validationSplit} of ${n} examples leaves ${nTrain} to train on and ${n - nTrain} to validate: both need at least one`,
    );
  }
  if (!inputsFit(io, graph, xs)) return 1;

  const t0 = performance.now();
  const backend = await startBackend(o.backend, o.threads);
  const model = buildModel(graph, { seed: o.seed });
  let optimizer: tf.Optimizer | undefined;
  try {
    const loaded = o.weights ? await loadWeightsFrom(model, graph, o.weights) : undefined;
    optimizer = makeOptimizer({ name: o.optimizer, lr: o.lr, momentum: o.momentum });
    const objective = makeObjective(graph, o.loss, o.metrics, o.outputKind);
    const t1 = performance.now();
    const opt =
      o.optimizer === 'sgd'
        ? `sgd lr ${o.lr}${o.momentum > 0 ? ` momentum ${o.momentum}` : ''}`
        : `adam lr ${o.lr}`;
    const held = n - nTrain;
    const weights = escapeText(describeWeights(o, loaded));
    io.out(`model    ${graph.name} (${escapeText(o.file)}) on ${backend}, ${weights}`);
    io.out(
      `data     ${nTrain} examples${held > 0 ? ` + ${held} for validation` : ''}, batch ${o.batchSize}, ${opt}, ${describeLoss(o, objective.choices)}`,
    );
    io.out(`build    ${duration(compiled - start + t1 - t0)}`);

    const batches = Math.ceil(nTrain / o.batchSize);
    const progress = new TrainingProgress(io, o.epochs, batches);
    const result = await fit(
      model,
      graph,
      { x: examples(xs), y: examples(ys) },
      {
        loss: o.loss,
        outputKind: o.outputKind,
        metrics: o.metrics,
        epochs: o.epochs,
        batchSize: o.batchSize,
        optimizer,
        shuffleSeed: o.seed,
        validationSplit: o.validationSplit,
        hooks: {
          onEpochBegin: (epoch) => progress.epochBegin(epoch),
          onBatchEnd: (_step, logs) => progress.batchEnd(logs.batch, logs),
          onEpochEnd: (_epoch, logs) => progress.epochEnd(logs),
        },
      },
    );
    progress.clear();
    const t2 = performance.now();
    const stopped = result.stopped;
    if (stopped?.reason === 'diverged') {
      throw new DataError(
        `the loss became ${stopped.loss} in epoch ${stopped.epoch + 1}, batch ${stopped.batch + 1}: try a lower --lr (weights not saved)`,
      );
    }
    const epochs = result.epochsRun;
    io.out(
      `trained  ${epochs} epoch${epochs === 1 ? '' : 's'} in ${duration(t2 - t1)} (${duration((t2 - t1) / epochs)} per epoch)`,
    );
    const first = result.history[0]?.loss;
    const last = result.history[epochs - 1]?.loss;
    if (first !== undefined && last !== undefined && epochs > 1)
      io.out(`loss     ${first.toFixed(4)} -> ${last.toFixed(4)}`);
    const note = warmupNote(movingStatsWarmup(graph, result.steps));
    if (note) io.out(`note     ${note}`);
    if (o.save) {
      const format = await saveWeightsTo(model, graph, o.save);
      io.out(`saved    weights to ${escapeText(o.save)} (${format})`);
    } else {
      io.out('(weights not saved: no --save PATH)');
    }
    return 0;
  } catch (e) {
    throw memoryError(e, o.backend, `training model ${graph.name} (batch ${o.batchSize})`);
  } finally {
    model.dispose();
    optimizer?.dispose();
  }
}
