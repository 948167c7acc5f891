/**
 * netc's plain-JS training loops on the main thread alone against split with the helper workers
 * (runtime/kernels/host-pool.ts), side by side in one process (interleaved rounds, median ms):
 * the batch norm passes, MaxPoolGrad, the phase filter and the transposed columns of the
 * convolution gradients, each on a ResNet-18 shape, then whole D2L ResNet-18 training steps
 * (batch 32, SGD) with the helpers off and on. Times include reading the result back (one
 * thread), as a step would not.
 *
 *   npx tsx bench/js-helpers.ts [--rounds 9] [--steps 5]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../api/index.js';
import { packageRoot } from '../compiler/package-root.js';
import { batchNormTraining } from '../runtime/kernels/batch-norm-train.js';
import { geometry } from '../runtime/kernels/composite.js';
import { columnsTransposed, phaseFilter } from '../runtime/kernels/conv2d-backprop.js';
import { useHostPool } from '../runtime/kernels/host-pool.js';
import { hostParts } from '../runtime/kernels/parts.js';
import { randomBatch, TRAINING_SPECS, trainingModel } from './lib/training-models.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '9' },
    steps: { type: 'string', default: '5' },
  },
});
const rounds = Number(values.rounds);
const steps = Number(values.steps);

const status = await initBackend('wasm');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `wasm on ${status.threads} threads, ${hostParts()} parts per JS loop${status.note ? ` (${status.note})` : ''}; ` +
    `${rounds} interleaved rounds, median ms.\n`,
);

const x = tf.randomNormal([32, 48, 48, 64]);
const gamma = tf.ones([64]);
const beta = tf.zeros([64]);
const dyPool = tf.randomNormal([32, 24, 24, 64]);
const w = tf.randomNormal([3, 3, 512, 512]) as tf.Tensor4D;
const dy4 = tf.randomNormal([32, 3, 3, 512]) as tf.Tensor4D;
const g4 = geometry(
  [32, 3, 3, 512],
  [3, 3, 512, 512],
  { strides: 1, pad: 'same', dilations: 1, dataFormat: 'NHWC' },
  false,
);
const bnGrad = tf.valueAndGrads((a: tf.Tensor) => batchNormTraining(a, gamma, beta, 3, 1e-5).y);
const loops: [string, () => tf.Tensor][] = [
  ['batch norm forward, [32, 48, 48, 64]', () => batchNormTraining(x, gamma, beta, 3, 1e-5).y],
  ['batch norm forward + gradient, [32, 48, 48, 64]', () => bnGrad([x], tf.onesLike(x)).grads[0]],
  [
    'MaxPoolGrad 3x3/2, [32, 48, 48, 64]',
    () => tf.grad((a: tf.Tensor) => tf.mul(tf.maxPool(a as tf.Tensor4D, 3, 2, 'same'), dyPool))(x),
  ],
  ['phase filter 3x3x512x512 (stride 1)', () => phaseFilter(w, 1, 1)],
  ['transposed columns of dy [32, 3, 3, 512]', () => columnsTransposed(dy4, g4)],
];
console.log('| loop | main thread ms | split ms | speed-up |\n| --- | ---: | ---: | ---: |');
for (const [name, f] of loops) {
  const ms: Record<'one' | 'split', number[]> = { one: [], split: [] };
  for (let r = 0; r <= rounds; r++)
    for (const k of ['one', 'split'] as const) {
      useHostPool(k === 'split');
      const t0 = performance.now();
      tf.tidy(() => {
        f().dataSync();
      });
      if (r > 0) ms[k].push(performance.now() - t0);
    }
  const [one, split] = [median(ms.one), median(ms.split)];
  console.log(
    `| ${name} | ${one.toFixed(1)} | ${split.toFixed(1)} | ${(one / split).toFixed(2)}x |`,
  );
}
tf.dispose([x, gamma, beta, dyPool, w, dy4]);

const spec = TRAINING_SPECS.find((s) => s.key === 'resnet18_d2l')!;
const model = await trainingModel(packageRoot(), spec, 0.01);
const [bx, by] = randomBatch(spec);
useHostPool(true);
await model.trainOnBatch(bx, by);
const stepMs: Record<'one' | 'split', number[]> = { one: [], split: [] };
for (let r = 0; r < steps; r++)
  for (const k of ['one', 'split'] as const) {
    useHostPool(k === 'split');
    await model.trainOnBatch(bx, by); // the first step after a switch is not timed
    const t0 = performance.now();
    await model.trainOnBatch(bx, by);
    stepMs[k].push(performance.now() - t0);
  }
useHostPool(true);
const [one, split] = [median(stepMs.one), median(stepMs.split)];
console.log(
  `\nD2L ResNet-18 training step (96x96, batch 32, SGD), median of ${steps}: ` +
    `main thread ${one.toFixed(0)} ms, split ${split.toFixed(0)} ms (${(one / split).toFixed(2)}x).`,
);
tf.dispose([bx, by]);
model.dispose();
