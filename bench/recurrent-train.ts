/**
 * Training throughput of samples/imdb_bilstm.net (issue 14): batches of 32 reviews of 200 word
 * ids, binary cross-entropy, Adam 1e-3, on tfjs wasm (netc's layers) and PyTorch on the CPU (the
 * same model in bench/pytorch/imdb_bilstm_train.py, `--threads` threads), in examples/s: each side
 * takes one warm-up batch, then `--train-rounds` timed batches (default 3). Prints markdown.
 * Part of `npm run bench -- --only training` (bench/run.ts).
 *
 *   npx tsx bench/recurrent-train.ts [--train-rounds 3] [--threads 2] [--no-pytorch]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { buildModel, initBackend } from '../api/index.js';
import { checkFile } from '../compiler/compile.js';
import { packageRoot } from '../compiler/package-root.js';
import { parseBenchOptions } from './lib/options.js';

const opts = parseBenchOptions(process.argv.slice(2));
const root = packageRoot();
const steps = opts.trainRounds;
const [BATCH, LENGTH] = [32, 200];

/** netc on tfjs wasm: examples/s and ms per batch. */
async function netc(): Promise<{ rate: number; ms: number; params: number }> {
  await initBackend('wasm');
  const r = checkFile(join(root, 'samples/imdb_bilstm.net'));
  if (!r.ok) throw new Error('samples/imdb_bilstm.net does not compile');
  const model = buildModel(r.graphs[0], { seed: 0 });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  const x = tf.floor(tf.randomUniform([BATCH, LENGTH], 0, 20000, 'float32', 1));
  const y = tf.cast(tf.greater(tf.randomUniform([BATCH, 1], 0, 1, 'float32', 2), 0.5), 'float32');
  await model.trainOnBatch(x, y); // warm-up
  const start = performance.now();
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  const seconds = (performance.now() - start) / 1000;
  const params = model.countParams();
  tf.dispose([x, y]);
  model.dispose();
  return { rate: (steps * BATCH) / seconds, ms: (seconds / steps) * 1000, params };
}

/** PyTorch's line (`pytorch (2 threads): 123.4 examples/s (...)`), or why there is none. */
function pytorch(): string {
  if (!opts.pytorch) return '(not run: `--no-pytorch`)';
  const script = join(root, 'bench/pytorch/imdb_bilstm_train.py');
  for (const python of opts.python) {
    const r = spawnSync(python, [script, String(opts.threads), String(steps)], {
      encoding: 'utf8',
    });
    if (r.status === 0) return r.stdout.trim();
  }
  return `(not run: no ${opts.python.join(' or ')} with torch)`;
}

const mine = await netc();
const theirs = pytorch();
const rate = /([\d.]+) examples\/s/.exec(theirs);
console.log(
  [
    `${steps} timed batches of ${BATCH} x ${LENGTH} after one warm-up, Adam, binary cross-entropy; ` +
      `${mine.params.toLocaleString('en-US')} parameters.`,
    '',
    '| engine | examples/s | ms per batch |',
    '| --- | ---: | ---: |',
    `| netc, tfjs wasm | ${mine.rate.toFixed(1)} | ${mine.ms.toFixed(0)} |`,
    rate
      ? `| PyTorch CPU, ${opts.threads} threads | ${Number(rate[1]).toFixed(1)} | ${((BATCH / Number(rate[1])) * 1000).toFixed(0)} |`
      : `| PyTorch | ${theirs} | |`,
  ].join('\n'),
);
