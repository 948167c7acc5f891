/**
 * Ready-made hooks for `fit` (Keras callbacks): a learning-rate schedule set before every
 * step, the epoch records (figures, learning rate, time, examples per second) that the log,
 * the checkpoints and the curves are written from, early stopping that keeps the best weights,
 * and per-epoch checkpoints. `netc train` uses them; so can an API user, in this order (each
 * reads what the ones before it recorded).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import { fillModel, readGraphWeights } from '../graph-weights.js';
import { saveCheckpoint, type CheckpointState, type EpochRecord } from './checkpoint.js';
import type { EarlyStopping } from './early-stopping.js';
import type { TrainHooks } from './fit.js';
import type { TrainingOptimizer } from './optimizers.js';
import { learningRateAt, type LrPlan } from './schedules.js';
import { writeTrainingLog } from './training-log.js';

/** Sets the learning rate of `plan` before every step (steps count across a resume). */
export function scheduleHook(optimizer: TrainingOptimizer, plan: LrPlan): TrainHooks {
  return {
    onBatchBegin(step, _epoch, ctx) {
      const run = { epochs: ctx.epochs, stepsPerEpoch: ctx.batchesPerEpoch };
      optimizer.setLearningRate(learningRateAt(plan, step, run));
    },
  };
}

/**
 * Appends one record per epoch to `records` (which may hold a resumed run's earlier epochs):
 * `epoch` (1-based), the logs, `lr` (the rate of the epoch's last step, when `optimizer` is
 * given), `seconds` and `examples_per_second`.
 */
export function recordHook(
  records: EpochRecord[],
  optimizer?: TrainingOptimizer,
  now: () => number = () => performance.now(),
): TrainHooks {
  let start = 0;
  let seen = 0;
  return {
    onEpochBegin() {
      start = now();
      seen = 0;
    },
    onBatchEnd(_step, logs) {
      seen += logs.size;
    },
    onEpochEnd(epoch, logs) {
      const seconds = (now() - start) / 1000;
      records.push({
        epoch: epoch + 1,
        ...logs,
        ...(optimizer ? { lr: optimizer.learningRate } : {}),
        seconds,
        examples_per_second: seconds > 0 ? seen / seconds : NaN,
      });
    },
  };
}

/** Early stopping's hook: the verdict of each epoch, the best weights so far. */
export interface EarlyStoppingHook extends TrainHooks {
  /** The weights of the best epoch so far (after the first improvement). */
  readonly best: () => GraphWeights | undefined;
  /**
   * Puts the best weights back into the model; returns the 1-based epoch they are from, or
   * undefined when there are none or the last epoch run was the best.
   */
  restore(model: tf.LayersModel, lastEpoch: number): number | undefined;
}

/**
 * Stops training when `watch` says so and keeps the weights of the best epoch (`best`: a
 * resumed run's, from its checkpoint).
 */
export function earlyStoppingHook(
  watch: EarlyStopping,
  graph: Graph,
  best?: GraphWeights,
): EarlyStoppingHook {
  let kept = best;
  return {
    best: () => kept,
    onEpochEnd(epoch, logs, ctx) {
      const verdict = watch.update(epoch + 1, logs);
      if (verdict === 'improved') kept = readGraphWeights(ctx.model, graph);
      return verdict === 'stop' ? 'stop' : undefined;
    },
    restore(model, lastEpoch) {
      if (!kept || watch.bestEpoch === 0 || watch.bestEpoch === lastEpoch) return undefined;
      fillModel(model, graph, kept);
      return watch.bestEpoch;
    },
  };
}

/** What the checkpoint hook writes besides the model and the optimizer. */
export interface CheckpointPlan {
  readonly dir: string;
  readonly options: CheckpointState['options'];
  /** The records so far (`recordHook`'s list): the checkpoint's history. */
  readonly records: readonly EpochRecord[];
  /** Free-form state to resume (early stopping's counters, the shuffle seed), per epoch. */
  readonly extra: () => CheckpointState['extra'];
  /** The best weights to keep (early stopping's). */
  readonly best?: () => GraphWeights | undefined;
  /** Called with the path after each write. */
  readonly saved?: (path: string, epoch: number) => void;
}

/** Writes a checkpoint after every epoch (atomically: checkpoint.ts). */
export function checkpointHook(graph: Graph, plan: CheckpointPlan): TrainHooks {
  return {
    async onEpochEnd(epoch, _logs, ctx) {
      const state = {
        epoch: epoch + 1,
        history: plan.records,
        options: plan.options,
        extra: plan.extra(),
      };
      const path = await saveCheckpoint(
        plan.dir,
        graph,
        ctx.model,
        ctx.optimizer,
        state,
        plan.best?.(),
      );
      plan.saved?.(path, epoch + 1);
    },
  };
}

/** Rewrites the training log (JSONL, or CSV by extension) after every epoch. */
export function logHook(path: string, records: readonly EpochRecord[]): TrainHooks {
  return {
    async onEpochEnd() {
      await writeTrainingLog(path, records);
    },
  };
}
