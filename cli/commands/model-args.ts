/**
 * The tables of the commands that run models on TensorFlow.js (`run`, `train`, `init`). Kept
 * free of TensorFlow.js so that `netc` starts fast: each `run` imports its command (and tfjs)
 * when it runs.
 */
import { UsageError } from '../io.js';
import { defineCommand, parseChoice, parseCommandLine, type OptionTable } from '../table.js';
import { LOSSES, METRICS, OUTPUT_KINDS } from '../../runtime/train/names.js';
import {
  parseSchedule,
  parseWarmup,
  ScheduleSyntaxError,
  type Schedule,
  type Warmup,
} from '../../runtime/train/schedules.js';
import {
  EarlyStopSyntaxError,
  parseEarlyStop,
  type EarlyStopSpec,
} from '../../runtime/train/early-stopping.js';

const EXIT_STATUS = `Exit status: 0 done; 1 FILE does not compile, or the data or weights do not fit the model
(wrong input shape, weights of another model, a loss that became NaN); 2 usage error, or a file
that cannot be read, written or decoded.`;

const WEIGHTS_PATHS = `Weights PATH: a path ending in .safetensors is one safetensors file; any other path is a
folder holding model.json + its weight file (the TensorFlow.js layers format; netc writes
weights.<hash>.bin, named by content, and model.json last, so a crash never leaves a mismatched
pair). Weights match by layer and weight name (dense/kernel...) and shape; on any mismatch
nothing is loaded.`;

const EPILOG = `${WEIGHTS_PATHS}\n\n${EXIT_STATUS}`;

export const BACKENDS = ['wasm', 'cpu'] as const;
export type Backend = (typeof BACKENDS)[number];
export const ENGINES = ['tfjs', 'onnxruntime'] as const;
export type Engine = (typeof ENGINES)[number];
/** `momentum` and `nesterov` are sgd with momentum (default 0.9), heavy-ball or Nesterov's. */
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];
/** The default learning rate of each optimizer (Keras' and PyTorch's usual ones). */
const DEFAULT_LR: Readonly<Record<Optimizer, number>> = {
  sgd: 0.01,
  momentum: 0.01,
  nesterov: 0.01,
  adam: 0.001,
  adamw: 0.001,
  rmsprop: 0.001,
};
export { LOSSES, METRICS, OUTPUT_KINDS } from '../../runtime/train/names.js';
export type {
  LossName as Loss,
  MetricName as Metric,
  OutputKind,
} from '../../runtime/train/names.js';

/** The largest seed (tfjs seeds are 32-bit). */
export const SEED_MAX = 2 ** 32 - 1;
/** The most threads `--threads` takes. */
const THREADS_MAX = 1024;

/** `--input image=x.npy` (name given) or `--input x.npy` (no name). */
export interface Assignment {
  readonly name?: string;
  readonly path: string;
}

/** `NAME=PATH` when the text before the first `=` is an identifier, else a plain path. */
export function parseAssignment(flag: string, text: string): Assignment {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
  const assignment = m ? { name: m[1], path: m[2] } : { path: text };
  if (assignment.path === '')
    throw new UsageError(`--${flag} '${text}' names no file (expected [NAME=]PATH)`);
  return assignment;
}

/** Several `--flag` values: each named, or one unnamed; no name twice. */
function checkAssignments(flag: string, list: readonly Assignment[]): readonly Assignment[] {
  const unnamed = list.filter((a) => a.name === undefined).length;
  if (unnamed > 1 || (unnamed === 1 && list.length > 1)) {
    throw new UsageError(
      `--${flag} is given ${list.length} times: with several, name each one (--${flag} NAME=PATH)`,
    );
  }
  const names = list.map((a) => a.name);
  const twice = names.find((n, i) => n !== undefined && names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--${flag} ${twice}=... is given more than once`);
  return list;
}

/** `--model`, `--backend`: every model command has them. */
const common = (o: OptionTable) => ({
  model: o.string('--model <NAME>', 'the model when FILE defines several'),
  backend: o.choice('--backend <wasm|cpu>', 'the TensorFlow.js backend', BACKENDS, 'wasm'),
});

const threadsOption = (o: OptionTable, what: string) =>
  o.int('--threads <N>', what, { min: 1, max: THREADS_MAX });

/** `--threads` runs on the wasm backend (its thread count) or ONNX Runtime (intra-op threads). */
function checkThreads(threads: number | undefined, backend: Backend, engine: Engine): void {
  if (threads !== undefined && engine === 'tfjs' && backend !== 'wasm') {
    throw new UsageError(
      `--threads applies to --engine onnxruntime or the wasm backend, not --backend ${backend}`,
    );
  }
}

const INPUT_HELP = `one batch of inputs: a .npy array whose FIRST DIM IS THE BATCH, then the dims of the model input (float32; other numeric dtypes are converted). An array without the batch dim is refused: save x[None] for one example. A one-input model takes one --input; a model with several takes NAME=X.npy for each, NAME from its signature. The shapes are checked against the whole model before it runs.`;

const runOptions = (o: OptionTable) => ({
  inputs: o.list('--input <[NAME=]X.npy>', INPUT_HELP, (t) => parseAssignment('input', t), {
    required: true,
  }),
  outputs: o.list(
    '--output <[NAME=]Y.npy>',
    'write an output as a float32 .npy file (atomically); with several outputs, NAME=Y.npy for each one wanted',
    (t) => parseAssignment('output', t),
  ),
  weights: o.string('--weights <PATH>', 'load these weights (see below)'),
  seed: o.int('--seed <N>', 'without --weights: deterministic initial weights (default: random)', {
    min: 0,
    max: SEED_MAX,
    conflicts: 'weights',
  }),
  ...common(o),
  optimize: o.flag(
    '--no-optimize',
    'run the graph as written; by default inference runs the optimized graph (batch norm folded into the conv before it, activations fused, dropout removed), which predicts the same within float rounding',
  ),
  engine: o.choice(
    '--engine <tfjs|onnxruntime>',
    "what runs the model: TensorFlow.js, or ONNX Runtime (onnxruntime-node, an optional dependency, on the CPU): the model is exported to ONNX with the weights (--weights, or those --seed or tfjs's initialisers give on --backend) and run there; same inputs, outputs and report",
    ENGINES,
    'tfjs',
  ),
  threads: threadsOption(
    o,
    "threads: the wasm backend's, or with --engine onnxruntime its intra-op threads (default: the engine's choice)",
  ),
});

const finishRun = (v: ReturnType<typeof runOptions>, files: readonly string[]) => {
  checkThreads(v.threads, v.backend, v.engine);
  return {
    ...v,
    file: files[0],
    inputs: checkAssignments('input', v.inputs),
    outputs: checkAssignments('output', v.outputs),
  };
};

export type RunOptions = ReturnType<typeof finishRun>;

export const runCommand = defineCommand({
  name: 'run',
  summary: 'inference with TensorFlow.js or ONNX Runtime on .npy inputs',
  usage: 'FILE --input [NAME=]X.npy... [options]',
  files: 'one',
  description: `Build FILE's model on TensorFlow.js (or ONNX Runtime: --engine) and run inference on .npy
inputs. Prints each output's shape and a preview (the argmax of each row when an example's
output is a vector, else min, max and mean), and the build and predict times.`,
  epilog: EPILOG,
  options: runOptions,
  finish: finishRun,
  run: async (o, io) => (await import('./run.js')).execRun(o, io),
});

/** Runs a parser of runtime/train whose syntax errors are usage errors. */
function syntax<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ScheduleSyntaxError || e instanceof EarlyStopSyntaxError)
      throw new UsageError(`${flag}: ${e.message}`);
    throw e;
  }
}

/**
 * A scale factor: a positive number or a fraction `A/B` (`1/255`), kept as text for the
 * report.
 */
export function parseScale(flag: string, text: string): { value: number; text: string } {
  const m = /^\s*([0-9.eE+-]+)\s*(?:\/\s*([0-9.eE+-]+)\s*)?$/.exec(text);
  const [a, b] = m ? [Number(m[1]), m[2] === undefined ? 1 : Number(m[2])] : [NaN, NaN];
  const value = a / b;
  if (!Number.isFinite(value) || !(value > 0) || !(b > 0))
    throw new UsageError(`${flag} '${text}' is not a positive number or fraction (e.g. 1/255)`);
  return { value, text: text.trim() };
}

const dataList = (o: OptionTable, flag: 'x' | 'y' | 'val-x' | 'val-y', help: string) =>
  o.list(`--${flag} <[NAME=]${flag.endsWith('x') ? 'X' : 'Y'}.npy>`, help, (t) =>
    parseAssignment(flag, t),
  );

const trainOptions = (o: OptionTable) => ({
  x: o.list(
    '--x <[NAME=]X.npy>',
    "inputs, batch first (as 'netc run --input'; float or uint8, see --x-scale); NAME= is the model's input name when it has several",
    (t) => parseAssignment('x', t),
    { required: true },
  ),
  y: o.list(
    '--y <[NAME=]Y.npy>',
    "targets, batch first; NAME= is the model's output name when it has several",
    (t) => parseAssignment('y', t),
    { required: true },
  ),
  xScale: o.string(
    '--x-scale <F>',
    'multiply the inputs by F as each batch is made (a number or a fraction: 1/255 for uint8 images, which stay uint8 in memory); also applies to --val-x',
  ),
  epochs: o.int('--epochs <N>', 'the epoch to stop after (a resumed run continues to it)', {
    min: 1,
    default: 10,
  }),
  batchSize: o.int('--batch-size <B>', 'examples per step', { min: 1, default: 32 }),
  optimizer: o.choice(
    '--optimizer <sgd|momentum|nesterov|adam|adamw|rmsprop>',
    "the optimizer: momentum and nesterov are sgd with momentum 0.9 (heavy-ball, Nesterov), adamw Adam with decoupled weight decay (PyTorch AdamW), rmsprop TensorFlow's",
    OPTIMIZERS,
    'sgd',
  ),
  lr: o.number(
    '--lr <F>',
    'the base learning rate (default: 0.01 for the sgd family, 0.001 for adam, adamw, rmsprop)',
    { ok: (n) => n > 0, what: 'a positive number' },
  ),
  momentum: o.number(
    '--momentum <F>',
    'momentum in [0, 1) for sgd (heavy-ball), momentum, nesterov (default 0.9) and rmsprop (default 0)',
    { ok: (n) => n >= 0 && n < 1, what: 'a number in [0, 1)' },
  ),
  weightDecay: o.number(
    '--weight-decay <F>',
    "adamw's decoupled weight decay (default 0.01, PyTorch's)",
    { ok: (n) => n >= 0, what: 'a number of 0 or more' },
  ),
  schedule: o.string(
    '--schedule <S>',
    'the learning-rate schedule: constant (default), step:N[:GAMMA] (times GAMMA, default 0.1, every N epochs) or cosine[:MIN] (down to MIN, default 0, at the last epoch)',
  ),
  warmup: o.string(
    '--warmup <K|Ksteps>',
    'a linear warm-up over the first K epochs (or K steps) before the schedule',
  ),
  loss: o.choice(
    '--loss <LOSS>',
    'categorical_crossentropy takes one-hot targets; sparse_categorical_crossentropy class indices ([batch] or [batch, 1])',
    LOSSES,
    'categorical_crossentropy',
  ),
  outputKind: o.choice(
    '--output-kind <auto|logits|probabilities>',
    "what the model's outputs hold, for the cross-entropies: probabilities (the loss clips, then takes the log) or logits (the stable log-softmax or sigmoid-with-logits form); auto: probabilities when an output is produced by a softmax or sigmoid, else logits",
    ['auto', ...OUTPUT_KINDS] as const,
    'auto',
  ),
  metrics: o.list(
    '--metrics <accuracy>',
    'also report the accuracy (repeat or comma-separate for several)',
    (t) => t.split(',').map((m) => parseChoice('--metrics', m.trim(), METRICS)),
  ),
  validationSplit: o.number(
    '--validation-split <F>',
    'hold out the last fraction F in [0, 1) of the examples for validation',
    { ok: (n) => n >= 0 && n < 1, what: 'a number in [0, 1)', default: 0 },
  ),
  valX: dataList(o, 'val-x', 'validation inputs (instead of --validation-split), as --x'),
  valY: dataList(o, 'val-y', 'validation targets, as --y'),
  earlyStopping: o.string(
    '--early-stopping <METRIC:PATIENCE[:min|max]>',
    "stop after PATIENCE epochs without improvement of METRIC (val_loss:3, val_acc:2; acc grows, the rest shrinks) and restore the best epoch's weights",
  ),
  freeze: o.list(
    '--freeze <PATTERN>',
    'freeze the layers whose names match this glob (* any text, ? one character; a block name freezes the block: --freeze base); repeatable. A frozen batch norm runs in inference mode',
    (t) => {
      if (t.trim() === '') throw new UsageError('--freeze needs a layer-name pattern');
      return t;
    },
  ),
  seed: o.int('--seed <N>', 'deterministic initial weights and order of the examples', {
    min: 0,
    max: SEED_MAX,
    conflicts: 'weights',
  }),
  weights: o.string('--weights <PATH>', 'start from these weights'),
  save: o.string(
    '--save <PATH>',
    'where the trained weights go (and PATH.curves.svg, the loss and accuracy curves); without it they are not saved',
  ),
  checkpoint: o.string(
    '--checkpoint <DIR>',
    'after every epoch write DIR/checkpoint.safetensors atomically (weights, optimizer state, epoch, history); default with --save: PATH.checkpoint',
  ),
  resume: o.flag(
    '--resume',
    'continue from the checkpoint (--checkpoint DIR, or beside --save) at the epoch after it; the same options must be given',
  ),
  log: o.string(
    '--log <FILE>',
    'write one record per epoch (figures, lr, seconds, examples/s): CSV when FILE ends in .csv, else JSON Lines',
  ),
  ...common(o),
  threads: threadsOption(o, "the wasm backend's threads (default: its choice)"),
});

/** The checkpoint folder: --checkpoint, else beside --save. */
export function checkpointDir(o: { checkpoint?: string; save?: string }): string | undefined {
  return (
    o.checkpoint ??
    (o.save !== undefined ? `${o.save.replace(/[/\\]+$/, '')}.checkpoint` : undefined)
  );
}

const finishTrain = (v: ReturnType<typeof trainOptions>, files: readonly string[]) => {
  checkThreads(v.threads, v.backend, 'tfjs');
  const sgdFamily =
    v.optimizer === 'sgd' || v.optimizer === 'momentum' || v.optimizer === 'nesterov';
  if (v.momentum !== undefined && !sgdFamily && v.optimizer !== 'rmsprop')
    throw new UsageError(
      `--momentum applies to --optimizer sgd, momentum, nesterov or rmsprop, not ${v.optimizer}`,
    );
  if (v.momentum === 0 && (v.optimizer === 'momentum' || v.optimizer === 'nesterov'))
    throw new UsageError(`--optimizer ${v.optimizer} needs a --momentum above 0`);
  if (v.weightDecay !== undefined && v.optimizer !== 'adamw')
    throw new UsageError(`--weight-decay applies to --optimizer adamw, not ${v.optimizer}`);
  const validationData = v.valX.length > 0 || v.valY.length > 0;
  if (validationData && v.validationSplit > 0)
    throw new UsageError(
      '--validation-split and --val-x/--val-y both give validation data: use one of them',
    );
  if (validationData && (v.valX.length === 0 || v.valY.length === 0))
    throw new UsageError(
      `--${v.valX.length === 0 ? 'val-y' : 'val-x'} needs --${v.valX.length === 0 ? 'val-x' : 'val-y'} too`,
    );
  const checkpoint = checkpointDir(v);
  if (v.resume && checkpoint === undefined)
    throw new UsageError(
      '--resume needs the checkpoint: --checkpoint DIR, or --save PATH (PATH.checkpoint)',
    );
  if (v.resume && v.weights !== undefined)
    throw new UsageError('--resume takes the weights from the checkpoint: drop --weights');
  const schedule: Schedule =
    v.schedule === undefined
      ? { kind: 'constant' }
      : syntax('--schedule', () => parseSchedule(v.schedule!));
  const warmup: Warmup | undefined =
    v.warmup === undefined ? undefined : syntax('--warmup', () => parseWarmup(v.warmup!));
  const earlyStopping: EarlyStopSpec | undefined =
    v.earlyStopping === undefined
      ? undefined
      : syntax('--early-stopping', () => parseEarlyStop(v.earlyStopping!));
  const defaultMomentum = v.optimizer === 'momentum' || v.optimizer === 'nesterov' ? 0.9 : 0;
  return {
    ...v,
    file: files[0],
    x: checkAssignments('x', v.x),
    y: checkAssignments('y', v.y),
    valX: checkAssignments('val-x', v.valX),
    valY: checkAssignments('val-y', v.valY),
    xScale: v.xScale === undefined ? undefined : parseScale('--x-scale', v.xScale),
    lr: v.lr ?? DEFAULT_LR[v.optimizer],
    momentum: v.momentum ?? defaultMomentum,
    metrics: [...new Set(v.metrics.flat())],
    outputKind: v.outputKind === 'auto' ? undefined : v.outputKind,
    schedule,
    warmup,
    earlyStopping,
    checkpoint,
  };
};

export type TrainOptions = ReturnType<typeof finishTrain>;

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train with TensorFlow.js on .npy data (--x, --y, --epochs, --save)',
  usage: 'FILE --x [NAME=]X.npy... --y [NAME=]Y.npy... [options]',
  files: 'one',
  description: `Train FILE's model with TensorFlow.js (one trainOnBatch step per shuffled batch, Keras
semantics: batch statistics and dropout active) and save the weights. One progress line per
epoch (updated in place on a terminal: batches, loss, metrics, examples/s, time left). See
docs/training.md for checkpoints and --resume, schedules, early stopping, the log and the
curves, uint8 inputs and fine-tuning with --freeze.`,
  epilog: EPILOG,
  options: trainOptions,
  finish: finishTrain,
  run: async (o, io) => (await import('./train.js')).execTrain(o, io),
});

const evalOptions = (o: OptionTable) => ({
  weights: o.string('--weights <PATH>', 'the trained weights (see below)', { required: true }),
  x: o.list(
    '--x <[NAME=]X.npy>',
    "inputs, batch first (float or uint8, see --x-scale); NAME= is the model's input name when it has several",
    (t) => parseAssignment('x', t),
    { required: true },
  ),
  y: o.list(
    '--y <[NAME=]Y.npy>',
    "targets, batch first: class indices or one-hot rows for a classifier; NAME= is the model's output name when it has several",
    (t) => parseAssignment('y', t),
    { required: true },
  ),
  xScale: o.string('--x-scale <F>', 'multiply the inputs by F (a number or a fraction: 1/255)'),
  loss: o.choice(
    '--loss <auto|LOSS>',
    'the loss to report; auto: sparse_categorical_crossentropy for class indices, categorical_crossentropy for one-hot rows, binary_crossentropy for 0/1 targets of a one-unit output, else mse',
    ['auto', ...LOSSES] as const,
    'auto',
  ),
  outputKind: o.choice(
    '--output-kind <auto|logits|probabilities>',
    "what the model's outputs hold (as for netc train)",
    ['auto', ...OUTPUT_KINDS] as const,
    'auto',
  ),
  batchSize: o.int('--batch-size <B>', 'examples per batch', { min: 1, default: 32 }),
  format: o.choice(
    '--format <text|json>',
    'a terminal report, or JSON for CI',
    ['text', 'json'] as const,
    'text',
  ),
  ...common(o),
  threads: threadsOption(o, "the wasm backend's threads (default: its choice)"),
});

const finishEval = (v: ReturnType<typeof evalOptions>, files: readonly string[]) => {
  checkThreads(v.threads, v.backend, 'tfjs');
  return {
    ...v,
    file: files[0],
    x: checkAssignments('x', v.x),
    y: checkAssignments('y', v.y),
    xScale: v.xScale === undefined ? undefined : parseScale('--x-scale', v.xScale),
    loss: v.loss === 'auto' ? undefined : v.loss,
    outputKind: v.outputKind === 'auto' ? undefined : v.outputKind,
  };
};

export type EvalOptions = ReturnType<typeof finishEval>;

export const evalCommand = defineCommand({
  name: 'eval',
  summary:
    'loss, accuracy, per-class accuracy and confusion matrix on .npy data (--weights, --x, --y)',
  usage: 'FILE --weights PATH --x [NAME=]X.npy... --y [NAME=]Y.npy... [options]',
  files: 'one',
  description: `Evaluate FILE's model with trained weights on .npy data in inference mode (moving batch-norm
statistics, no dropout), one batch at a time: the loss and, for a classifier, the accuracy,
each class's examples, correct predictions and accuracy, and the confusion matrix. --format
json prints the same as one JSON object.`,
  epilog: EPILOG,
  options: evalOptions,
  finish: finishEval,
  run: async (o, io) => (await import('./eval.js')).execEval(o, io),
});

const initOptions = (o: OptionTable) => ({
  seed: o.int('--seed <N>', 'a non-negative integer', { min: 0, max: SEED_MAX, required: true }),
  save: o.string('--save <PATH>', 'where the weights go (see below)', { required: true }),
  ...common(o),
});

function finishInit(v: ReturnType<typeof initOptions>, files: readonly string[]) {
  return { ...v, file: files[0] };
}

export type InitOptions = ReturnType<typeof finishInit>;

export const initCommand = defineCommand({
  name: 'init',
  summary: 'save freshly initialised weights (--seed N --save PATH)',
  usage: 'FILE --seed N --save PATH [options]',
  files: 'one',
  description: `Build FILE's model with deterministic initial weights (Glorot-uniform kernels drawn from seed
N, zero biases, batch norm at identity) and save them.`,
  epilog: EPILOG,
  options: initOptions,
  finish: finishInit,
  run: async (o, io) => (await import('./init.js')).execInit(o, io),
});

/** `netc run ARGV` parsed (for tests and tools). */
export const parseRunArgs = (argv: readonly string[]): RunOptions =>
  parseCommandLine(runCommand, argv);
/** `netc train ARGV` parsed. */
export const parseTrainArgs = (argv: readonly string[]): TrainOptions =>
  parseCommandLine(trainCommand, argv);
