/**
 * netc's plain-JS training kernels now against the same kernels at an earlier commit, side by
 * side in one process (ms: median of `--rounds` interleaved rounds): batch norm in training mode
 * (forward + backward, runtime/kernels/batch-norm-train.ts), MaxPoolGrad
 * (runtime/kernels/max-pool-grad.ts), Conv2DBackpropInput and Conv2DBackpropFilter
 * (runtime/kernels/conv2d-backprop.ts), on the shapes of the training benches. The earlier
 * runtime/kernels/ is extracted with `git archive` into bench/.cache/ (ignored); a kernel that
 * the commit lacks is left out. Also checks that both give the same numbers.
 *
 *   npx tsx bench/kernels-vs-ref.ts --ref 3b18199 [--rounds 15]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../api/index.js';
import { batchNormTraining } from '../runtime/kernels/batch-norm-train.js';
import { conv2dBackpropFilter, conv2dBackpropInput } from '../runtime/kernels/conv2d-backprop.js';
import { originalWasmKernel } from '../runtime/kernels/index.js';
import { maxPoolGrad } from '../runtime/kernels/max-pool-grad.js';

const { values } = parseArgs({
  options: { ref: { type: 'string', default: 'HEAD' }, rounds: { type: 'string', default: '15' } },
});
const rounds = Number(values.rounds);
const root = join(import.meta.dirname, '..');
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const sha = git('rev-parse', '--short', values.ref);
const dir = join(root, 'bench', '.cache', `kernels-${sha}`);
if (!existsSync(join(dir, 'runtime', 'kernels'))) {
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${sha} runtime/kernels | tar -x -C "${dir}"`], {
    cwd: root,
  });
}
const then = async <T>(file: string): Promise<T | null> => {
  const path = join(dir, 'runtime', 'kernels', file);
  return existsSync(path) ? ((await import(path)) as T) : null;
};
const oldBn = await then<{ batchNormTraining: typeof batchNormTraining }>('batch-norm-train.ts');
const oldPool = await then<{ maxPoolGrad: typeof maxPoolGrad }>('max-pool-grad.ts');
const oldConv = await then<{
  conv2dBackpropInput: typeof conv2dBackpropInput;
  conv2dBackpropFilter: typeof conv2dBackpropFilter;
}>('conv2d-backprop.ts');

const status = await initBackend('wasm');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function maxDiff(a: tf.TypedArray, b: tf.TypedArray): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Median ms of `run(old)` and `run(now)`, interleaved, and the largest difference of results. */
function sideBySide<K>(old: K, now: K, run: (k: K) => tf.TypedArray): [number, number, number] {
  const times: [number[], number[]] = [[], []];
  let diff = 0;
  for (let r = 0; r <= rounds; r++) {
    const out: tf.TypedArray[] = [];
    [old, now].forEach((k, i) => {
      const t0 = performance.now();
      out.push(run(k));
      if (r > 0) times[i].push(performance.now() - t0);
    });
    if (r === 0) diff = maxDiff(out[0], out[1]);
  }
  return [median(times[0]), median(times[1]), diff];
}
const row = (cells: (string | number)[]) => console.log(`| ${cells.join(' | ')} |`);

/** `k` called directly on the backend, its output read back and disposed. */
function callKernel(k: tf.KernelFunc, inputs: tf.NamedTensorInfoMap, attrs: object): tf.TypedArray {
  const info = k({
    inputs,
    backend: tf.backend(),
    attrs: attrs as tf.NamedAttrMap,
  }) as tf.TensorInfo;
  const out = tf.engine().makeTensorFromTensorInfo(info);
  const data = out.dataSync();
  out.dispose();
  return data;
}

console.log(
  `wasm, ${status.threads} threads; netc at ${sha} against now; median of ${rounds} rounds.\n`,
);
if (oldBn) {
  console.log('### Batch norm, training mode, forward + backward\n');
  row(['input', `${sha} ms`, 'now ms', 'speed-up', 'max abs dx diff']);
  row(['---', '---:', '---:', '---:', '---:']);
  for (const shape of [
    [256, 24, 24, 6],
    [256, 8, 8, 16],
    [256, 120],
    [32, 640, 1, 64],
    [32, 48, 48, 64],
    [32, 24, 24, 64],
  ]) {
    const c = shape[shape.length - 1];
    const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
    const dy = tf.randomNormal(shape, 0, 1, 'float32', 2);
    const g = tf.randomUniform([c], 0.5, 1.5, 'float32', 3);
    const b = tf.randomNormal([c], 0, 1, 'float32', 4);
    const [t0, t1, diff] = sideBySide(oldBn.batchNormTraining, batchNormTraining, (k) => {
      const grads = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const r = k(a, gg, bb, shape.length - 1, 1e-5);
        tf.dispose([r.mean, r.variance]);
        return r.y;
      })([x, g, b], dy);
      const dx = grads[0].dataSync();
      tf.dispose(grads);
      return dx;
    });
    row([
      `[${shape.join(', ')}]`,
      t0.toFixed(2),
      t1.toFixed(2),
      `${(t0 / t1).toFixed(2)}x`,
      diff.toExponential(1),
    ]);
    tf.dispose([x, dy, g, b]);
  }
}
if (oldPool) {
  console.log('\n### MaxPoolGrad\n');
  row(['input', 'window', `${sha} ms`, 'now ms', 'speed-up', 'max abs diff']);
  row(['---', '---', '---:', '---:', '---:', '---:']);
  const POOLS: [
    [number, number, number, number],
    [number, number],
    [number, number],
    'same' | 'valid',
  ][] = [
    [[256, 24, 24, 6], [2, 2], [2, 2], 'valid'],
    [[256, 8, 8, 16], [2, 2], [2, 2], 'valid'],
    [[32, 48, 48, 64], [3, 3], [2, 2], 'same'],
    [[32, 640, 1, 64], [3, 1], [2, 1], 'same'],
  ];
  for (const [shape, size, strides, pad] of POOLS) {
    // After a ReLU: half the inputs 0, ties in every window.
    const x = tf.relu(tf.randomNormal(shape, 0, 1, 'float32', 5)) as tf.Tensor4D;
    const y = tf.maxPool(x, size, strides, pad);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 6);
    const attrs = { filterSize: size, strides, pad };
    const [t0, t1, diff] = sideBySide(oldPool.maxPoolGrad, maxPoolGrad, (k) =>
      callKernel(k, { dy, input: x, output: y }, attrs),
    );
    row([
      `[${shape.join(', ')}]`,
      `${size.join('x')}/${strides.join('x')} ${pad}`,
      t0.toFixed(2),
      t1.toFixed(2),
      `${(t0 / t1).toFixed(2)}x`,
      diff.toExponential(1),
    ]);
    tf.dispose([x, y, dy]);
  }
}
if (oldConv) {
  const CONVS: [string, number[], [number, number, number, number], [number, number]][] = [
    ['ResNet-18 stem 7x7/2', [32, 96, 96, 1], [7, 7, 1, 64], [2, 2]],
    ['ResNet-18 3x3 64', [32, 24, 24, 64], [3, 3, 64, 64], [1, 1]],
    ['ResNet-18 3x3/2 128', [32, 24, 24, 64], [3, 3, 64, 128], [2, 2]],
    ['ResNet-18 1x1/2 128', [32, 24, 24, 64], [1, 1, 64, 128], [2, 2]],
    ['ResNet-18 3x3/2 256', [32, 12, 12, 128], [3, 3, 128, 256], [2, 2]],
    ['ResNet-18 3x3/2 512', [32, 6, 6, 256], [3, 3, 256, 512], [2, 2]],
    ['ResNet-18 1x1/2 512', [32, 6, 6, 256], [1, 1, 256, 512], [2, 2]],
    ['ResNet-18 3x3 512', [32, 3, 3, 512], [3, 3, 512, 512], [1, 1]],
    ['ECG 32-tap, 1 ch (stem)', [32, 1, 1280, 1], [1, 32, 1, 12], [1, 1]],
    ['ECG 32-tap, 12 ch', [32, 1, 1280, 12], [1, 32, 12, 12], [1, 1]],
    ['ECG 32-tap /2, 12 ch', [32, 1, 1280, 12], [1, 32, 12, 12], [1, 2]],
    ['ECG 32-tap, 96 ch', [32, 1, 80, 96], [1, 32, 96, 96], [1, 1]],
    ['ECG 32-tap /2, 96 ch', [32, 1, 160, 96], [1, 32, 96, 96], [1, 2]],
    ['LeNet 5x5, 1 ch', [256, 28, 28, 1], [5, 5, 1, 6], [1, 1]],
  ];
  const original = originalWasmKernel('Conv2DBackpropInput')!;
  const inputKernels = [oldConv.conv2dBackpropInput(original), conv2dBackpropInput(original)];
  const filterKernels = [oldConv.conv2dBackpropFilter, conv2dBackpropFilter];
  const rows: Record<'input' | 'filter', (string | number)[][]> = { input: [], filter: [] };
  for (const [name, inputShape, f, strides] of CONVS) {
    const attrs = { strides, pad: 'same', dilations: [1, 1], dataFormat: 'NHWC' };
    const x = tf.randomNormal(inputShape, 0, 1, 'float32', 9);
    const filter = tf.randomNormal(f, 0, 1, 'float32', 7);
    const probe = tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, 'same');
    const dy = tf.randomNormal(probe.shape, 0, 1, 'float32', 8);
    const cells = (r: [number, number, number]) => [
      name,
      `[${inputShape.join(', ')}]`,
      f.join('x'),
      strides.join('x'),
      r[0].toFixed(1),
      r[1].toFixed(1),
      `${(r[0] / r[1]).toFixed(2)}x`,
      r[2].toExponential(1),
    ];
    rows.input.push(
      cells(
        sideBySide(inputKernels[0], inputKernels[1], (k) =>
          callKernel(k, { dy, filter }, { ...attrs, inputShape }),
        ),
      ),
    );
    rows.filter.push(
      cells(
        sideBySide(filterKernels[0], filterKernels[1], (k) =>
          callKernel(k, { x, dy }, { ...attrs, filterShape: f }),
        ),
      ),
    );
    tf.dispose([x, filter, probe, dy]);
  }
  for (const [kind, title] of [
    ['input', 'Conv2DBackpropInput'],
    ['filter', 'Conv2DBackpropFilter'],
  ] as const) {
    console.log(`\n### ${title}\n`);
    row(['layer', 'x', 'filter', 'stride', `${sha} ms`, 'now ms', 'speed-up', 'max abs diff']);
    row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:']);
    for (const r of rows[kind]) row(r);
  }
}
