/**
 * Command-line and environment settings of `npm run bench` (bench/run.ts passes its arguments on
 * to bench/check-speed.ts and bench/inference.ts, which both read them here). A flag wins over
 * its environment variable, which wins over the default.
 *
 *   --rounds N          NETC_BENCH_ROUNDS        timed interleaved rounds at batch 1 (default 11)
 *   --rounds8 N         NETC_BENCH_ROUNDS8       timed rounds at batches > 1 (default 5)
 *   --warmup N          NETC_BENCH_WARMUP        warm-up runs per contender at batch 1 (default 2;
 *                                                1 at batches > 1)
 *   --models a,b        NETC_BENCH_MODELS        resnet50,resnext50,inception_v3
 *   --batches 1,8       NETC_BENCH_BATCHES
 *   --threads N         NETC_BENCH_THREADS       onnxruntime and PyTorch threads (default 2)
 *   --no-pytorch        NETC_BENCH_PYTORCH=0     skip the PyTorch export and columns
 *   --python PATH       NETC_BENCH_PYTHON        default: the first of python3, /usr/bin/python3
 *                                                that has torch and torchvision
 *   --max-blocks N      NETC_BENCH_MAX_BLOCKS    largest generated model in check-speed (10000)
 *   --compile-runs N    NETC_BENCH_COMPILE_RUNS  timed runs per sample in check-speed (default 7)
 *   --epochs N          NETC_BENCH_EPOCHS        LeNet-BN epochs in bench/training.ts (default 10; 0: skip it)
 *   --train-rounds N    NETC_BENCH_TRAIN_ROUNDS  throughput rounds in bench/training.ts (3)
 *   --only compile|inference|training             run one of the parts (bench/run.ts)
 *
 * A bare number as the first argument is `--rounds` (the old `bench/inference.ts [rounds]`).
 */

export interface BenchOptions {
  readonly rounds: number;
  readonly rounds8: number;
  readonly warmup: number;
  readonly models: readonly string[];
  readonly batches: readonly number[];
  readonly threads: number;
  readonly pytorch: boolean;
  /** Python interpreters to try in turn for the PyTorch part. */
  readonly python: readonly string[];
  readonly maxBlocks: number;
  readonly compileRuns: number;
  readonly epochs: number;
  readonly trainRounds: number;
  readonly only?: 'compile' | 'inference' | 'training';
}

export const MODEL_KEYS = ['resnet50', 'resnext50', 'inception_v3'] as const;

const valueFlags = {
  '--rounds': 'NETC_BENCH_ROUNDS',
  '--rounds8': 'NETC_BENCH_ROUNDS8',
  '--warmup': 'NETC_BENCH_WARMUP',
  '--models': 'NETC_BENCH_MODELS',
  '--batches': 'NETC_BENCH_BATCHES',
  '--threads': 'NETC_BENCH_THREADS',
  '--python': 'NETC_BENCH_PYTHON',
  '--max-blocks': 'NETC_BENCH_MAX_BLOCKS',
  '--compile-runs': 'NETC_BENCH_COMPILE_RUNS',
  '--epochs': 'NETC_BENCH_EPOCHS',
  '--train-rounds': 'NETC_BENCH_TRAIN_ROUNDS',
  '--only': 'NETC_BENCH_ONLY',
} as const;
type ValueFlag = keyof typeof valueFlags;

export function parseBenchOptions(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): BenchOptions {
  const given = new Map<string, string>();
  let pytorch = env.NETC_BENCH_PYTORCH !== '0';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (i === 0 && /^\d+$/.test(arg)) given.set('--rounds', arg);
    else if (arg === '--no-pytorch') pytorch = false;
    else if (arg in valueFlags) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`bench: ${arg} needs a value`);
      given.set(arg, value);
    } else if (arg.includes('=') && arg.split('=')[0] in valueFlags) {
      const [flag, ...rest] = arg.split('=');
      given.set(flag, rest.join('='));
    } else throw new Error(`bench: unknown argument '${arg}' (see bench/lib/options.ts)`);
  }
  const get = (flag: ValueFlag): string | undefined => given.get(flag) ?? env[valueFlags[flag]];
  const int = (flag: ValueFlag, fallback: number, min = 0): number => {
    const text = get(flag);
    if (text === undefined || text === '') return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`bench: ${flag} ${text}: want an integer ≥ ${min}`);
    return n;
  };
  const list = (flag: ValueFlag): string[] | undefined =>
    get(flag)
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const models = list('--models') ?? [...MODEL_KEYS];
  for (const m of models)
    if (!(MODEL_KEYS as readonly string[]).includes(m))
      throw new Error(`bench: unknown model '${m}' (${MODEL_KEYS.join(', ')})`);
  const batches = (list('--batches') ?? ['1', '8']).map(Number);
  if (batches.some((b) => !Number.isInteger(b) || b < 1))
    throw new Error(`bench: --batches wants positive integers`);
  const only = get('--only');
  if (only !== undefined && only !== 'compile' && only !== 'inference' && only !== 'training')
    throw new Error(`bench: --only compile|inference|training, not '${only}'`);
  return {
    rounds: int('--rounds', 11, 1),
    rounds8: int('--rounds8', 5, 1),
    warmup: int('--warmup', 2),
    models,
    batches,
    threads: int('--threads', 2, 1),
    pytorch,
    python: get('--python') !== undefined ? [get('--python')!] : ['python3', '/usr/bin/python3'],
    maxBlocks: int('--max-blocks', 10_000, 10),
    compileRuns: int('--compile-runs', 7, 1),
    epochs: int('--epochs', 10, 0),
    trainRounds: int('--train-rounds', 3, 1),
    only: only as BenchOptions['only'],
  };
}
