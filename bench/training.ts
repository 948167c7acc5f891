/**
 * Training on wasm against PyTorch (CPU, the same thread count) in the same run, interleaved:
 *
 * - the D2L LeNet-BN recipe on the real Fashion-MNIST (Debian's dataset-fashion-mnist; skipped
 *   with a note when absent): batch 256, SGD lr 0.9, `--epochs` epochs (default 10), seconds per
 *   epoch and test accuracy after each, PyTorch running the same recipe on the same data;
 * - the ECG ResNet (256 signals of 1280 samples, batch 32) and D2L ResNet-18 (64 images of 96x96,
 *   batch 32): SGD training throughput on random data, examples/s, the median of
 *   `--train-rounds` rounds.
 *
 * PyTorch's models are written out in bench/pytorch/train.py; their parameter counts must equal
 * netc's trainable ones. Batch norm is PyTorch's (momentum 0.1 = Keras 0.9, eps 1e-5) on both
 * sides, and the loss is cross-entropy from logits (from probabilities for the ECG ResNet, which
 * ends in a softmax). Prints markdown.
 *
 *   npx tsx bench/training.ts [--epochs 1] [--train-rounds 3] [--threads 2] [--no-pytorch]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../api/index.js';
import { packageRoot } from '../compiler/package-root.js';
import { FASHION_MNIST_DIR, readFashionMnist, type LabelledImages } from './lib/fashion-mnist.js';
import { parseBenchOptions } from './lib/options.js';
import { TorchWorker } from './lib/torch-worker.js';
import {
  randomBatch,
  TRAINING_SPECS,
  trainingModel,
  type TrainingSpec,
} from './lib/training-models.js';

const opts = parseBenchOptions();
const root = packageRoot();
const status = await initBackend('wasm', { threads: opts.threads });
const spec = (key: TrainingSpec['key']): TrainingSpec => TRAINING_SPECS.find((s) => s.key === key)!;

let torch: TorchWorker | undefined;
let torchNote = '';
if (opts.pytorch) {
  const w = await TorchWorker.start(root, opts.python, opts.threads);
  if (typeof w === 'string') torchNote = `PyTorch not run: ${w}`;
  else torch = w;
} else torchNote = 'PyTorch not run: --no-pytorch';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const trainable = (m: tf.LayersModel): number =>
  m.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
const fmt = (v: number | undefined, digits = 1): string =>
  v === undefined ? '–' : v.toFixed(digits);

console.log(
  `wasm on ${status.threads} threads${status.note ? ` (${status.note})` : ''}; PyTorch on ` +
    `${opts.threads} threads${torchNote ? ` (${torchNote})` : ''}.\n`,
);

// ---- LeNet-BN on Fashion-MNIST -------------------------------------------------------------

/** A seeded shuffle (xorshift), the same every run. */
function permutation(n: number, seed: number): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

async function lenetEpoch(
  model: tf.LayersModel,
  data: LabelledImages,
  batch: number,
  seed: number,
): Promise<{ seconds: number; loss: number }> {
  const pixels = 28 * 28;
  const order = permutation(data.count, seed);
  const t0 = performance.now();
  let total = 0;
  for (let start = 0; start < data.count; start += batch) {
    const n = Math.min(batch, data.count - start);
    const xs = new Float32Array(n * pixels);
    const ys = new Float32Array(n * 10);
    for (let k = 0; k < n; k++) {
      const i = order[start + k];
      xs.set(data.images.subarray(i * pixels, (i + 1) * pixels), k * pixels);
      ys[k * 10 + data.labels[i]] = 1;
    }
    const x = tf.tensor4d(xs, [n, 28, 28, 1]);
    const y = tf.tensor2d(ys, [n, 10]);
    const loss = await model.trainOnBatch(x, y);
    total += (loss as number) * n;
    tf.dispose([x, y]);
  }
  return { seconds: (performance.now() - t0) / 1000, loss: total / data.count };
}

function accuracy(model: tf.LayersModel, data: LabelledImages): number {
  let correct = 0;
  for (let start = 0; start < data.count; start += 1000) {
    const n = Math.min(1000, data.count - start);
    const guess = tf.tidy(() => {
      const x = tf.tensor4d(data.images.subarray(start * 784, (start + n) * 784), [n, 28, 28, 1]);
      return (model.predict(x) as tf.Tensor).argMax(-1).dataSync();
    });
    for (let k = 0; k < n; k++) if (guess[k] === data.labels[start + k]) correct++;
  }
  return correct / data.count;
}

console.log('### LeNet-BN on Fashion-MNIST (D2L recipe: batch 256, SGD lr 0.9)\n');
const fashion = readFashionMnist();
if (!fashion) {
  console.log(
    `Skipped: Fashion-MNIST is not in ${FASHION_MNIST_DIR} (Debian: dataset-fashion-mnist).\n`,
  );
} else {
  const lenet = spec('lenet_bn');
  const model = await trainingModel(root, lenet, 0.9);
  let torchParams: number | undefined;
  if (torch) {
    torchParams = (await torch.send(`lenet_init ${FASHION_MNIST_DIR}`)).params;
    if (torchParams !== trainable(model))
      throw new Error(`LeNet-BN: PyTorch has ${torchParams} parameters, netc ${trainable(model)}`);
  }
  console.log(
    `${fashion.train.count} training and ${fashion.test.count} test images; ` +
      `${trainable(model)} trainable parameters on both sides.\n`,
  );
  console.log(
    '| epoch | netc s | PyTorch s | netc / PyTorch | netc test acc | PyTorch test acc | netc loss | PyTorch loss |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const ratios: number[] = [];
  for (let e = 1; e <= opts.epochs; e++) {
    const ours = await lenetEpoch(model, fashion.train, lenet.batch, e);
    const acc = accuracy(model, fashion.test);
    const theirs = torch ? await torch.send(`lenet_epoch 0.9 ${lenet.batch}`) : undefined;
    if (theirs) ratios.push(ours.seconds / theirs.seconds);
    console.log(
      `| ${e} | ${fmt(ours.seconds)} | ${fmt(theirs?.seconds)} | ` +
        `${theirs ? `${(ours.seconds / theirs.seconds).toFixed(1)}x` : '–'} | ${fmt(100 * acc)}% | ` +
        `${theirs ? `${fmt(100 * theirs.accuracy)}%` : '–'} | ${fmt(ours.loss, 3)} | ${fmt(theirs?.loss, 3)} |`,
    );
  }
  if (ratios.length)
    console.log(`\nMedian netc / PyTorch time per epoch: ${median(ratios).toFixed(1)}x.`);
  console.log('');
  model.dispose();
}

// ---- Throughput ----------------------------------------------------------------------------

console.log('### Training throughput (random data, SGD)\n');
console.log(
  '| model | examples | batch | trainable params | netc examples/s | PyTorch examples/s | netc / PyTorch time |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [key, examples] of [
  ['ecg_resnet', 256],
  ['resnet18_d2l', 64],
] as const) {
  const s = spec(key);
  const model = await trainingModel(root, s, 0.01);
  const params = trainable(model);
  if (torch) {
    const p = (await torch.send(`model ${key}`)).params;
    if (p !== params) throw new Error(`${key}: PyTorch has ${p} parameters, netc ${params}`);
  }
  const steps = examples / s.batch;
  const [x, y] = randomBatch(s);
  await model.trainOnBatch(x, y); // warm-up
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let r = 0; r < opts.trainRounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
    ours.push(examples / ((performance.now() - t0) / 1000));
    if (torch) theirs.push(examples / (await torch.send(`steps ${steps} ${s.batch}`)).seconds);
  }
  const a = median(ours);
  const b = theirs.length ? median(theirs) : undefined;
  console.log(
    `| ${s.title} | ${examples} | ${s.batch} | ${params.toLocaleString('en-US')} | ${fmt(a)} | ` +
      `${fmt(b)} | ${b ? `${(b / a).toFixed(1)}x` : '–'} |`,
  );
  tf.dispose([x, y]);
  model.dispose();
}
console.log(`\nMedians of ${opts.trainRounds} interleaved rounds, after one warm-up step each.`);
torch?.close();
