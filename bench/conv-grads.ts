/**
 * The 2-D convolution kernels on wasm, per shape of the training benches' models, each way side
 * by side, new operands each call as in training (interleaved rounds, median ms): the forward
 * convolution by the backend (XNNPACK; and its GFLOP/s) vs one matMul of the input's columns
 * (runtime/kernels/conv2d-forward.ts; `*` where netc takes it); the filter gradient one tap at a time
 * (a strided slice and a matMul per tap, as netc had, here on the faster BatchMatMul of
 * runtime/kernels/matmul.ts) vs one convolution with batch and channels swapped vs one matMul
 * of the input's columns (runtime/kernels/conv2d-backprop.ts; netc's choice by
 * `filterByColumnsFits`); the input gradient by the backend's own
 * kernel (a naive loop in tfjs-backend-wasm 4.22) vs netc's: one convolution of dy by the
 * stride's phases, a matMul spread by the stride for 1x1 kernels.
 * Also prints the largest difference between the two ways (they compute the same sums).
 *
 *   npx tsx bench/conv-grads.ts [--rounds N]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../api/index.js';
import { geometry, type Attrs } from '../runtime/kernels/composite.js';
import {
  filterByColumns,
  filterBySwappedConv,
  filterByTaps,
  inputBy1x1,
  inputByConv,
} from '../runtime/kernels/conv2d-backprop.js';
import { convByColumns, forwardByColumns } from '../runtime/kernels/conv2d-forward.js';
import { originalWasmKernel } from '../runtime/kernels/index.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);

interface Case {
  name: string;
  x: [number, number, number, number];
  f: [number, number, number, number];
  stride: number | [number, number];
  pad: 'same' | 'valid';
}

const only = process.env.NETC_CONV_GRADS_ONLY;
const all: Case[] = [
  { name: 'LeNet conv1', x: [256, 28, 28, 1], f: [5, 5, 1, 6], stride: 1, pad: 'valid' },
  { name: 'LeNet conv2', x: [256, 12, 12, 6], f: [5, 5, 6, 16], stride: 1, pad: 'valid' },
  { name: 'ECG stem', x: [32, 1, 1280, 1], f: [1, 32, 1, 12], stride: 1, pad: 'same' },
  { name: 'ECG 12ch', x: [32, 1, 1280, 12], f: [1, 32, 12, 12], stride: 1, pad: 'same' },
  { name: 'ECG 12ch /2', x: [32, 1, 1280, 12], f: [1, 32, 12, 12], stride: [1, 2], pad: 'same' },
  { name: 'ECG 96ch', x: [32, 1, 80, 96], f: [1, 32, 96, 96], stride: 1, pad: 'same' },
  { name: 'R18 stem 7x7/2', x: [32, 96, 96, 1], f: [7, 7, 1, 64], stride: 2, pad: 'same' },
  { name: 'R18 3x3 64', x: [32, 24, 24, 64], f: [3, 3, 64, 64], stride: 1, pad: 'same' },
  { name: 'R18 3x3/2 128', x: [32, 24, 24, 64], f: [3, 3, 64, 128], stride: 2, pad: 'same' },
  { name: 'R18 1x1/2 128', x: [32, 24, 24, 64], f: [1, 1, 64, 128], stride: 2, pad: 'same' },
  { name: 'R18 3x3 128', x: [32, 12, 12, 128], f: [3, 3, 128, 128], stride: 1, pad: 'same' },
  { name: 'R18 3x3/2 256', x: [32, 12, 12, 128], f: [3, 3, 128, 256], stride: 2, pad: 'same' },
  { name: 'R18 3x3 256', x: [32, 6, 6, 256], f: [3, 3, 256, 256], stride: 1, pad: 'same' },
  { name: 'R18 3x3/2 512', x: [32, 6, 6, 256], f: [3, 3, 256, 512], stride: 2, pad: 'same' },
  { name: 'R18 1x1/2 512', x: [32, 6, 6, 256], f: [1, 1, 256, 512], stride: 2, pad: 'same' },
  { name: 'R18 3x3 512', x: [32, 3, 3, 512], f: [3, 3, 512, 512], stride: 1, pad: 'same' },
];

const cases = only ? all.filter((c) => c.name.includes(only)) : all;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

await initBackend('wasm');
const original = originalWasmKernel('Conv2DBackpropInput');
const conv2d = originalWasmKernel('Conv2D');
console.log(`${rounds} interleaved rounds per shape, median ms, wasm ${tf.getBackend()}.\n`);
console.log(
  '| shape | x | filter | stride | forward | GFLOP/s | fwd columns | dW taps | dW swapped conv | speed-up | dW columns | speed-up | dX tfjs | dX conv | speed-up | max diff |',
);
console.log(
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
);
for (const c of cases) {
  const attrs: Attrs = { strides: c.stride, pad: c.pad, dilations: 1, dataFormat: 'NHWC' };
  const g = geometry(c.x, c.f, attrs, false);
  const x = tf.randomNormal(c.x) as tf.Tensor4D;
  const f = tf.randomNormal(c.f) as tf.Tensor4D;
  const dy = tf.randomNormal([g.b, g.oh, g.ow, c.f[3]]) as tf.Tensor4D;
  // New operands each call, as in training: XNNPACK packs each new filter (and each new dy that
  // a matMul takes as its packed operand) again, and tfjs-backend-wasm keeps what it packed
  // for a tensor that comes back.
  let dyNow = dy;
  let fNow = f;
  const ways: Record<string, () => tf.Tensor> = {
    forward: () => {
      const info = conv2d!({
        inputs: { x, filter: fNow },
        backend: tf.backend(),
        attrs: attrs as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      return tf.engine().makeTensorFromTensorInfo(info);
    },
    fwdColumns: () => convByColumns(x, fNow, g),
    taps: () => filterByTaps(x, dyNow, g, c.f),
    swapped: () => filterBySwappedConv(x, dyNow, g),
    columns: () => filterByColumns(x, dyNow, g, c.f),
    tfjs: () => {
      const info = original!({
        inputs: { dy: dyNow, filter: fNow },
        backend: tf.backend(),
        attrs: { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap,
      }) as tf.TensorInfo;
      return tf.engine().makeTensorFromTensorInfo(info);
    },
    conv: () => (c.f[0] * c.f[1] === 1 ? inputBy1x1(dyNow, fNow, g) : inputByConv(dyNow, fNow, g)),
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
  const last: Record<string, Float32Array> = {};
  for (let r = 0; r <= rounds; r++)
    for (const [k, fn] of Object.entries(ways)) {
      dyNow = tf.mul(dy, 1);
      fNow = tf.mul(f, 1);
      dyNow.dataSync();
      fNow.dataSync();
      const t0 = performance.now();
      const out = tf.tidy(fn);
      const data = out.dataSync() as Float32Array;
      if (r > 0) ms[k].push(performance.now() - t0);
      else last[k] = data;
      tf.dispose([out, dyNow, fNow]);
    }
  const diff = (a: Float32Array, b: Float32Array): number => {
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
    return m;
  };
  const [mf, mfc, mt, ms2, mcol, mi, mc] = [
    'forward',
    'fwdColumns',
    'taps',
    'swapped',
    'columns',
    'tfjs',
    'conv',
  ].map((k) => median(ms[k]));
  const gflop = (2 * g.b * g.oh * g.ow * c.f[0] * c.f[1] * c.f[2] * c.f[3]) / 1e9;
  const d = Math.max(
    diff(last.taps, last.swapped),
    diff(last.taps, last.columns),
    diff(last.tfjs, last.conv),
    diff(last.forward, last.fwdColumns),
  );
  console.log(
    `| ${c.name} | ${c.x.join('x')} | ${c.f.join('x')} | ${String(c.stride)} | ${mf.toFixed(1)} | ` +
      `${((gflop / mf) * 1000).toFixed(0)} | ${mfc.toFixed(1)}${forwardByColumns(g, c.f[3]) ? ' *' : ''} | ` +
      `${mt.toFixed(1)} | ` +
      `${ms2.toFixed(1)} | ${(mt / ms2).toFixed(1)}x | ${mcol.toFixed(1)} | ${(mt / mcol).toFixed(1)}x | ` +
      `${mi.toFixed(1)} | ${mc.toFixed(1)} | ` +
      `${(mi / mc).toFixed(1)}x | ${d.toExponential(1)} |`,
  );
  tf.dispose([x, f, dy]);
}
