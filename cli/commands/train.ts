/**
 * `netc train`: reads and checks the `.npy` inputs and targets (uint8 kept as stored, scaled
 * per batch by --x-scale), trains with the runtime's loop (runtime/train/fit.ts) and its hooks
 * (runtime/train/callbacks.ts: schedule, records, early stopping, checkpoints, log) with a
 * progress line per epoch, then saves the weights and the curves. Its table is in
 * model-args.ts, which imports this module lazily, since it loads TensorFlow.js.
 */
import type { Graph, GraphPort } from '../../compiler/ir/graph.js';
import { escapeText } from '../../compiler/util/escape.js';
import type { NpyExamples } from '../../io/npy.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { describeWeights } from '../../io/weights-file.js';
import { buildModel } from '../../runtime/build-model.js';
import { memoryError } from '../errors.js';
import { DataError, FileError, UsageError, type Output } from '../io.js';
import { TrainingProgress } from '../progress.js';
import type { Loss, TrainOptions } from './model-args.js';
import type { ExampleArray } from '../../runtime/train/batches.js';
import { movingStatsWarmup, warmupNote } from '../../runtime/train/bn-warmup.js';
import {
  checkpointHook,
  earlyStoppingHook,
  logHook,
  recordHook,
  scheduleHook,
} from '../../runtime/train/callbacks.js';
import {
  CheckpointError,
  readCheckpoint,
  restoreCheckpoint,
  type Checkpoint,
  type EpochRecord,
} from '../../runtime/train/checkpoint.js';
import { renderCurves } from '../../runtime/train/curves-svg.js';
import {
  EarlyStopping,
  EarlyStopSyntaxError,
  type EarlyStopState,
} from '../../runtime/train/early-stopping.js';
import { fit, type TrainHooks } from '../../runtime/train/fit.js';
import { FreezeError, frozenNodes } from '../../runtime/train/freeze.js';
import type { LossChoice } from '../../runtime/train/losses.js';
import { makeObjective } from '../../runtime/train/objective.js';
import { createOptimizer, type TrainingOptimizer } from '../../runtime/train/optimizers.js';
import { checkPlan, describePlan, ScheduleSyntaxError } from '../../runtime/train/schedules.js';
import {
  bindPorts,
  checkBatches,
  compileModel,
  duration,
  inputsFit,
  readArray,
  startBackend,
  type BoundArray,
} from './model-support.js';
import { checkWritable, type NamedPath } from './output-paths.js';
import { checkSavePath, loadWeightsFrom, saveWeightsTo } from './weights.js';

type Bound = BoundArray<NpyExamples>;

/**
 * Checks a target batch for an output under the loss; returns it in the shape tfjs wants:
 * the output's shape for most losses, and for sparse categorical cross-entropy the output's
 * shape with the class dim replaced by 1, holding class indices in [0, classes).
 */
export function checkTarget(port: GraphPort, bound: Bound, loss: Loss): Bound {
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
  const fake = {
    ...bound,
    port: { ...port, shape: base },
    array: { ...bound.array, shape: trimmed },
  };
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
  return { ...bound, array: { ...bound.array, shape: [...trimmed, 1] } };
}

/** `loss categorical_crossentropy from logits (output 'y' is produced by dense, ...)` */
export function describeLoss(
  o: { loss: Loss; outputKind?: string },
  choices: readonly LossChoice[],
): string {
  const forms = new Set(choices.map((c) => c.form));
  if (o.loss === 'mse' || forms.size === 0) return `loss ${o.loss}`;
  const form = (f: string) => (f === 'logits' ? 'from logits' : 'on probabilities');
  if (o.outputKind) return `loss ${o.loss} ${form(o.outputKind)} (--output-kind ${o.outputKind})`;
  return `loss ${o.loss} ${choices.map((c) => `${form(c.form)} (${c.reason})`).join('; ')}`;
}

/** The data arrays as the training loop takes them (`scale` on the inputs: --x-scale). */
export const examples = (arrays: readonly Bound[], scale?: number): ExampleArray[] =>
  arrays.map((b) => ({ shape: b.array.shape, data: b.array.data, ...(scale ? { scale } : {}) }));

/** The curves' file beside the saved weights: `w.safetensors` -> `w.curves.svg`. */
export const curvesPath = (save: string): string =>
  `${save.replace(/[/\\]+$/, '').replace(/\.safetensors$/i, '')}.curves.svg`;

/** Reads the arrays bound to ports, uint8 kept as stored. */
export async function readExamples(
  ports: readonly GraphPort[],
  bound: readonly ({ path: string } | undefined)[],
): Promise<Bound[]> {
  const out: Bound[] = [];
  for (const [i, a] of bound.entries())
    out.push({ port: ports[i], path: a!.path, array: await readArray(a!.path, true) });
  return out;
}

/** Inputs and targets, checked against the model and against each other; the example count. */
export async function readData(
  graph: Graph,
  loss: Loss | ((ys: readonly Bound[]) => Loss),
  x: readonly ({ path: string } | undefined)[],
  y: readonly ({ path: string } | undefined)[],
): Promise<{ xs: Bound[]; ys: Bound[]; n: number; loss: Loss }> {
  const xs = await readExamples(graph.inputs, x);
  const raw = await readExamples(graph.outputs, y);
  const chosen = typeof loss === 'function' ? loss(raw) : loss;
  const ys = raw.map((b) => checkTarget(b.port, b, chosen));
  const n = checkBatches('input', xs);
  for (const t of ys) {
    if (t.array.shape[0] !== n) {
      throw new DataError(
        `${n} examples in the inputs (${xs[0].path}) but ${t.array.shape[0]} targets in ${t.path}`,
      );
    }
  }
  return { xs, ys, n, loss: chosen };
}

/** `x uint8 x 1/255`, `x float32`: what the inputs are and how they are scaled. */
function describeInputs(xs: readonly Bound[], o: TrainOptions): string {
  const parts = xs.map((b) => {
    const name = xs.length > 1 ? `${b.port.name} ` : 'inputs ';
    const scale = o.xScale
      ? ` x ${o.xScale.text}`
      : b.array.dtype === 'uint8'
        ? ' unscaled (see --x-scale)'
        : '';
    return `${name}${b.array.dtype}${scale}`;
  });
  return parts.join(', ');
}

/** The options a checkpoint must have been written with to be resumed. */
function resumeOptions(o: TrainOptions, n: number): Record<string, string | number | boolean> {
  return {
    optimizer: o.optimizer,
    lr: o.lr,
    momentum: o.momentum,
    weight_decay: o.weightDecay ?? 'default',
    schedule:
      o.schedule.kind === 'constant'
        ? 'constant'
        : describePlan({ base: o.lr, schedule: o.schedule }),
    warmup: o.warmup ? `${o.warmup.length} ${o.warmup.unit}` : 'none',
    // A cosine schedule runs to the last epoch: the run's length is part of it.
    ...(o.schedule.kind === 'cosine' ? { epochs: o.epochs } : {}),
    loss: o.loss,
    output_kind: o.outputKind ?? 'auto',
    batch_size: o.batchSize,
    examples: n,
    validation: o.valX.length > 0 ? 'data' : o.validationSplit,
    freeze: o.freeze.join(' '),
    x_scale: o.xScale?.text ?? 1,
  };
}

/** The checkpoint to resume from, or a located error. */
async function resumeFrom(
  dir: string,
  graph: Graph,
  options: Record<string, string | number | boolean>,
  o: TrainOptions,
): Promise<Checkpoint> {
  let cp: Checkpoint;
  try {
    cp = await readCheckpoint(dir, graph, options);
  } catch (e) {
    if (e instanceof CheckpointError) {
      if (e.kind === 'unreadable') throw new FileError(e.message);
      throw new DataError(e.message);
    }
    throw e;
  }
  if (cp.epoch >= o.epochs) {
    throw new DataError(
      `${cp.path} holds ${cp.epoch} epoch${cp.epoch === 1 ? '' : 's'} already: give --epochs above ${cp.epoch} to train on`,
    );
  }
  const seed = cp.extra?.shuffleSeed;
  if (o.seed !== undefined && seed !== o.seed) {
    throw new DataError(
      `${cp.path} was written with --seed ${String(seed ?? '(none)')}, not ${o.seed}: resume with the same seed (or none)`,
    );
  }
  return cp;
}

export async function execTrain(o: TrainOptions, io: Output): Promise<number> {
  const start = performance.now();
  const sources: NamedPath[] = [];
  const graph = compileModel(io, o.file, o.model, sources);
  if (!graph) return 1;
  const compiled = performance.now();
  try {
    frozenNodes(graph, o.freeze);
  } catch (e) {
    if (e instanceof FreezeError) throw new UsageError(e.message);
    throw e;
  }
  const xBound = bindPorts('x', 'input', graph.inputs, o.x, true);
  const yBound = bindPorts('y', 'output', graph.outputs, o.y, true);
  const validationGiven = o.valX.length > 0;
  const vxBound = validationGiven ? bindPorts('val-x', 'input', graph.inputs, o.valX, true) : [];
  const vyBound = validationGiven ? bindPorts('val-y', 'output', graph.outputs, o.valY, true) : [];
  const inputs: NamedPath[] = [
    ...sources,
    ...(o.weights !== undefined ? [{ path: o.weights, what: '--weights' }] : []),
    ...[...o.x, ...o.valX].map((a) => ({ path: a.path, what: '--x' })),
    ...[...o.y, ...o.valY].map((a) => ({ path: a.path, what: '--y' })),
  ];
  if (o.save) await checkSavePath(o.save, inputs);
  if (o.log) checkWritable(o.log);
  if (o.save) checkWritable(curvesPath(o.save));

  const { xs, ys, n } = await readData(graph, o.loss, xBound, yBound);
  const validation = validationGiven ? await readData(graph, o.loss, vxBound, vyBound) : undefined;
  const nTrain = validation ? n : Math.floor(n * (1 - o.validationSplit));
  if (o.validationSplit > 0 && (nTrain < 1 || nTrain === n)) {
    throw new DataError(
      `--validation-split ${o.validationSplit} of ${n} examples leaves ${nTrain} to train on and ${n - nTrain} to validate: both need at least one`,
    );
  }
  if (!inputsFit(io, graph, xs)) return 1;
  if (validation && !inputsFit(io, graph, validation.xs)) return 1;
  try {
    checkPlan({ base: o.lr, schedule: o.schedule, warmup: o.warmup }, o.epochs);
  } catch (e) {
    if (e instanceof ScheduleSyntaxError) throw new UsageError(e.message);
    throw e;
  }
  const checkpoint = o.checkpoint;
  const options = resumeOptions(o, nTrain);

  const t0 = performance.now();
  const backend = await startBackend(o.backend, o.threads);
  const model = buildModel(graph, { seed: o.seed });
  let optimizer: TrainingOptimizer | undefined;
  try {
    const loaded = o.weights ? await loadWeightsFrom(model, graph, o.weights) : undefined;
    const name = o.optimizer === 'momentum' || o.optimizer === 'nesterov' ? 'sgd' : o.optimizer;
    optimizer = createOptimizer({
      name,
      lr: o.lr,
      momentum: o.momentum,
      nesterov: o.optimizer === 'nesterov',
      weightDecay: o.weightDecay,
    });
    const resumed = o.resume ? await resumeFrom(checkpoint!, graph, options, o) : undefined;
    if (resumed) await restoreCheckpoint(resumed, graph, model, optimizer.optimizer);
    const shuffleSeed =
      typeof resumed?.extra?.shuffleSeed === 'number'
        ? resumed.extra.shuffleSeed
        : (o.seed ?? Math.floor(Math.random() * 2 ** 32));
    const objective = makeObjective(graph, o.loss, o.metrics, o.outputKind);
    const t1 = performance.now();
    const held = validation ? validation.n : n - nTrain;
    const weights = resumed
      ? `weights from ${escapeText(resumed.path)} (epoch ${resumed.epoch})`
      : escapeText(describeWeights(o, loaded));
    io.out(`model    ${graph.name} (${escapeText(o.file)}) on ${backend}, ${weights}`);
    const validated = held > 0 ? ` + ${held} for validation${validation ? ' (--val-x)' : ''}` : '';
    io.out(
      `data     ${nTrain} examples${validated}, batch ${o.batchSize}, ${optimizer.describe()}, ${describeLoss(o, objective.choices)}`,
    );
    if (xs.some((b) => b.array.dtype !== 'float32') || o.xScale)
      io.out(`inputs   ${describeInputs(xs, o)}`);
    if (o.schedule.kind !== 'constant' || o.warmup)
      io.out(`schedule ${describePlan({ base: o.lr, schedule: o.schedule, warmup: o.warmup })}`);
    io.out(`build    ${duration(compiled - start + t1 - t0)}`);

    const records: EpochRecord[] = [...(resumed?.history ?? [])];
    const watch = o.earlyStopping
      ? new EarlyStopping(
          o.earlyStopping,
          resumed?.extra?.earlyStopping as EarlyStopState | undefined,
        )
      : undefined;
    if (watch) {
      const names = objective.names;
      try {
        watch.check([...names, ...(held > 0 ? names.map((k) => `val_${k}`) : [])]);
      } catch (e) {
        if (e instanceof EarlyStopSyntaxError) throw new UsageError(e.message);
        throw e;
      }
    }
    const stopper = watch ? earlyStoppingHook(watch, graph, resumed?.best) : undefined;
    const batches = Math.ceil(nTrain / o.batchSize);
    const progress = new TrainingProgress(io, o.epochs, batches);
    const hooks: TrainHooks[] = [
      {
        onEpochBegin: (epoch) => progress.epochBegin(epoch),
        onBatchEnd: (_step, logs) => progress.batchEnd(logs.batch, logs),
        onEpochEnd: (_epoch, logs) => progress.epochEnd(logs),
      },
      scheduleHook(optimizer, { base: o.lr, schedule: o.schedule, warmup: o.warmup }),
      recordHook(records, optimizer),
      ...(stopper ? [stopper] : []),
      ...(checkpoint
        ? [
            checkpointHook(graph, {
              dir: checkpoint,
              options,
              records,
              extra: () => ({ shuffleSeed, ...(watch ? { earlyStopping: watch.state } : {}) }),
              best: stopper?.best,
            }),
          ]
        : []),
      ...(o.log ? [logHook(o.log, records)] : []),
    ];
    const scale = o.xScale?.value;
    const result = await fit(
      model,
      graph,
      { x: examples(xs, scale), y: examples(ys) },
      {
        loss: o.loss,
        outputKind: o.outputKind,
        metrics: o.metrics,
        epochs: o.epochs,
        initialEpoch: resumed?.epoch ?? 0,
        batchSize: o.batchSize,
        optimizer: optimizer.optimizer,
        shuffleSeed,
        ...(validation
          ? { validationData: { x: examples(validation.xs, scale), y: examples(validation.ys) } }
          : { validationSplit: o.validationSplit }),
        freeze: o.freeze,
        hooks,
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
    const from = resumed
      ? ` (epochs ${resumed.epoch + 1}-${resumed.epoch + epochs} of ${o.epochs})`
      : '';
    io.out(
      `trained  ${epochs} epoch${epochs === 1 ? '' : 's'}${from} in ${duration(t2 - t1)} (${duration((t2 - t1) / Math.max(1, epochs))} per epoch)`,
    );
    if (result.frozen.layers.length > 0) {
      const k = result.frozen.layers.length;
      io.out(
        `frozen   ${k} layer${k === 1 ? '' : 's'} (${result.frozen.params.toLocaleString('en-US')} parameters) matching ${o.freeze.map((p) => `'${escapeText(p)}'`).join(', ')}`,
      );
    }
    const first = records[0]?.loss;
    const last = records[records.length - 1]?.loss;
    if (first !== undefined && last !== undefined && records.length > 1)
      io.out(`loss     ${first.toFixed(4)} -> ${last.toFixed(4)}`);
    if (watch && stopper) {
      const lastEpoch = records.length;
      const restored = stopper.restore(model, lastEpoch);
      const best = `best ${watch.spec.metric} ${watch.bestValue?.toFixed(4) ?? 'none'} at epoch ${watch.bestEpoch}`;
      const why =
        stopped?.reason === 'hook'
          ? `stopped after epoch ${lastEpoch}: ${watch.describeStop()}; `
          : '';
      const what =
        restored !== undefined
          ? `; restored the weights of epoch ${restored}`
          : lastEpoch === watch.bestEpoch
            ? ' (the last epoch: its weights are kept)'
            : '';
      io.out(`early    ${why}${best}${what}`);
    }
    const note = warmupNote(movingStatsWarmup(graph, records.length * batches));
    if (note) io.out(`note     ${note}`);
    if (checkpoint)
      io.out(`state    checkpoint in ${escapeText(checkpoint)} after epoch ${records.length}`);
    if (o.log)
      io.out(
        `log      ${escapeText(o.log)} (${records.length} epoch${records.length === 1 ? '' : 's'})`,
      );
    if (o.save) {
      const format = await saveWeightsTo(model, graph, o.save);
      io.out(`saved    weights to ${escapeText(o.save)} (${format})`);
      const curves = curvesPath(o.save);
      await writeFileAtomic(curves, renderCurves(records, { model: graph.name }));
      io.out(`curves   ${escapeText(curves)}`);
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
