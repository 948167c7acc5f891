/**
 * The training loop: epochs of shuffled batches, each step one `trainOnBatch` (Keras
 * semantics: batch statistics and moving-average updates in batch norm, dropout active), with
 * only the current batch copied into TensorFlow.js. The order of the examples is a seeded
 * permutation per epoch; validation (given data or a held-out last fraction) runs in inference
 * mode after each epoch. Hooks see every batch and epoch, may change the optimizer (the
 * learning rate) and stop training; a loss that stops being finite stops it too.
 */
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import { batchRanges, epochOrder } from './batches.js';
import { exampleCount, inputTensors, range, targetTensors, type TrainData } from './data.js';
import { evaluateModel, type Logs } from './evaluate.js';
import type { LossName, OutputKind } from './names.js';
import { makeObjective, type Objective } from './objective.js';
import type { MetricName } from './names.js';
import { freezeLayers, type Frozen } from './freeze.js';
import { fixBatchNormTraining } from './bn-training.js';

/** An optimizer by name (`fit` makes it when not given one). */
export interface OptimizerSpec {
  readonly name: 'sgd' | 'adam';
  readonly lr: number;
  /** sgd only: classical momentum (0: plain sgd). */
  readonly momentum?: number;
}

/** The tfjs optimizer of a spec. */
export function makeOptimizer(spec: OptimizerSpec): tf.Optimizer {
  if (spec.name === 'adam') return tf.train.adam(spec.lr);
  const m = spec.momentum ?? 0;
  return m > 0 ? tf.train.momentum(spec.lr, m) : tf.train.sgd(spec.lr);
}

/** What hooks can reach while training runs. */
export interface TrainContext {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly graph: Graph;
  readonly objective: Objective;
  /** Batches in each epoch. */
  readonly batchesPerEpoch: number;
  /** The epoch after the last one (epochs run from `initialEpoch` to this). */
  readonly epochs: number;
  /** Training examples per epoch. */
  readonly examples: number;
}

/** The logs of one batch: its index in the epoch, its size, the loss and metrics. */
export interface BatchLogs extends Logs {
  batch: number;
  size: number;
}

type Awaitable<T> = T | Promise<T>;
/** A hook may return 'stop' to end training after the current batch or epoch. */
export type HookResult = void | 'stop';

/**
 * Callbacks of the loop. `step` counts batches from the start of training, resumed runs
 * included (`initialEpoch * batchesPerEpoch` at the first batch of a resumed run); `epoch` is
 * 0-based.
 */
export interface TrainHooks {
  onTrainBegin?(ctx: TrainContext): Awaitable<void>;
  onEpochBegin?(epoch: number, ctx: TrainContext): Awaitable<void>;
  /** Before the step: set the learning rate here. */
  onBatchBegin?(step: number, epoch: number, ctx: TrainContext): Awaitable<void>;
  onBatchEnd?(step: number, logs: BatchLogs, ctx: TrainContext): Awaitable<HookResult>;
  /** With the epoch's mean training logs and the validation ones (`val_loss`...). */
  onEpochEnd?(epoch: number, logs: Logs, ctx: TrainContext): Awaitable<HookResult>;
  onTrainEnd?(result: FitResult, ctx: TrainContext): Awaitable<void>;
}

export interface FitOptions {
  readonly loss: LossName;
  /** What the outputs hold, for the cross-entropies (default: read from the graph). */
  readonly outputKind?: OutputKind;
  readonly metrics?: readonly MetricName[];
  /** The epoch to stop before (training runs epochs `initialEpoch` .. `epochs - 1`). */
  readonly epochs: number;
  /** The first epoch (resuming; default 0). */
  readonly initialEpoch?: number;
  readonly batchSize: number;
  /** A tfjs optimizer (its state is kept: resume), or one to make. */
  readonly optimizer: tf.Optimizer | OptimizerSpec;
  /** Seeds the order of the examples in each epoch (default: a random seed). */
  readonly shuffleSeed?: number;
  /** false: the examples in their order every epoch. */
  readonly shuffle?: boolean;
  /** Validation data, evaluated after each epoch. */
  readonly validationData?: TrainData;
  /** Or hold out the last fraction of `data` (in [0, 1)) for validation. */
  readonly validationSplit?: number;
  readonly hooks?: TrainHooks | readonly TrainHooks[];
  /**
   * Layer-name globs of the layers to freeze (freeze.ts: `base` or `base.*` for a block);
   * their weights stay as they are, and a frozen batch norm runs in inference mode.
   */
  readonly freeze?: readonly string[];
}

/** Why training stopped before its last epoch. */
export type Stopped =
  | { readonly reason: 'hook'; readonly epoch: number }
  | {
      readonly reason: 'diverged';
      readonly epoch: number;
      /** The batch in the epoch, 0-based. */
      readonly batch: number;
      readonly loss: number;
    };

export interface FitResult {
  /** The logs of each epoch run (training means and validation values). */
  readonly history: readonly Logs[];
  readonly epochsRun: number;
  /** Batches run by this call. */
  readonly steps: number;
  readonly stopped?: Stopped;
  /** The optimizer used (made from a spec, or the one given): the caller disposes it. */
  readonly optimizer: tf.Optimizer;
  readonly objective: Objective;
  /** Training and validation examples. */
  readonly examples: number;
  readonly validationExamples: number;
  /** The layers `freeze` froze (none without it). */
  readonly frozen: Frozen;
}

/** Throws when an option is out of range (before any work). */
function checkOptions(o: FitOptions, n: number): void {
  const int = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!int(o.batchSize, 1))
    throw new RangeError(`batchSize ${o.batchSize}: not a positive integer`);
  if (!int(o.epochs, 1)) throw new RangeError(`epochs ${o.epochs}: not a positive integer`);
  const first = o.initialEpoch ?? 0;
  if (!int(first, 0) || first >= o.epochs)
    throw new RangeError(`initialEpoch ${first}: not an integer in [0, epochs ${o.epochs})`);
  const split = o.validationSplit ?? 0;
  if (!(split >= 0 && split < 1))
    throw new RangeError(`validationSplit ${split}: not a number in [0, 1)`);
  if (split > 0 && o.validationData)
    throw new RangeError('validationSplit and validationData: give one of them');
  if (n < 1) throw new RangeError('no training examples');
}

/**
 * Trains `model` (built from `graph`) on `data`. The model is compiled here with the
 * optimizer and the loss of `options`; neither the model nor the optimizer is disposed.
 */
export async function fit(
  model: tf.LayersModel,
  graph: Graph,
  data: TrainData,
  options: FitOptions,
): Promise<FitResult> {
  const all = exampleCount(graph, data);
  const held = Math.floor(all * (options.validationSplit ?? 0));
  const n = all - held;
  checkOptions(options, n);
  const validation = options.validationData
    ? { data: options.validationData, indices: undefined }
    : held > 0
      ? { data, indices: range(n, held) }
      : undefined;
  const validationExamples = options.validationData
    ? exampleCount(graph, options.validationData)
    : held;

  const objective = makeObjective(graph, options.loss, options.metrics, options.outputKind);
  const optimizer =
    options.optimizer instanceof tf.Optimizer
      ? options.optimizer
      : makeOptimizer(options.optimizer);
  const several = graph.outputs.length > 1;
  fixBatchNormTraining(model);
  const frozen = freezeLayers(model, graph, options.freeze ?? []);
  model.compile({
    optimizer,
    loss: several ? [...objective.lossFns] : objective.lossFns[0],
    // tfjs takes one metric per output by name; training has at most one (accuracy).
    metrics: several
      ? Object.fromEntries(
          model.outputNames.flatMap((name, i) =>
            objective.metricFns[i].slice(0, 1).map((f) => [name, f]),
          ),
        )
      : [...objective.metricFns[0]],
  });

  const hooks = options.hooks === undefined ? [] : [options.hooks].flat();
  const ranges = batchRanges(n, options.batchSize);
  const first = options.initialEpoch ?? 0;
  const ctx: TrainContext = {
    model,
    optimizer,
    graph,
    objective,
    batchesPerEpoch: ranges.length,
    epochs: options.epochs,
    examples: n,
  };
  const seed = options.shuffleSeed ?? Math.floor(Math.random() * 2 ** 32);
  const history: Logs[] = [];
  let steps = 0;
  let stopped: Stopped | undefined;
  const call = async <K extends keyof TrainHooks>(
    name: K,
    ...args: Parameters<NonNullable<TrainHooks[K]>>
  ): Promise<HookResult> => {
    let result: HookResult = undefined;
    for (const h of hooks) {
      const f = h[name] as ((...a: typeof args) => Awaitable<HookResult>) | undefined;
      if (f && (await f.apply(h, args)) === 'stop') result = 'stop';
    }
    return result;
  };

  await call('onTrainBegin', ctx);
  for (let epoch = first; epoch < options.epochs && !stopped; epoch++) {
    await call('onEpochBegin', epoch, ctx);
    const order = options.shuffle === false ? range(0, n) : epochOrder(n, seed, epoch);
    const sums = new Float64Array(objective.names.length);
    let seen = 0;
    for (const [b, [start, end]] of ranges.entries()) {
      const step = epoch * ranges.length + b;
      await call('onBatchBegin', step, epoch, ctx);
      const indices = order.subarray(start, end);
      const x = inputTensors(data, indices);
      const y = targetTensors(graph, data, indices, options.loss);
      let values: number[];
      try {
        const r = await model.trainOnBatch(several || x.length > 1 ? x : x[0], several ? y : y[0]);
        values = Array.isArray(r) ? r : [r];
      } finally {
        tf.dispose([...x, ...y]);
      }
      steps++;
      const size = end - start;
      const logs: BatchLogs = { batch: b, size };
      objective.names.forEach((name, k) => {
        logs[name] = values[k];
        sums[k] += values[k] * size;
      });
      seen += size;
      if (!Number.isFinite(values[0])) {
        stopped = { reason: 'diverged', epoch, batch: b, loss: values[0] };
        break;
      }
      if ((await call('onBatchEnd', step, logs, ctx)) === 'stop') {
        stopped = { reason: 'hook', epoch };
        break;
      }
    }
    if (stopped?.reason === 'diverged') break;
    const logs: Logs = {};
    objective.names.forEach((name, k) => (logs[name] = sums[k] / seen));
    if (validation) {
      const v = evaluateModel(
        model,
        graph,
        validation.data,
        { loss: options.loss, batchSize: options.batchSize, indices: validation.indices },
        objective,
      );
      for (const [k, value] of Object.entries(v.logs)) logs[`val_${k}`] = value;
    }
    history.push(logs);
    if ((await call('onEpochEnd', epoch, logs, ctx)) === 'stop')
      stopped ??= { reason: 'hook', epoch };
  }
  const result: FitResult = {
    history,
    epochsRun: history.length,
    steps,
    stopped,
    optimizer,
    objective,
    examples: n,
    validationExamples,
    frozen,
  };
  await call('onTrainEnd', result, ctx);
  return result;
}
