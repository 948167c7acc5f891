/**
 * Training kernels on wasm, old and new side by side in one run, on the shapes of the training
 * benches (ms: median of `--rounds` interleaved rounds; the largest difference of the results):
 *
 * - batch norm in training mode, forward + backward: tfjs's path (moments + batchNorm and their
 *   gradients, what tfjs-layers' BatchNormalization runs) against netc's fused op
 *   (runtime/kernels/batch-norm-train.ts);
 * - MaxPoolGrad: tfjs-backend-wasm's kernel against netc's (runtime/kernels/max-pool-grad.ts);
 * - Reverse: tfjs-backend-wasm's kernel against netc's (runtime/kernels/reverse.ts);
 * - Sum over leading axes: tfjs-backend-wasm's kernel against netc's (runtime/kernels/sum.ts).
 *
 *   npx tsx bench/train-kernels.ts [--rounds 7]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../api/index.js';
import { batchNormTraining } from '../runtime/kernels/batch-norm-train.js';
import { originalWasmKernel } from '../runtime/kernels/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);
const status = await initBackend('wasm');

const SHAPES: [string, number[]][] = [
  ['LeNet-BN conv 1', [256, 24, 24, 6]],
  ['LeNet-BN conv 2', [256, 8, 8, 16]],
  ['LeNet-BN dense 1', [256, 120]],
  ['ECG ResNet stem', [32, 640, 1, 64]],
  ['ResNet-18 stem', [32, 48, 48, 64]],
  ['ResNet-18 stage 4', [32, 3, 3, 512]],
];

type Path = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const tfjsPath: Path = (x, g, b) => {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes);
  return tf.batchNorm(x, mean, variance, b, g, 1e-5);
};
const fusedPath: Path = (x, g, b) => batchNormTraining(x, g, b, x.rank - 1, 1e-5).y;

/** ms of one forward + backward and the gradients (x, gamma, beta). */
function step(path: Path, x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, dy: tf.Tensor) {
  const t0 = performance.now();
  const grads = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
    tf.sum(tf.mul(path(a, c, d), dy)),
  )([x, g, b]);
  for (const t of grads) t.dataSync();
  return { ms: performance.now() - t0, grads };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`wasm, ${status.threads} threads; median of ${rounds} interleaved rounds.\n`);
console.log('### Batch norm, training mode, forward + backward\n');
console.log('| batch norm | input | tfjs ms | fused ms | speed-up | max abs grad diff |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const [title, shape] of SHAPES) {
  const c = shape[shape.length - 1];
  const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
  const dy = tf.randomNormal(shape, 0, 1, 'float32', 2);
  const g = tf.randomUniform([c], 0.5, 1.5, 'float32', 3);
  const b = tf.randomNormal([c], 0, 1, 'float32', 4);
  const times: [number[], number[]] = [[], []];
  let diff = 0;
  for (let r = 0; r <= rounds; r++) {
    const a = step(tfjsPath, x, g, b, dy);
    const f = step(fusedPath, x, g, b, dy);
    if (r > 0) {
      times[0].push(a.ms);
      times[1].push(f.ms);
    }
    if (r === 0)
      a.grads.forEach((t, i) => {
        diff = Math.max(diff, tf.max(tf.abs(tf.sub(t, f.grads[i]))).dataSync()[0]);
      });
    tf.dispose([...a.grads, ...f.grads]);
  }
  const [ta, tfu] = times.map(median);
  console.log(
    `| ${title} | [${shape.join(', ')}] | ${ta.toFixed(1)} | ${tfu.toFixed(1)} | ` +
      `${(ta / tfu).toFixed(1)}x | ${diff.toExponential(1)} |`,
  );
  tf.dispose([x, dy, g, b]);
}

/**
 * Median ms of tfjs-backend-wasm's kernel (`theirs`) and netc's (`ours`), interleaved, each with
 * its read-back, and the largest difference of their results.
 */
function versus(theirs: () => tf.Tensor, ours: () => tf.Tensor) {
  const times: [number[], number[]] = [[], []];
  let diff = 0;
  for (let r = 0; r <= rounds; r++) {
    const out = [theirs, ours].map((f, i) => {
      const t0 = performance.now();
      const t = f();
      t.dataSync();
      if (r > 0) times[i].push(performance.now() - t0);
      return t;
    });
    if (r === 0) diff = tf.max(tf.abs(tf.sub(out[0], out[1]))).dataSync()[0];
    tf.dispose(out);
  }
  const [ta, tn] = times.map(median);
  return { ms: `${ta.toFixed(1)} | ${tn.toFixed(1)} | ${(ta / tn).toFixed(1)}x`, diff };
}
const backend = tf.backend();
/** tfjs-backend-wasm's own kernel `name` (which netc replaced) on `inputs`, as a tensor. */
const theirKernel = (name: string, inputs: tf.NamedTensorInfoMap, attrs: object) => () =>
  tf.engine().makeTensorFromTensorInfo(
    originalWasmKernel(name)!({
      inputs,
      backend,
      attrs: attrs as tf.NamedAttrMap,
    }) as tf.TensorInfo,
  );

console.log('\n### MaxPoolGrad\n');
const POOLS: [string, number[], number, number, 'same' | 'valid'][] = [
  ['LeNet-BN pool 1 (2x2/2)', [256, 24, 24, 6], 2, 2, 'valid'],
  ['LeNet-BN pool 2 (2x2/2)', [256, 8, 8, 16], 2, 2, 'valid'],
  ['ECG ResNet stem (3/2 same)', [32, 640, 1, 64], 3, 2, 'same'],
  ['ResNet-18 stem (3x3/2 same)', [32, 48, 48, 64], 3, 2, 'same'],
];
console.log('| pool | input | tfjs-backend-wasm ms | netc ms | speed-up | max abs diff |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const [title, shape, size, stride, pad] of POOLS) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 5);
  const filterSize: [number, number] = shape[2] === 1 ? [size, 1] : [size, size];
  const strides: [number, number] = shape[2] === 1 ? [stride, 1] : [stride, stride];
  const y = tf.maxPool(x as tf.Tensor4D, filterSize, strides, pad);
  const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 6);
  const attrs = { filterSize, strides, pad };
  const inputs = { dy, input: x, output: y };
  const { ms, diff } = versus(
    theirKernel('MaxPoolGrad', inputs, attrs),
    () => tf.engine().runKernel('MaxPoolGrad', inputs, attrs) as tf.Tensor,
  );
  console.log(`| ${title} | [${shape.join(', ')}] | ${ms} | ${diff.toExponential(1)} |`);
  tf.dispose([x, y, dy]);
}

console.log('\n### Reverse (the filter flip of every convolution input gradient)\n');
const REVERSES: [string, number[], number[]][] = [
  ['ResNet-18 stage 4 filter', [3, 3, 512, 512], [0, 1]],
  ['ResNet-18 stage 3 filter', [3, 3, 256, 256], [0, 1]],
  ['ECG ResNet 96-channel filter', [1, 32, 96, 96], [0, 1]],
  ['BiLSTM time axis', [32, 200, 128], [1]],
];
console.log('| reverse | input | axes | tfjs-backend-wasm ms | netc ms | speed-up | equal |');
console.log('| --- | --- | --- | ---: | ---: | ---: | --- |');
for (const [title, shape, dims] of REVERSES) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
  const { ms, diff } = versus(theirKernel('Reverse', { x }, { dims }), () => tf.reverse(x, dims));
  console.log(
    `| ${title} | [${shape.join(', ')}] | [${dims.join(', ')}] | ${ms} | ${diff === 0 ? 'yes' : 'no'} |`,
  );
  tf.dispose(x);
}

console.log('\n### Sum over leading axes (the bias gradient of every convolution)\n');
const SUMS: [string, number[], number[]][] = [
  ['ResNet-18 stem', [32, 48, 48, 64], [0, 1, 2]],
  ['ResNet-18 stage 1', [32, 24, 24, 64], [0, 1, 2]],
  ['LeNet-BN conv 1', [256, 24, 24, 6], [0, 1, 2]],
  ['ECG ResNet stem', [32, 640, 1, 64], [0, 1, 2]],
];
console.log('| sum | input | axes | tfjs-backend-wasm ms | netc ms | speed-up | max abs diff |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: |');
for (const [title, shape, axis] of SUMS) {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 8);
  const { ms, diff } = versus(theirKernel('Sum', { x }, { axis, keepDims: false }), () =>
    tf.sum(x, axis),
  );
  console.log(
    `| ${title} | [${shape.join(', ')}] | [${axis.join(', ')}] | ${ms} | ${diff.toExponential(1)} |`,
  );
  tf.dispose(x);
}
