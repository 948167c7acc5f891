/**
 * Training on wasm against PyTorch (CPU, the same thread count) in the same run, interleaved;
 * netc trains through runtime/train/fit, the loop `netc train` runs:
 *
 * - the D2L LeNet-BN recipe on the real Fashion-MNIST (Debian's dataset-fashion-mnist; skipped
 *   with a note when absent): batch 256, SGD lr 0.9 annealed per step by a cosine to 0 at the end
 *   of `--epochs` epochs (default 10), Glorot-uniform kernels and zero biases (netc's defaults;
 *   D2L's `xavier_uniform_`), seconds per epoch and test accuracy after each, PyTorch running the
 *   same recipe on the same data. The cosine is the one change to D2L's constant rate: at a
 *   constant 0.9 the batch norm moving statistics trail weights that still move fast, and the
 *   test accuracy of any one epoch is a draw (PyTorch alone, 10 epochs, constant rate: 0.72 to
 *   0.88 between epochs 5 and 10; with the cosine 0.89 to 0.90 over epochs 7 to 10);
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
import { FASHION_MNIST_DIR, readFashionMnist } from './lib/fashion-mnist.js';
import { parseBenchOptions } from './lib/options.js';
import { TorchWorker } from './lib/torch-worker.js';
import {
  randomBatch,
  TRAINING_SPECS,
  trainingGraphModel,
  type TrainingSpec,
} from './lib/training-models.js';
import { fit, type TrainHooks } from '../runtime/train/fit.js';
import { scheduleHook } from '../runtime/train/callbacks.js';
import { createOptimizer } from '../runtime/train/optimizers.js';
import type { Logs } from '../runtime/train/evaluate.js';

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

/**
 * Times each epoch that runtime/train/fit runs, from its first batch to the end of its last
 * (the validation after it left out); `after` runs in each epoch's end hook, with the seconds.
 */
function epochTimer(
  after: (epoch: number, seconds: number, logs: Logs) => Promise<void>,
): TrainHooks {
  let begin = 0;
  let last = 0;
  return {
    onEpochBegin: () => void (begin = performance.now()),
    onBatchEnd: () => void (last = performance.now()),
    onEpochEnd: (epoch, logs) => after(epoch, (last - begin) / 1000, logs),
  };
}

/** Example arrays for fit: images `[n, ...shape]` and class indices `[n]`. */
const labelled = (images: Float32Array, shape: readonly number[], labels: Uint8Array) => ({
  x: [{ shape: [labels.length, ...shape], data: images }],
  y: [{ shape: [labels.length], data: labels }],
});

const LENET_LR = 0.9;
console.log(
  `### LeNet-BN on Fashion-MNIST (D2L recipe: batch 256, SGD lr ${LENET_LR}, cosine to 0 per step)\n`,
);
const fashion = readFashionMnist();
if (!fashion) {
  console.log(
    `Skipped: Fashion-MNIST is not in ${FASHION_MNIST_DIR} (Debian: dataset-fashion-mnist).\n`,
  );
} else if (opts.epochs === 0) {
  console.log('Skipped: --epochs 0.\n');
} else {
  const lenet = spec('lenet_bn');
  const { graph, model } = trainingGraphModel(root, lenet);
  let torchParams: number | undefined;
  if (torch) {
    torchParams = (await torch.send(`lenet_init ${FASHION_MNIST_DIR}`)).params;
    if (torchParams !== trainable(model))
      throw new Error(`LeNet-BN: PyTorch has ${torchParams} parameters, netc ${trainable(model)}`);
  }
  console.log(
    `${fashion.train.count} training and ${fashion.test.count} test images; ` +
      `${trainable(model)} trainable parameters on both sides; netc trains through ` +
      'runtime/train/fit (the `netc train` loop), test accuracy is its validation.\n',
  );
  console.log(
    '| epoch | netc s | PyTorch s | netc / PyTorch | netc test acc | PyTorch test acc | netc loss | PyTorch loss |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const ratios: number[] = [];
  const sgd = createOptimizer({ name: 'sgd', lr: LENET_LR });
  const cosine = scheduleHook(sgd, { base: LENET_LR, schedule: { kind: 'cosine', min: 0 } });
  const result = await fit(
    model,
    graph,
    labelled(fashion.train.images, lenet.input, fashion.train.labels),
    {
      loss: 'sparse_categorical_crossentropy',
      outputKind: 'logits',
      metrics: ['accuracy'],
      epochs: opts.epochs,
      batchSize: lenet.batch,
      optimizer: sgd.optimizer,
      shuffleSeed: 1,
      validationData: labelled(fashion.test.images, lenet.input, fashion.test.labels),
      hooks: [
        cosine,
        epochTimer(async (epoch, seconds, logs) => {
          const theirs = torch
            ? await torch.send(`lenet_epoch ${LENET_LR} ${lenet.batch} ${epoch} ${opts.epochs}`)
            : undefined;
          if (theirs) ratios.push(seconds / theirs.seconds);
          console.log(
            `| ${epoch + 1} | ${fmt(seconds)} | ${fmt(theirs?.seconds)} | ` +
              `${theirs ? `${(seconds / theirs.seconds).toFixed(1)}x` : '–'} | ` +
              `${fmt(100 * logs['val_acc'])}% | ` +
              `${theirs ? `${fmt(100 * theirs.accuracy)}%` : '–'} | ${fmt(logs['loss'], 3)} | ` +
              `${fmt(theirs?.loss, 3)} |`,
          );
        }),
      ],
    },
  );
  result.optimizer.dispose();
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
  const { graph, model } = trainingGraphModel(root, s);
  const params = trainable(model);
  if (torch) {
    const p = (await torch.send(`model ${key}`)).params;
    if (p !== params) throw new Error(`${key}: PyTorch has ${p} parameters, netc ${params}`);
  }
  const steps = examples / s.batch;
  const [x, y] = randomBatch(s, examples);
  const data = labelled(
    x.dataSync() as Float32Array,
    s.input,
    Uint8Array.from(y.argMax(-1).dataSync()),
  );
  tf.dispose([x, y]);
  const common = {
    loss: 'sparse_categorical_crossentropy',
    outputKind: s.logits ? 'logits' : 'probabilities',
    batchSize: s.batch,
    optimizer: { name: 'sgd', lr: 0.01 },
    shuffle: false,
  } as const;
  // A warm-up step through fit on the first batch, then one epoch of `examples` per round.
  const size = s.input.reduce((p, d) => p * d, 1);
  const first = labelled(
    data.x[0].data.subarray(0, s.batch * size),
    s.input,
    data.y[0].data.subarray(0, s.batch),
  );
  (await fit(model, graph, first, { ...common, epochs: 1 })).optimizer.dispose();
  const ours: number[] = [];
  const theirs: number[] = [];
  const result = await fit(model, graph, data, {
    ...common,
    epochs: opts.trainRounds,
    hooks: epochTimer(async (_, seconds) => {
      ours.push(examples / seconds);
      if (torch) theirs.push(examples / (await torch.send(`steps ${steps} ${s.batch}`)).seconds);
    }),
  });
  result.optimizer.dispose();
  const a = median(ours);
  const b = theirs.length ? median(theirs) : undefined;
  console.log(
    `| ${s.title} | ${examples} | ${s.batch} | ${params.toLocaleString('en-US')} | ${fmt(a)} | ` +
      `${fmt(b)} | ${b ? `${(b / a).toFixed(1)}x` : '–'} |`,
  );
  model.dispose();
}
console.log(
  `\nMedians of ${opts.trainRounds} interleaved rounds (an epoch of random examples through ` +
    'runtime/train/fit each), after a warm-up step.',
);
torch?.close();
