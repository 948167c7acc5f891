/**
 * The wasm gradient kernels of runtime/kernels/ (Conv2DBackpropFilter, Conv2DBackpropInput,
 * the depthwise backprops, BatchMatMul with transposes and batches, the FusedBatchNorm gradient)
 * against two references: the same gradients on the cpu backend (tfjs-core's own kernels) and
 * central differences of the loss `sum(op(x, w) * r)`. That loss is linear in each of `x` and
 * `w`, so a difference with step 1 is exact up to float rounding: the numeric gradient of each
 * element checked is computed from two forward passes only.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupedConv2d, initBackend } from '../../api/index.js';
import { geometry } from '../../runtime/kernels/composite.js';
import { filterByColumns } from '../../runtime/kernels/conv2d-backprop.js';
import { randValues as values } from './helpers.js';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
type Shape4 = [number, number, number, number];

function maxRel(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let scale = 1;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m / scale;
}

type Op = (x: tf.Tensor, w: tf.Tensor) => tf.Tensor;

interface Case {
  name: string;
  x: number[];
  w: number[];
  op: Op;
}

/** The gradients of `sum(op(x, w) * r)` in x and w on the current backend. */
function grads(c: Case): { dx: Float32Array; dw: Float32Array; y: number[] } {
  return tf.tidy(() => {
    const x = tf.tensor(values(size(c.x), 1), c.x);
    const w = tf.tensor(values(size(c.w), 2), c.w);
    const y = c.op(x, w);
    const r = tf.tensor(values(size(y.shape), 3), y.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(c.op(a, b), r)))([
      x,
      w,
    ]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array, y: y.shape };
  });
}

/** Central differences (step 1) of the same loss at up to `count` elements of x and of w. */
function numeric(c: Case, count = 24): { x: [number, number][]; w: [number, number][] } {
  return tf.tidy(() => {
    const xv = values(size(c.x), 1);
    const wv = values(size(c.w), 2);
    const y0 = c.op(tf.tensor(xv, c.x), tf.tensor(wv, c.w));
    const r = tf.tensor(values(size(y0.shape), 3), y0.shape);
    const loss = (xa: Float32Array, wa: Float32Array): number =>
      tf.tidy(() => tf.sum(tf.mul(c.op(tf.tensor(xa, c.x), tf.tensor(wa, c.w)), r)).dataSync()[0]);
    const probe = (data: Float32Array, other: (d: Float32Array) => number): [number, number][] => {
      const picks: [number, number][] = [];
      const step = Math.max(1, Math.floor(data.length / count));
      for (let i = 0; i < data.length; i += step) {
        const d = data.slice();
        d[i] += 1;
        const up = other(d);
        d[i] -= 2;
        const down = other(d);
        picks.push([i, (up - down) / 2]);
      }
      return picks;
    };
    return {
      x: probe(xv, (d) => loss(d, wv)),
      w: probe(wv, (d) => loss(xv, d)),
    };
  });
}

const conv =
  (stride: number | [number, number], pad: 'same' | 'valid', fused = false): Op =>
  (x, w) =>
    fused
      ? tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: w as tf.Tensor4D,
          strides: stride,
          pad,
          bias: tf.ones([w.shape[3]!]),
        })
      : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad);

const depthwise =
  (stride: number | [number, number], pad: 'same' | 'valid'): Op =>
  (x, w) =>
    tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad);

const cases: Case[] = [
  {
    name: 'conv 3x3 stride 2 same, batch 3, 5 -> 4, 7x9',
    x: [3, 7, 9, 5],
    w: [3, 3, 5, 4],
    op: conv(2, 'same'),
  },
  {
    name: 'conv 2x3 stride 3 valid, batch 1, 1 channel',
    x: [1, 8, 10, 1],
    w: [2, 3, 1, 3],
    op: conv(3, 'valid'),
  },
  {
    name: 'conv 4x4 same (even kernel, asymmetric pad)',
    x: [2, 6, 5, 3],
    w: [4, 4, 3, 2],
    op: conv(1, 'same'),
  },
  {
    name: 'conv 2x2 stride 2 same, odd input',
    x: [2, 7, 7, 2],
    w: [2, 2, 2, 5],
    op: conv(2, 'same'),
  },
  {
    name: 'conv 2x2 stride 3 valid into 4 channels (phases no tap meets)',
    x: [2, 10, 8, 4],
    w: [2, 2, 4, 3],
    op: conv(3, 'valid'),
  },
  {
    name: 'conv 4x3 strides 2x3 same into 5 channels, odd input',
    x: [2, 9, 11, 5],
    w: [4, 3, 5, 3],
    op: conv([2, 3], 'same'),
  },
  {
    name: 'conv 3x3 stride 2, explicit pads past the input (dy rows cropped)',
    x: [2, 7, 8, 4],
    w: [3, 3, 4, 2],
    op: (x, w) =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, [
        [0, 0],
        [4, 0],
        [0, 5],
        [0, 0],
      ]),
  },
  {
    name: 'conv 3x3 stride 2 same, 1 channel into 12 (filter gradient by columns)',
    x: [2, 9, 8, 1],
    w: [3, 3, 1, 12],
    op: conv(2, 'same'),
  },
  {
    name: 'conv 2x2 strides 1x2 valid, 2 channels into 9 (by columns)',
    x: [3, 5, 8, 2],
    w: [2, 2, 2, 9],
    op: conv([1, 2], 'valid'),
  },
  {
    name: 'conv 3x3 same, 3x2 input, 13 channels into 4 (input gradient by one matMul)',
    x: [1, 3, 2, 13],
    w: [3, 3, 13, 4],
    op: conv(1, 'same'),
  },
  {
    name: 'conv 3x3 stride 2 same, 6 channels into 5 (phases by one matMul)',
    x: [2, 5, 4, 6],
    w: [3, 3, 6, 5],
    op: conv(2, 'same'),
  },
  {
    name: 'conv 3x2 strides 2x3 same, 5 channels (a phase without taps, by one matMul)',
    x: [1, 7, 8, 5],
    w: [3, 2, 5, 3],
    op: conv([2, 3], 'same'),
  },
  {
    name: 'conv 3x3 stride 2, explicit pads past the input, 9 channels (cropped, by one matMul)',
    x: [1, 7, 8, 9],
    w: [3, 3, 9, 2],
    op: (x, w) =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, [
        [0, 0],
        [4, 0],
        [0, 5],
        [0, 0],
      ]),
  },
  {
    name: 'conv 3x3 same into 32 channels (filter gradient by shifted columns)',
    x: [2, 5, 6, 3],
    w: [3, 3, 3, 32],
    op: conv(1, 'same'),
  },
  {
    name: 'conv 3x3 same on 70-wide rows into 32 channels (shifted columns, long zero runs)',
    x: [2, 3, 70, 2],
    w: [3, 3, 2, 32],
    op: conv(1, 'same'),
  },
  {
    name: 'conv 4x4 same on 1 channel (shifted columns, asymmetric pad)',
    x: [3, 6, 5, 1],
    w: [4, 4, 1, 3],
    op: conv(1, 'same'),
  },
  {
    name: 'conv 3x2 valid, 2 channels into 33 (columns by rows)',
    x: [2, 6, 7, 2],
    w: [3, 2, 2, 33],
    op: conv(1, 'valid'),
  },
  {
    name: 'conv 3x3 same, 3x2 input, 5 channels into 8 (input gradient by columns)',
    x: [1, 3, 2, 5],
    w: [3, 3, 5, 8],
    op: conv(1, 'same'),
  },
  {
    name: 'conv 3x3 stride 2 same into 20 channels (input gradient by columns)',
    x: [2, 5, 4, 6],
    w: [3, 3, 6, 20],
    op: conv(2, 'same'),
  },
  {
    name: 'conv 3x3 stride 2, explicit pads past the input, into 40 (input gradient by columns)',
    x: [1, 7, 8, 3],
    w: [3, 3, 3, 40],
    op: (x, w) =>
      tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, [
        [0, 0],
        [4, 0],
        [0, 5],
        [0, 0],
      ]),
  },
  { name: 'conv 1x1 stride 2 (a shortcut)', x: [3, 6, 5, 4], w: [1, 1, 4, 6], op: conv(2, 'same') },
  {
    name: 'conv 3x3 stride 2 same into 1 channel (stem)',
    x: [2, 9, 8, 1],
    w: [3, 3, 1, 4],
    op: conv(2, 'same'),
  },
  {
    name: 'conv 5x5 valid (LeNet), fused with a bias',
    x: [3, 9, 9, 1],
    w: [5, 5, 1, 3],
    op: conv(1, 'valid', true),
  },
  {
    name: 'conv1d k 6 same (even), stride 2',
    x: [3, 1, 21, 2],
    w: [1, 6, 2, 3],
    op: conv([1, 2], 'same'),
  },
  {
    name: 'conv1d k 5 valid, stride 3, 5 channels',
    x: [1, 1, 17, 5],
    w: [1, 5, 5, 2],
    op: conv([1, 3], 'valid'),
  },
  {
    name: 'depthwise 3x3 stride 2 same, multiplier 2',
    x: [3, 7, 6, 5],
    w: [3, 3, 5, 2],
    op: depthwise(2, 'same'),
  },
  {
    name: 'depthwise 4x2 same (even), batch 1',
    x: [1, 6, 7, 3],
    w: [4, 2, 3, 1],
    op: depthwise(1, 'same'),
  },
  {
    name: 'separable (depthwise 3x3 then 1x1 to 4)',
    x: [2, 6, 6, 3],
    w: [3, 3, 3, 2],
    op: (x, w) =>
      tf.separableConv2d(
        x as tf.Tensor4D,
        w as tf.Tensor4D,
        tf.tensor4d(values(24, 9), [1, 1, 6, 4]),
        1,
        'same',
      ),
  },
  {
    name: 'grouped 3x3 stride 2, 6 -> 4 in 2 groups (netc groupedConv2d)',
    x: [3, 7, 5, 6],
    w: [3, 3, 3, 4],
    op: (x, w) => groupedConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, [2, 2], 'same', [1, 1]),
  },
  {
    name: 'matMul a^T b',
    x: [7, 5],
    w: [7, 3],
    op: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, false),
  },
  {
    name: 'matMul a b^T',
    x: [4, 6],
    w: [5, 6],
    op: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true),
  },
  {
    name: 'batched matMul [3] x [3], a^T b^T',
    x: [3, 4, 2],
    w: [3, 5, 4],
    op: (a, b) => tf.matMul(a, b, true, true),
  },
  {
    name: 'batched matMul [2, 3] x [2, 3], a b',
    x: [2, 3, 4, 5],
    w: [2, 3, 5, 2],
    op: (a, b) => tf.matMul(a, b),
  },
];

const onCpu = new Map<string, ReturnType<typeof grads>>();
const exact = new Map<string, ReturnType<typeof numeric>>();

beforeAll(async () => {
  await initBackend('wasm'); // registers the kernels (and the FusedBatchNorm gradient) first
  await initBackend('cpu');
  for (const c of cases) {
    onCpu.set(c.name, grads(c));
    exact.set(c.name, numeric(c));
  }
  await initBackend('wasm');
}, 60_000);

afterAll(() => initBackend('wasm'));

describe('wasm gradient kernels', () => {
  for (const c of cases) {
    it(`${c.name}: as on cpu and as central differences`, () => {
      expect(tf.getBackend()).toBe('wasm');
      const got = grads(c);
      const cpu = onCpu.get(c.name)!;
      expect(got.y).toEqual(cpu.y);
      expect(maxRel(got.dx, cpu.dx)).toBeLessThan(1e-5);
      expect(maxRel(got.dw, cpu.dw)).toBeLessThan(1e-5);
      const num = exact.get(c.name)!;
      for (const [i, d] of num.x) expect(got.dx[i]).toBeCloseTo(d, 3);
      for (const [i, d] of num.w) expect(got.dw[i]).toBeCloseTo(d, 3);
    });
  }
});

describe('kernels the tfjs gradients never ask for, called directly', () => {
  // tfjs-core refuses the gradient of a dilated conv2d, but the kernels take `dilations`.
  // 3 channels into 4: the filter gradient one tap at a time; 1 channel: by shifted columns.
  for (const [x, w] of [
    [
      [2, 9, 8, 3],
      [3, 2, 3, 4],
    ],
    [
      [2, 9, 8, 1],
      [3, 2, 1, 4],
    ],
    // Fewer output positions (12) than output channels: the input gradient by columns.
    [
      [1, 3, 4, 2],
      [3, 2, 2, 16],
    ],
  ])
    it(`Conv2DBackpropInput and Conv2DBackpropFilter with dilation 2, same padding, ${x[3]} channels`, () => {
      const dilated: Case = {
        name: 'dilation 2',
        x,
        w,
        op: (a, b) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same', 'NHWC', 2),
      };
      const num = numeric(dilated);
      const [dx, dw] = tf.tidy(() => {
        const xt = tf.tensor(values(size(x), 1), x);
        const wt = tf.tensor(values(size(w), 2), w);
        const y = dilated.op(xt, wt);
        const r = tf.tensor(values(size(y.shape), 3), y.shape);
        const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 2 };
        const gx = tf.engine().runKernel(
          'Conv2DBackpropInput',
          { dy: r, filter: wt },
          {
            ...attrs,
            inputShape: x,
          },
        ) as tf.Tensor;
        const gw = tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: xt, dy: r },
          {
            ...attrs,
            filterShape: w,
          },
        ) as tf.Tensor;
        return [gx.dataSync(), gw.dataSync()];
      });
      for (const [i, d] of num.x) expect(dx[i]).toBeCloseTo(d, 3);
      for (const [i, d] of num.w) expect(dw[i]).toBeCloseTo(d, 3);
    });
});

describe('the filter gradient by columns, a few images at a time', () => {
  // Stride 2 on 3 channels and stride 1 same on 2 (shifted columns), in chunks of 1-3 images.
  const shapes: [Shape4, Shape4, number][] = [
    [[13, 9, 8, 3], [3, 3, 3, 40], 2],
    [[13, 6, 5, 2], [3, 2, 2, 33], 1],
  ];
  for (const [x, w, s] of shapes)
    it(`${x.join('x')} by ${w.join('x')}, stride ${s}: as on cpu for every chunk size`, async () => {
      const run = (chunk?: number): Float32Array =>
        tf
          .tidy(() => {
            const xt = tf.tensor4d(values(size(x), 1), x);
            const g = geometry(x, w, { strides: [s, s], pad: 'same', dilations: [1, 1] }, false);
            const dy = tf.tensor4d(values(g.b * g.oh * g.ow * w[3], 2), [g.b, g.oh, g.ow, w[3]]);
            if (chunk === undefined)
              return tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy }, {
                strides: s,
                pad: 'same',
                dataFormat: 'NHWC',
                dilations: 1,
                filterShape: w,
              } as unknown as tf.NamedAttrMap) as tf.Tensor;
            return filterByColumns(xt, dy, g, w, chunk);
          })
          .dataSync() as Float32Array;
      await initBackend('cpu');
      const want = run();
      await initBackend('wasm');
      const perImage = Math.ceil(x[1] / s) * Math.ceil(x[2] / s) * w[3] * 4;
      for (const images of [1, 2, 3]) {
        const got = run(perImage * images);
        expect(maxRel(got, want)).toBeLessThan(1e-5);
      }
    });
});

describe('the Relu gradient (registered with the wasm kernels)', () => {
  it('is dy where x > 0, 0 where x <= 0 and NaN where x is NaN (a naive loop)', () => {
    const xs = values(4 * 7 * 5 * 3, 31).map((v, i) => (i % 9 === 0 ? 0 : i === 17 ? NaN : v));
    const dys = values(xs.length, 32);
    const got = tf.tidy(() => {
      const dy = tf.tensor4d(dys, [4, 7, 5, 3]);
      const x = tf.tensor4d(xs, [4, 7, 5, 3]);
      return tf
        .grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(x)
        .dataSync();
    });
    const want = xs.map((v, i) => (Number.isNaN(v) ? NaN : v > 0 ? dys[i] : 0));
    expect(Array.from(got, (v) => (v === 0 ? 0 : v))).toEqual(Array.from(want));
  });

  it('runs no Cast for a float32 input', async () => {
    const x = tf.tensor2d(values(12, 33), [3, 4]);
    const profile = await tf.profile(() => tf.grad((a: tf.Tensor) => tf.sum(tf.relu(a)))(x));
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain('Step');
    expect(names).not.toContain('Cast');
    x.dispose();
  });
});

describe('BatchMatMul with a broadcast b (no tfjs gradient for it)', () => {
  it('folds the batch of a into rows: as a naive product', () => {
    const a = values(2 * 3 * 4 * 5, 21);
    const b = values(5 * 2, 22);
    const got = tf.tidy(() =>
      tf.matMul(tf.tensor(a, [2, 3, 4, 5]), tf.tensor(b, [1, 5, 2]), false, false).dataSync(),
    );
    const want = new Float32Array(2 * 3 * 4 * 2);
    for (let m = 0; m < 6; m++)
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 2; j++) {
          let sum = 0;
          for (let k = 0; k < 5; k++) sum += a[m * 20 + i * 5 + k] * b[k * 2 + j];
          want[m * 8 + i * 2 + j] = sum;
        }
    expect(maxRel(got, want)).toBeLessThan(1e-6);
  });
});

describe('the FusedBatchNorm gradient (registered with the wasm kernels)', () => {
  it('matches central differences in x, mean, variance, scale and offset', () => {
    const shape = [3, 2, 4, 5];
    const data = (n: number, seed: number, lo = 0): Float32Array =>
      values(n, seed).map((v) => v + lo);
    const xv = data(size(shape), 11);
    const mean = data(5, 12);
    const variance = data(5, 13, 1.5); // in [0.5, 2.5)
    const scale = data(5, 14);
    const offset = data(5, 15);
    const r = tf.tensor(values(size(shape), 16), shape);
    const loss = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
      tf.sum(tf.mul(tf.batchNorm(x, m, v, o, s, 1e-3), r));
    const inputs = [xv, mean, variance, scale, offset];
    const shapes = [shape, [5], [5], [5], [5]];
    const tensors = inputs.map((d, i) => tf.tensor(d, shapes[i]));
    const got = tf
      .grads(loss)(tensors)
      .map((g) => g.dataSync());
    const h = 1e-2;
    inputs.forEach((d, k) => {
      for (let i = 0; i < d.length; i += Math.max(1, Math.floor(d.length / 10))) {
        const at = (delta: number): number => {
          const moved = inputs.map((e, j) => {
            const c = Float32Array.from(e);
            if (j === k) c[i] += delta;
            return tf.tensor(c, shapes[j]);
          });
          const [x, m, v, s, o] = moved;
          const out = loss(x, m, v, s, o).dataSync()[0];
          tf.dispose(moved);
          return out;
        };
        expect(got[k][i]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 2);
      }
    });
    tf.dispose([r, ...tensors]);
  });
});
