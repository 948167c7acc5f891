/**
 * The training kernels that run as plain JS (runtime/kernels/max-pool-grad.ts,
 * runtime/kernels/reverse.ts, runtime/kernels/sum.ts, runtime/kernels/batch-norm-train.ts and the
 * layer on it) and the shared Identity (runtime/kernels/identity.ts) against independent references:
 * tfjs-core's own cpu kernels for the same maths and central differences of a loss
 * `sum(op(x) * r)`, on odd shapes. Also pins that tfjs-backend-wasm 4.22's own MaxPoolGrad gives
 * other numbers (which is why netc replaces it), and that its own Reverse gives the same ones.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../api/index.js';
import { batchNormTraining } from '../../runtime/kernels/batch-norm-train.js';
import { originalWasmKernel } from '../../runtime/kernels/index.js';
import { FastBatchNormalization } from '../../runtime/layers/index.js';
import { randValues as values } from './helpers.js'; // distinct: max-pool windows have no ties

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function maxAbs(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m;
}

/** Central differences of `loss` at about `count` elements of `data`. */
function numeric(
  data: Float32Array,
  loss: (d: Float32Array) => number,
  h: number,
  count = 20,
): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < data.length; i += Math.max(1, Math.floor(data.length / count))) {
    const d = data.slice();
    d[i] += h;
    const up = loss(d);
    d[i] -= 2 * h;
    out.push([i, (up - loss(d)) / (2 * h)]);
  }
  return out;
}

interface PoolCase {
  name: string;
  x: [number, number, number, number];
  size: [number, number];
  stride: [number, number];
  pad: 'same' | 'valid';
}
const pools: PoolCase[] = [
  { name: '2x2/2 valid, 3 channels', x: [2, 6, 7, 3], size: [2, 2], stride: [2, 2], pad: 'valid' },
  { name: '3x3/2 same, odd sizes', x: [3, 7, 5, 2], size: [3, 3], stride: [2, 2], pad: 'same' },
  { name: '1-D 3/2 same (as pool1d)', x: [2, 9, 1, 4], size: [3, 1], stride: [2, 1], pad: 'same' },
  { name: '2x3/1 valid, overlapping', x: [1, 5, 6, 1], size: [2, 3], stride: [1, 1], pad: 'valid' },
];

interface ReverseCase {
  name: string;
  x: number[];
  dims: number[];
  dtype: 'float32' | 'int32' | 'bool';
}
const reverses: ReverseCase[] = [
  {
    name: 'a 3x3 filter flipped in its leading axes',
    x: [3, 3, 5, 4],
    dims: [0, 1],
    dtype: 'float32',
  },
  { name: 'the time axis of [2, 7, 3]', x: [2, 7, 3], dims: [1], dtype: 'float32' },
  { name: 'the last axis, negative, int32', x: [4, 5], dims: [-1], dtype: 'int32' },
  { name: 'axes 0 and 2 of [2, 3, 4, 2], bool', x: [2, 3, 4, 2], dims: [0, 2], dtype: 'bool' },
  { name: 'only axes of size 1', x: [1, 3, 1, 2], dims: [0, 2], dtype: 'float32' },
  { name: 'a vector', x: [6], dims: [0], dtype: 'float32' },
];

interface SumCase {
  name: string;
  x: number[];
  axis: number[];
  keepDims: boolean;
}
const sums: SumCase[] = [
  // A bias gradient over many row blocks (4,032 values per block for 64 channels), the last partial.
  {
    name: 'a bias gradient [5, 9, 11, 64] over [0, 1, 2]',
    x: [5, 9, 11, 64],
    axis: [0, 1, 2],
    keepDims: false,
  },
  { name: 'axis 0 of [300, 7], kept', x: [300, 7], axis: [0], keepDims: true },
  {
    name: 'axes [1, 0], negative, of [4, 3, 5, 2]',
    x: [4, 3, 5, 2],
    axis: [1, -4],
    keepDims: false,
  },
  { name: 'rows of 2,100 (added whole)', x: [3, 2100], axis: [0], keepDims: false },
  { name: 'an empty batch', x: [0, 3, 4], axis: [0], keepDims: false },
  // Not over leading axes: the backend's own kernel.
  { name: 'axis 1 of [4, 6, 3] (the backend)', x: [4, 6, 3], axis: [1], keepDims: false },
];
const sumRun = (c: SumCase) =>
  tf.tidy(() => {
    const y = tf.sum(tf.tensor(values(size(c.x), 7), c.x), c.axis, c.keepDims);
    return { shape: y.shape, data: y.dataSync() };
  });
const cpuSums = new Map<string, { shape: number[]; data: ArrayLike<number> }>();

const reverseRun = (c: ReverseCase) =>
  tf.tidy(() => {
    const raw = values(size(c.x), 3);
    const x =
      c.dtype === 'float32'
        ? tf.tensor(raw, c.x)
        : c.dtype === 'int32'
          ? tf.tensor(
              Int32Array.from(raw, (v) => Math.round(v * 100)),
              c.x,
              'int32',
            )
          : tf.tensor(
              Int32Array.from(raw, (v) => (v > 0.5 ? 1 : 0)),
              c.x,
              'bool',
            );
    return tf.reverse(x, c.dims).dataSync();
  });
const cpuReverses = new Map<string, ArrayLike<number>>();

const poolLoss = (c: PoolCase, x: tf.Tensor, r: tf.Tensor) =>
  tf.sum(tf.mul(tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad), r));

/** The gradient of poolLoss in x, the inputs `values` mapped by `input` (the identity: distinct). */
function poolGrad(c: PoolCase, input = (v: number, _i: number) => v): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor(values(size(c.x), 1).map(input), c.x);
    const y = tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad);
    const r = tf.tensor(values(size(y.shape), 2), y.shape);
    return tf
      .grad((a: tf.Tensor) => poolLoss(c, a, r))(x)
      .dataSync() as Float32Array;
  });
}

/** poolGrad with ties: half the inputs 0 (as after a ReLU), whole windows of zeros among them. */
const tieGrad = (c: PoolCase) => poolGrad(c, (v) => Math.max(0, v - 0.5));
const cpuTies = new Map<string, Float32Array>();

/** poolGrad with every 7th input NaN: NaN never wins, whatever the forward's maxima hold. */
const nanGrad = (c: PoolCase) => poolGrad(c, (v, i) => (i % 7 === 3 ? NaN : v));
const cpuNans = new Map<string, Float32Array>();

interface BnCase {
  name: string;
  x: number[];
  axis: number;
  affine: boolean;
}
const norms: BnCase[] = [
  { name: 'channels last, 4-D', x: [3, 4, 5, 3], axis: 3, affine: true },
  { name: 'dense [5, 7]', x: [5, 7], axis: 1, affine: true },
  { name: 'axis 1 of [2, 3, 4, 5] (NetcBatchNorm)', x: [2, 3, 4, 5], axis: 1, affine: true },
  { name: 'no gamma, no beta, 3-D', x: [4, 6, 2], axis: 2, affine: false },
  // Many row blocks, the last one partial (4,095 values per block for 3 channels, 4,060 for 70).
  { name: 'channels last over 8 blocks', x: [8, 33, 40, 3], axis: 3, affine: true },
  { name: 'dense [600, 70] over 11 blocks', x: [600, 70], axis: 1, affine: true },
];

/** tfjs's path: moments + batchNorm (what tfjs-layers' BatchNormalization runs), axis moved last. */
function tfjsBn(c: BnCase, x: tf.Tensor, g: tf.Tensor | null, b: tf.Tensor | null) {
  const rank = c.x.length;
  const perm = [...c.x.keys()].filter((i) => i !== c.axis).concat([c.axis]);
  const back = perm.map((_, i) => perm.indexOf(i));
  const xl = tf.transpose(x, perm);
  const { mean, variance } = tf.moments(xl, [...Array(rank - 1).keys()]);
  const ch = c.x[c.axis];
  const y = tf.batchNorm(xl, mean, variance, b ?? tf.zeros([ch]), g ?? tf.ones([ch]), 1e-3);
  return { y: tf.transpose(y, back), mean, variance };
}

/** y, mean, variance and the gradients of sum(y * r) in x, gamma, beta. */
function bnRun(c: BnCase, fused: boolean): Float32Array[] {
  return tf.tidy(() => {
    const ch = c.x[c.axis];
    const x = tf.tensor(
      values(size(c.x), 3).map((v) => 2 * v + 0.5),
      c.x,
    );
    const g = tf.tensor(
      values(ch, 4).map((v) => v + 1.5),
      [ch],
    );
    const b = tf.tensor(values(ch, 5), [ch]);
    const r = tf.tensor(values(size(c.x), 6), c.x);
    const run = (a: tf.Tensor, gg: tf.Tensor | null, bb: tf.Tensor | null) =>
      fused ? batchNormTraining(a, gg, bb, c.axis, 1e-3) : tfjsBn(c, a, gg, bb);
    const out = run(x, c.affine ? g : null, c.affine ? b : null);
    const grads = c.affine
      ? tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(tf.mul(run(a, gg, bb).y, r)),
        )([x, g, b])
      : [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(run(a, null, null).y, r)))(x)];
    return [out.y, out.mean, out.variance, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

const cpuPools = new Map<string, Float32Array>();
const cpuNorms = new Map<string, Float32Array[]>();
beforeAll(async () => {
  await initBackend('wasm'); // registers netc's kernels first
  await initBackend('cpu');
  for (const c of pools) cpuPools.set(c.name, poolGrad(c));
  for (const c of pools) cpuTies.set(c.name, tieGrad(c));
  for (const c of pools) cpuNans.set(c.name, nanGrad(c));
  for (const c of norms) cpuNorms.set(c.name, bnRun(c, false));
  for (const c of reverses) cpuReverses.set(c.name, reverseRun(c));
  for (const c of sums) cpuSums.set(c.name, sumRun(c));
  await initBackend('wasm');
}, 60_000);
afterAll(() => initBackend('wasm'));

describe('Reverse on wasm (netc kernel)', () => {
  for (const c of reverses) {
    it(`${c.name}: as on cpu`, () => {
      expect(Array.from(reverseRun(c))).toEqual(Array.from(cpuReverses.get(c.name)!));
    });
  }
  it("gives what tfjs-backend-wasm 4.22's own Reverse gives", () => {
    const x = tf.tensor(values(3 * 3 * 5 * 4, 4), [3, 3, 5, 4]);
    const backend = tf.backend();
    const info = originalWasmKernel('Reverse')!({
      inputs: { x },
      backend,
      attrs: { dims: [0, 1] },
    }) as tf.TensorInfo;
    const theirs = tf.engine().makeTensorFromTensorInfo(info, backend);
    expect(Array.from(tf.reverse(x, [0, 1]).dataSync())).toEqual(Array.from(theirs.dataSync()));
    tf.dispose([x, theirs]);
  });
});

describe('Sum over leading axes on wasm (netc kernel)', () => {
  for (const c of sums) {
    it(`${c.name}: as on cpu`, () => {
      const got = sumRun(c);
      const want = cpuSums.get(c.name)!;
      expect(got.shape).toEqual(want.shape);
      expect(maxAbs(got.data, want.data)).toBeLessThan(1e-4);
    });
  }
});

describe('Identity on wasm (netc kernel)', () => {
  it('shares the data: no new buffer, and the clone outlives its source', () => {
    const x = tf.tensor(values(24, 8), [2, 3, 4]);
    const want = Array.from(x.dataSync());
    const before = tf.engine().backend.numDataIds();
    const y = tf.clone(x);
    expect(tf.engine().backend.numDataIds()).toBe(before);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(want);
    y.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before - 1);
  });

  it('a variable assigned after a clone leaves the clone as it was', () => {
    const v = tf.variable(tf.tensor([1, 2, 3]));
    const y = tf.clone(v);
    v.assign(tf.tensor([4, 5, 6]));
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
    tf.dispose([v, y]);
  });
});

describe('MaxPoolGrad on wasm (netc kernel)', () => {
  for (const c of pools) {
    it(`${c.name}, with ties: each dy to the first maximum, as on cpu`, () => {
      expect(maxAbs(tieGrad(c), cpuTies.get(c.name)!)).toBe(0);
    });
    it(`${c.name}, with NaN inputs: NaN never wins, as on cpu`, () => {
      const want = cpuNans.get(c.name)!;
      expect(want.some((v) => v !== 0)).toBe(true);
      expect(Array.from(nanGrad(c))).toEqual(Array.from(want));
    });
    it(`${c.name}: as on cpu and as central differences`, () => {
      const got = poolGrad(c);
      expect(maxAbs(got, cpuPools.get(c.name)!)).toBe(0);
      const xv = values(size(c.x), 1);
      const loss = (d: Float32Array) =>
        tf.tidy(() => {
          const x = tf.tensor(d, c.x);
          const y = tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad);
          return poolLoss(c, x, tf.tensor(values(size(y.shape), 2), y.shape)).dataSync()[0];
        });
      for (const [i, d] of numeric(xv, loss, 1e-4)) expect(got[i]).toBeCloseTo(d, 2);
    });
  }

  it("differs from tfjs-backend-wasm 4.22's own MaxPoolGrad, which is what netc replaces", () => {
    const c = pools[0];
    const theirs = tf.tidy(() => {
      const x = tf.tensor(values(size(c.x), 1), c.x);
      const y = tf.maxPool(x as tf.Tensor4D, c.size, c.stride, c.pad);
      const dy = tf.tensor(values(size(y.shape), 2), y.shape);
      const info = originalWasmKernel('MaxPoolGrad')!({
        inputs: { dy, input: x, output: y },
        backend: tf.backend(),
        attrs: { filterSize: c.size, strides: c.stride, pad: c.pad },
      }) as tf.TensorInfo;
      return tf.engine().makeTensorFromTensorInfo(info).dataSync();
    });
    expect(maxAbs(theirs, cpuPools.get(c.name)!)).toBeGreaterThan(0.1);
  });
});

describe('batch norm in training mode as one op (batchNormTraining)', () => {
  for (const c of norms) {
    it(`${c.name}: y, statistics and gradients as tfjs's moments + batchNorm on cpu`, () => {
      const got = bnRun(c, true);
      const want = cpuNorms.get(c.name)!;
      expect(got.length).toBe(want.length);
      got.forEach((g, k) => expect(maxAbs(g, want[k])).toBeLessThan(2e-5));
    });
  }

  it('has the batch statistics of float64 maths when the mean dwarfs the spread (x near 1000)', () => {
    const shape = [40, 9, 5];
    const xs = Float32Array.from(values(size(shape), 9), (v) => 1000 + 0.01 * v);
    const { mean, variance } = tf.tidy(() => {
      const r = batchNormTraining(tf.tensor(xs, shape), null, null, 2, 1e-3);
      return { mean: r.mean.dataSync(), variance: r.variance.dataSync() };
    });
    for (let k = 0; k < 5; k++) {
      const col = Array.from(xs).filter((_, i) => i % 5 === k);
      const mu = col.reduce((a, v) => a + v, 0) / col.length;
      const v = col.reduce((a, x) => a + (x - mu) ** 2, 0) / col.length;
      expect(Math.abs(mean[k] - mu) / mu).toBeLessThan(1e-7);
      expect(Math.abs(variance[k] - v) / v).toBeLessThan(1e-5);
    }
  });

  it('matches central differences in x, gamma and beta (float64 loss in JS)', () => {
    const c = norms[0];
    const ch = c.x[c.axis];
    const xv = values(size(c.x), 3).map((v) => 2 * v + 0.5);
    const gv = values(ch, 4).map((v) => v + 1.5);
    const bv = values(ch, 5);
    const rv = values(size(c.x), 6);
    // The same batch norm in float64, as the reference loss.
    const loss = (x: Float32Array, g: Float32Array, b: Float32Array): number => {
      let total = 0;
      for (let k = 0; k < ch; k++) {
        const idx = [...Array(size(c.x) / ch).keys()].map((p) => p * ch + k);
        const mean = idx.reduce((s, i) => s + x[i], 0) / idx.length;
        const v = idx.reduce((s, i) => s + (x[i] - mean) ** 2, 0) / idx.length;
        for (const i of idx) total += (((x[i] - mean) / Math.sqrt(v + 1e-3)) * g[k] + b[k]) * rv[i];
      }
      return total;
    };
    const [dx, dg, db] = tf.tidy(() => {
      const r = tf.tensor(rv, c.x);
      return tf
        .grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(batchNormTraining(a, g, b, c.axis, 1e-3).y, r)),
        )([tf.tensor(xv, c.x), tf.tensor(gv, [ch]), tf.tensor(bv, [ch])])
        .map((t) => t.dataSync());
    });
    const h = 1e-3;
    for (const [i, d] of numeric(xv, (v) => loss(v, gv, bv), h)) expect(dx[i]).toBeCloseTo(d, 3);
    for (const [i, d] of numeric(gv, (v) => loss(xv, v, bv), h)) expect(dg[i]).toBeCloseTo(d, 3);
    for (const [i, d] of numeric(bv, (v) => loss(xv, gv, v), h)) expect(db[i]).toBeCloseTo(d, 3);
  });
});

describe('FastBatchNormalization (what the runtime builds for tfjs BatchNormalization)', () => {
  it('trains as tfjs BatchNormalization: outputs, moving statistics and gradients', () => {
    const args = { axis: -1, momentum: 0.9, epsilon: 1e-5, name: 'bn' };
    const shape = [6, 3, 4];
    const x = tf.tensor(
      values(size(shape), 7).map((v) => 3 * v - 1),
      shape,
    );
    const r = tf.tensor(values(size(shape), 8), shape);
    const step = (layer: tf.layers.Layer) => {
      layer.build([null, 3, 4]);
      layer.setWeights([
        tf.tensor(values(4, 9).map((v) => v + 1.5)),
        tf.tensor(values(4, 10)),
        tf.tensor(values(4, 11)),
        tf.tensor(values(4, 12).map((v) => v + 2)),
      ]);
      const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, r)) as tf.Scalar,
        vars,
      );
      const y = (layer.apply(x, { training: true }) as tf.Tensor).dataSync();
      const dx = tf
        .grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, r)))(
          x,
        )
        .dataSync();
      const inference = (layer.apply(x) as tf.Tensor).dataSync();
      return [
        y,
        dx,
        inference,
        ...vars.map((v) => grads[v.name].dataSync()),
        ...layer.getWeights().map((w) => w.dataSync()),
      ];
    };
    const fast = new FastBatchNormalization(args);
    expect(fast.getClassName()).toBe('BatchNormalization');
    const got = step(fast);
    const want = step(tf.layers.batchNormalization(args));
    got.forEach((g, k) => expect(maxAbs(g, want[k])).toBeLessThan(2e-5));
  });
});
