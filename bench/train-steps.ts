/**
 * What each of the training changes of runtime/layers and runtime/kernels buys per step, side
 * by side in one run: one SGD step (`trainOnBatch`, random data) of LeNet-BN (256), the ECG
 * ResNet (32) and ResNet-18 at 96x96 (32) with everything on, and with one change turned back
 * to tfjs's own path at a time:
 *
 * - `batch norm`: FastBatchNormalization's fused training op (runtime/kernels/batch-norm-train.ts)
 *   back to tfjs's moments + batchNorm;
 * - `MaxPoolGrad`: netc's kernel (runtime/kernels/max-pool-grad.ts) back to tfjs-backend-wasm's;
 * - `conv input grad`: FastConv2D (runtime/layers/fast-conv2d.ts) back to tfjs's fused call,
 *   which computes the data input's gradient too;
 * - `conv by columns`: netc's Conv2D (runtime/kernels/conv2d-forward.ts, one matMul of the
 *   columns where a new filter is larger than them) back to the backend's convolution;
 * - `dW by columns`: the filter gradient's choice of `filterByColumnsFits`
 *   (runtime/kernels/conv2d-backprop.ts) back to the columns only where `kh * kw * c < co`, in
 *   one matMul, else the swapped convolution;
 * - `dX by columns`: the input gradient by the columns of dx (`inputByColumns`, fewer output
 *   positions than output channels) back to the stride's phases (`inputByConv`).
 *
 * Prints ms per step (median of `--rounds` interleaved rounds of `--steps` steps, the settings
 * rotated each round, after a warm-up round) and each change's speed-up (its "without" time over the "all on" time).
 *
 *   npx tsx bench/train-steps.ts [--rounds 3] [--steps 1] [--models lenet_bn,ecg_resnet]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../api/index.js';
import { packageRoot } from '../compiler/package-root.js';
import { composite, geometry } from '../runtime/kernels/composite.js';
import {
  filterByColumns,
  filterBySwappedConv,
  filterByTaps,
  inputBy1x1,
  inputByConv,
} from '../runtime/kernels/conv2d-backprop.js';
import { originalWasmKernel } from '../runtime/kernels/index.js';
import { FastBatchNormalization, FastConv2D } from '../runtime/layers/index.js';
import { randomBatch, TRAINING_SPECS, trainingModel } from './lib/training-models.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '1' },
    models: { type: 'string', default: TRAINING_SPECS.map((s) => s.key).join(',') },
  },
});
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const status = await initBackend('wasm');
const root = packageRoot();

type Call = (this: tf.layers.Layer, ...args: unknown[]) => unknown;
/** A class's own `call` and its parent's (tfjs's). */
function callPair(cls: { prototype: object }): [Call, Call] {
  const own = (cls.prototype as { call: Call }).call;
  return [own, (Object.getPrototypeOf(cls.prototype) as { call: Call }).call];
}
const bnCalls = callPair(FastBatchNormalization);
const convCalls = callPair(FastConv2D);
const poolConfig = tf.getKernel('MaxPoolGrad', 'wasm')!;
const poolKernels = [poolConfig.kernelFunc, originalWasmKernel('MaxPoolGrad')!];

const convConfig = tf.getKernel('Conv2D', 'wasm')!;
const convKernels = [convConfig.kernelFunc, originalWasmKernel('Conv2D')!];
const filterConfig = tf.getKernel('Conv2DBackpropFilter', 'wasm')!;
const filterKernels = [
  filterConfig.kernelFunc,
  composite(({ x, dy }, attrs) => {
    const shape = attrs.filterShape as [number, number, number, number];
    const g = geometry(x.shape, shape, attrs, false);
    const [x4, dy4] = [x as tf.Tensor4D, dy as tf.Tensor4D];
    if (g.kh * g.kw * g.c < shape[3]) return filterByColumns(x4, dy4, g, shape, Infinity);
    if (g.dh === 1 && g.dw === 1) return filterBySwappedConv(x4, dy4, g);
    return filterByTaps(x4, dy4, g, shape);
  }),
];

const inputConfig = tf.getKernel('Conv2DBackpropInput', 'wasm')!;
const inputKernels = [
  inputConfig.kernelFunc,
  composite(({ dy, filter }, attrs) => {
    const shape = filter.shape as [number, number, number, number];
    const g = geometry(attrs.inputShape as number[], shape, attrs, false);
    const [dy4, f4] = [dy as tf.Tensor4D, filter as tf.Tensor4D];
    return g.kh === 1 && g.kw === 1 ? inputBy1x1(dy4, f4, g) : inputByConv(dy4, f4, g);
  }),
];

const CHANGES = [
  'batch norm',
  'MaxPoolGrad',
  'conv input grad',
  'conv by columns',
  'dW by columns',
  'dX by columns',
] as const;
type Change = (typeof CHANGES)[number];
/** Turns every change on but `off` (undefined: all on). */
function setting(off: Change | undefined): void {
  (FastBatchNormalization.prototype as { call: Call }).call = bnCalls[off === 'batch norm' ? 1 : 0];
  (FastConv2D.prototype as { call: Call }).call = convCalls[off === 'conv input grad' ? 1 : 0];
  const kernels: [tf.KernelConfig, tf.KernelFunc[], Change][] = [
    [poolConfig, poolKernels, 'MaxPoolGrad'],
    [convConfig, convKernels, 'conv by columns'],
    [filterConfig, filterKernels, 'dW by columns'],
    [inputConfig, inputKernels, 'dX by columns'],
  ];
  for (const [config, [on, without], change] of kernels) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({ ...config, kernelFunc: off === change ? without : on });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const settings: (Change | undefined)[] = [undefined, ...CHANGES];

console.log(`wasm, ${status.threads} threads; ms per step, median of ${rounds} rounds.\n`);
console.log(
  `| model (batch) | all on | ${CHANGES.map((c) => `without ${c}`).join(' | ')} | ` +
    `${CHANGES.map((c) => `${c} speed-up`).join(' | ')} |`,
);
console.log(`| --- |${' ---: |'.repeat(1 + 2 * CHANGES.length)}`);
for (const spec of TRAINING_SPECS.filter((s) => values.models.split(',').includes(s.key))) {
  const model = await trainingModel(root, spec, 0.001);
  const [x, y] = randomBatch(spec);
  const times = settings.map((): number[] => []);
  for (let r = 0; r <= rounds; r++) {
    // The settings in a rotated order each round, so that none always runs first.
    for (let j = 0; j < settings.length; j++) {
      const k = (j + r) % settings.length;
      setting(settings[k]);
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
      if (r > 0) times[k].push((performance.now() - t0) / steps);
    }
  }
  const ms = times.map(median);
  console.log(
    `| ${spec.title} (${spec.batch}) | ${ms.map((m) => m.toFixed(0)).join(' | ')} | ` +
      `${ms
        .slice(1)
        .map((m) => `${(m / ms[0]).toFixed(2)}x`)
        .join(' | ')} |`,
  );
  tf.dispose([x, y]);
  model.dispose();
}
setting(undefined);
