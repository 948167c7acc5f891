/**
 * Help texts and command-line parsing for the commands that run models on TensorFlow.js
 * (`run`, `train`, `init`). Kept free of TensorFlow.js so that `netc` starts fast: cli/main.ts
 * parses the options with this module, then imports the command itself (and tfjs) lazily.
 * Every problem with the command line is a `UsageError` (exit 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../io.js';

const EXIT_STATUS = `Exit status: 0 done; 1 FILE does not compile, or the data or weights do not fit the model
(wrong input shape, weights of another model, a loss that became NaN); 2 usage error, or a file
that cannot be read, written or decoded.`;

const WEIGHTS_PATHS = `Weights PATH: a path ending in .safetensors is one safetensors file; any other path is a
folder holding model.json + weights.bin (the TensorFlow.js layers format). Weights match by
layer and weight name (dense/kernel...) and shape; on any mismatch nothing is loaded.`;

export const runHelp = `usage: netc run FILE --input [NAME=]X.npy... [--output [NAME=]OUT.npy...]
                [--weights PATH] [--seed N] [--backend wasm|cpu] [--no-optimize] [--model NAME]
                [--engine tfjs|onnxruntime] [--threads N]

Build FILE's model on TensorFlow.js (or ONNX Runtime: --engine) and run inference on .npy inputs. Prints each output's
shape and a preview (the argmax of each row when an example's output is a vector, else min,
max and mean), and the build and predict times.

  --input [NAME=]X.npy    one batch of inputs: a .npy array whose FIRST DIM IS THE BATCH,
                          then the dims of the model input (float32; other numeric dtypes are
                          converted). An array without the batch dim is refused: save x[None]
                          for one example. A one-input model takes one --input; a model with
                          several takes NAME=X.npy for each, NAME from its signature.
                          The shapes are checked against the whole model before it runs.
  --output [NAME=]Y.npy   write an output as a float32 .npy file (atomically); with several
                          outputs, NAME=Y.npy for each one wanted
  --weights PATH          load these weights (see below)
  --seed N                without --weights: deterministic initial weights (default: random)
  --backend wasm|cpu      the TensorFlow.js backend (default: wasm)
  --no-optimize           run the graph as written; by default inference runs the optimized
                          graph (batch norm folded into the conv before it, activations fused,
                          dropout removed), which predicts the same within float rounding
  --model NAME            the model to run when FILE defines several
  --engine tfjs|onnxruntime
                          what runs the model: TensorFlow.js (the default), or ONNX Runtime
                          (onnxruntime-node, an optional dependency, on the CPU): the model is
                          exported to ONNX with the weights (--weights, or those --seed or
                          tfjs's initialisers give on --backend) and run there; same inputs,
                          outputs and report
  --threads N             wasm's threads (default: one per core; one where threads cannot
                          start, with the reason); with --engine onnxruntime its intra-op
                          threads (default: its choice)

${WEIGHTS_PATHS}

${EXIT_STATUS}`;

export const trainHelp = `usage: netc train FILE --x [NAME=]X.npy... --y [NAME=]Y.npy... [--epochs N] [--batch-size B]
                  [--optimizer sgd|adam] [--lr F] [--momentum F] [--loss LOSS] [--metrics accuracy]
                  [--validation-split F] [--seed N] [--weights PATH] [--save PATH]
                  [--backend wasm|cpu] [--threads N] [--model NAME]

Train FILE's model with TensorFlow.js (model.fit) and save the weights. One progress line per
epoch (updated in place on a terminal: batches, loss, metrics, time left).

  --x, --y [NAME=]A.npy   inputs and targets, batch first (as 'netc run --input'); NAME= is the
                          model's input (--x) or output (--y) name when it has several
  --epochs N              passes over the data (default: 10)
  --batch-size B          examples per step (default: 32)
  --optimizer sgd|adam    default sgd
  --lr F                  learning rate (default: 0.01 for sgd, 0.001 for adam)
  --momentum F            sgd momentum in [0, 1) (default: 0)
  --loss LOSS             categorical_crossentropy (the default; one-hot targets),
                          sparse_categorical_crossentropy (targets are class indices, [batch]
                          or [batch, 1]), binary_crossentropy or mse
  --metrics accuracy      also report the accuracy (repeat or comma-separate for several)
  --validation-split F    hold out the last fraction F in [0, 1) of the examples (default: 0)
  --seed N                deterministic initial weights (shuffling stays random)
  --weights PATH          start from these weights (not with --seed)
  --save PATH             where the trained weights go; without it they are not saved
  --backend wasm|cpu      the TensorFlow.js backend (default: wasm)
  --threads N             wasm's threads (default: one per core; one where threads cannot
                          start, with the reason)
  --model NAME            the model to train when FILE defines several

${WEIGHTS_PATHS}

${EXIT_STATUS}`;

export const initHelp = `usage: netc init FILE --seed N --save PATH [--backend wasm|cpu] [--model NAME]

Build FILE's model with deterministic initial weights (Glorot-uniform kernels drawn from seed
N, zero biases, batch norm at identity) and save them.

  --seed N                a non-negative integer
  --save PATH             where the weights go (see below)
  --backend wasm|cpu      the TensorFlow.js backend (default: wasm)
  --model NAME            the model when FILE defines several

${WEIGHTS_PATHS}

${EXIT_STATUS}`;

export type Backend = 'wasm' | 'cpu';
export type Engine = 'tfjs' | 'onnxruntime';
export type Optimizer = 'sgd' | 'adam';
export type Loss =
  'categorical_crossentropy' | 'sparse_categorical_crossentropy' | 'binary_crossentropy' | 'mse';
export type Metric = 'accuracy';

/** `--input image=x.npy` (name given) or `--input x.npy` (no name). */
export interface Assignment {
  readonly name?: string;
  readonly path: string;
}

interface Common {
  readonly file: string;
  readonly model?: string;
  readonly backend: Backend;
}

export interface RunOptions extends Common {
  readonly inputs: readonly Assignment[];
  readonly outputs: readonly Assignment[];
  readonly weights?: string;
  readonly seed?: number;
  /** Run the inference-optimized graph (default true; `--no-optimize`). */
  readonly optimize: boolean;
  /** What runs the model (`--engine`, default tfjs). */
  readonly engine: Engine;
  /** wasm's threads, or ONNX Runtime's intra-op threads (`--threads`; not with cpu). */
  readonly threads?: number;
}

export interface TrainOptions extends Common {
  readonly x: readonly Assignment[];
  readonly y: readonly Assignment[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: Optimizer;
  readonly lr: number;
  readonly momentum: number;
  readonly loss: Loss;
  readonly metrics: readonly Metric[];
  /** wasm's threads (`--threads`; default: one per core). */
  readonly threads?: number;
  readonly validationSplit: number;
  readonly seed?: number;
  readonly weights?: string;
  readonly save?: string;
}

export interface InitOptions extends Common {
  readonly seed: number;
  readonly save: string;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict parsing: unknown options and missing values are errors (node's ERR_PARSE_ARGS_*, exit
 * 2 in main), and so is an option given twice unless it is `multiple`.
 */
function parse(command: string, argv: string[], options: Options) {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
    tokens: true,
    options,
  });
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option' || options[t.name]?.multiple) continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} is given more than once`);
    seen.add(t.name);
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? `netc ${command} needs a FILE`
        : `netc ${command} takes one FILE, found ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  return {
    values: values as Record<string, string | boolean | string[] | undefined>,
    file: positionals[0],
  };
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, found '${value}'`);
}

/** A whole number in [min, max], written as digits. */
export function parseInteger(flag: string, value: string, min: number, max: number): number {
  const n = /^\+?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new UsageError(`--${flag} must be ${range}, found '${value}'`);
  }
  return n;
}

/** A finite decimal number accepted by `ok` (described by `what`). */
export function parseNumber(
  flag: string,
  value: string,
  ok: (n: number) => boolean,
  what: string,
): number {
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(n) || !ok(n))
    throw new UsageError(`--${flag} must be ${what}, found '${value}'`);
  return n;
}

const SEED_MAX = 2 ** 32 - 1;

function seedOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseInteger('seed', value, 0, SEED_MAX);
}

/** `NAME=PATH` when the text before the first `=` is an identifier, else a plain path. */
export function parseAssignment(flag: string, text: string): Assignment {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
  const assignment = m ? { name: m[1], path: m[2] } : { path: text };
  if (assignment.path === '')
    throw new UsageError(`--${flag} '${text}' names no file (expected [NAME=]PATH)`);
  return assignment;
}

function assignments(flag: string, values: string[] | undefined, required: boolean): Assignment[] {
  const list = (values ?? []).map((v) => parseAssignment(flag, v));
  if (required && list.length === 0) throw new UsageError(`--${flag} is required`);
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

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value === '') throw new UsageError(`--${flag} needs a non-empty value`);
  return value;
}

const common = {
  model: { type: 'string' },
  backend: { type: 'string' },
} as const satisfies Options;

function commonOf(
  values: Record<string, string | boolean | string[] | undefined>,
  file: string,
): Common {
  return {
    file,
    model: nonEmpty('model', values.model as string | undefined),
    backend: oneOf('backend', values.backend as string | undefined, ['wasm', 'cpu'], 'wasm'),
  };
}

/** `--threads N`: for wasm or onnxruntime (the cpu backend has one thread). */
function threadsOf(text: string | undefined, backend: Backend, engine: Engine): number | undefined {
  if (text === undefined) return undefined;
  if (engine !== 'onnxruntime' && backend !== 'wasm')
    throw new UsageError('--threads applies to --backend wasm or --engine onnxruntime');
  return parseInteger('threads', text, 1, 1024);
}

export function parseRunArgs(argv: string[]): RunOptions {
  const { values, file } = parse('run', argv, {
    ...common,
    input: { type: 'string', multiple: true },
    output: { type: 'string', multiple: true },
    weights: { type: 'string' },
    seed: { type: 'string' },
    optimize: { type: 'boolean' },
    engine: { type: 'string' },
    threads: { type: 'string' },
  });
  const engine = oneOf(
    'engine',
    values.engine as string | undefined,
    ['tfjs', 'onnxruntime'],
    'tfjs',
  );
  const common_ = commonOf(values, file);
  const threads = threadsOf(values.threads as string | undefined, common_.backend, engine);
  const weights = nonEmpty('weights', values.weights as string | undefined);
  const seed = seedOf(values.seed as string | undefined);
  if (weights !== undefined && seed !== undefined)
    throw new UsageError('--seed sets initial weights: it cannot go with --weights');
  return {
    ...common_,
    inputs: assignments('input', values.input as string[] | undefined, true),
    outputs: assignments('output', values.output as string[] | undefined, false),
    weights,
    seed,
    optimize: values.optimize !== false,
    engine,
    threads,
  };
}

const LOSSES: readonly Loss[] = [
  'categorical_crossentropy',
  'sparse_categorical_crossentropy',
  'binary_crossentropy',
  'mse',
];

export function parseTrainArgs(argv: string[]): TrainOptions {
  const { values, file } = parse('train', argv, {
    ...common,
    x: { type: 'string', multiple: true },
    y: { type: 'string', multiple: true },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    optimizer: { type: 'string' },
    lr: { type: 'string' },
    momentum: { type: 'string' },
    loss: { type: 'string' },
    metrics: { type: 'string', multiple: true },
    'validation-split': { type: 'string' },
    seed: { type: 'string' },
    weights: { type: 'string' },
    save: { type: 'string' },
    threads: { type: 'string' },
  });
  const str = (k: string) => values[k] as string | undefined;
  const common_ = commonOf(values, file);
  const threads = threadsOf(str('threads'), common_.backend, 'tfjs');
  const optimizer = oneOf('optimizer', str('optimizer'), ['sgd', 'adam'], 'sgd');
  const lr =
    str('lr') === undefined
      ? optimizer === 'sgd'
        ? 0.01
        : 0.001
      : parseNumber('lr', str('lr')!, (n) => n > 0, 'a positive number');
  const momentumText = str('momentum');
  if (momentumText !== undefined && optimizer !== 'sgd')
    throw new UsageError(`--momentum applies to --optimizer sgd, not ${optimizer}`);
  const momentum =
    momentumText === undefined
      ? 0
      : parseNumber('momentum', momentumText, (n) => n >= 0 && n < 1, 'a number in [0, 1)');
  const metrics = ((values.metrics as string[] | undefined) ?? [])
    .flatMap((m) => m.split(','))
    .map((m) => oneOf<Metric>('metrics', m.trim(), ['accuracy'], 'accuracy'));
  const weights = nonEmpty('weights', str('weights'));
  const seed = seedOf(str('seed'));
  if (weights !== undefined && seed !== undefined)
    throw new UsageError('--seed sets initial weights: it cannot go with --weights');
  const split = str('validation-split');
  return {
    ...common_,
    threads,
    x: assignments('x', values.x as string[] | undefined, true),
    y: assignments('y', values.y as string[] | undefined, true),
    epochs:
      str('epochs') === undefined
        ? 10
        : parseInteger('epochs', str('epochs')!, 1, Number.MAX_SAFE_INTEGER),
    batchSize:
      str('batch-size') === undefined
        ? 32
        : parseInteger('batch-size', str('batch-size')!, 1, Number.MAX_SAFE_INTEGER),
    optimizer,
    lr,
    momentum,
    loss: oneOf('loss', str('loss'), LOSSES, 'categorical_crossentropy'),
    metrics: [...new Set(metrics)],
    validationSplit:
      split === undefined
        ? 0
        : parseNumber('validation-split', split, (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    seed,
    weights,
    save: nonEmpty('save', str('save')),
  };
}

export function parseInitArgs(argv: string[]): InitOptions {
  const { values, file } = parse('init', argv, {
    ...common,
    seed: { type: 'string' },
    save: { type: 'string' },
  });
  const seed = seedOf(values.seed as string | undefined);
  if (seed === undefined) throw new UsageError('--seed N is required');
  const save = nonEmpty('save', values.save as string | undefined);
  if (save === undefined) throw new UsageError('--save PATH is required');
  return { ...commonOf(values, file), seed, save };
}
