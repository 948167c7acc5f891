/**
 * The tables of the commands that run models on TensorFlow.js (`run`, `train`, `init`). Kept
 * free of TensorFlow.js so that `netc` starts fast: each `run` imports its command (and tfjs)
 * when it runs.
 */
import { UsageError } from '../io.js';
import { defineCommand, parseChoice, parseCommandLine, type OptionTable } from '../table.js';
import { LOSSES, METRICS, OUTPUT_KINDS } from '../../runtime/train/names.js';

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
export const OPTIMIZERS = ['sgd', 'adam'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];
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

const trainOptions = (o: OptionTable) => ({
  x: o.list(
    '--x <[NAME=]X.npy>',
    "inputs, batch first (as 'netc run --input'); NAME= is the model's input name when it has several",
    (t) => parseAssignment('x', t),
    { required: true },
  ),
  y: o.list(
    '--y <[NAME=]Y.npy>',
    "targets, batch first; NAME= is the model's output name when it has several",
    (t) => parseAssignment('y', t),
    { required: true },
  ),
  epochs: o.int('--epochs <N>', 'passes over the data', { min: 1, default: 10 }),
  batchSize: o.int('--batch-size <B>', 'examples per step', { min: 1, default: 32 }),
  optimizer: o.choice('--optimizer <sgd|adam>', 'the optimizer', OPTIMIZERS, 'sgd'),
  lr: o.number('--lr <F>', 'learning rate (default: 0.01 for sgd, 0.001 for adam)', {
    ok: (n) => n > 0,
    what: 'a positive number',
  }),
  momentum: o.number('--momentum <F>', 'sgd momentum in [0, 1) (default: 0)', {
    ok: (n) => n >= 0 && n < 1,
    what: 'a number in [0, 1)',
  }),
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
    'hold out the last fraction F in [0, 1) of the examples',
    { ok: (n) => n >= 0 && n < 1, what: 'a number in [0, 1)', default: 0 },
  ),
  seed: o.int('--seed <N>', 'deterministic initial weights and order of the examples', {
    min: 0,
    max: SEED_MAX,
    conflicts: 'weights',
  }),
  weights: o.string('--weights <PATH>', 'start from these weights'),
  save: o.string('--save <PATH>', 'where the trained weights go; without it they are not saved'),
  ...common(o),
  threads: threadsOption(o, "the wasm backend's threads (default: its choice)"),
});

const finishTrain = (v: ReturnType<typeof trainOptions>, files: readonly string[]) => {
  checkThreads(v.threads, v.backend, 'tfjs');
  if (v.momentum !== undefined && v.optimizer !== 'sgd')
    throw new UsageError(`--momentum applies to --optimizer sgd, not ${v.optimizer}`);
  return {
    ...v,
    file: files[0],
    x: checkAssignments('x', v.x),
    y: checkAssignments('y', v.y),
    lr: v.lr ?? (v.optimizer === 'sgd' ? 0.01 : 0.001),
    momentum: v.momentum ?? 0,
    metrics: [...new Set(v.metrics.flat())],
    outputKind: v.outputKind === 'auto' ? undefined : v.outputKind,
  };
};

export type TrainOptions = ReturnType<typeof finishTrain>;

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train with TensorFlow.js on .npy data (--x, --y, --epochs, --save)',
  usage: 'FILE --x [NAME=]X.npy... --y [NAME=]Y.npy... [options]',
  files: 'one',
  description: `Train FILE's model with TensorFlow.js (one trainOnBatch step per shuffled batch) and save the
weights. One progress line per epoch (updated in place on a terminal: batches, loss, metrics,
time left).`,
  epilog: EPILOG,
  options: trainOptions,
  finish: finishTrain,
  run: async (o, io) => (await import('./train.js')).execTrain(o, io),
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
