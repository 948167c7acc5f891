/**
 * The helpers that run parts of the plain-JS kernel loops (runtime/kernels/host-pool.ts): how a
 * loop is split, that a helper really runs its part on the shared heap, that a failing helper
 * leaves a correct result (its part redone on the main thread) and a reason, and that the
 * kernels built on them (batch norm, MaxPoolGrad, the convolution gradients' phase filters and
 * columns, Sum over leading axes) give the same numbers split as on one thread.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../api/index.js';
import { batchNormTraining } from '../../runtime/kernels/batch-norm-train.js';
import { hostView } from '../../runtime/kernels/host-arrays.js';
import {
  helperPartsRun,
  hostPoolProblem,
  startHostPool,
  useHostPool,
} from '../../runtime/kernels/host-pool.js';
import { hostParts, hostTask, runParts, splitRange } from '../../runtime/kernels/parts.js';
import { randValues as values } from './helpers.js';

beforeAll(async () => {
  await initBackend('wasm', { threads: 2 });
});

afterAll(() => useHostPool(true));

describe('splitRange', () => {
  it('cuts [0, n) into whole steps, one range per part, none below the minimum', () => {
    useHostPool(true);
    expect(hostParts()).toBe(2);
    expect(splitRange(100, 10, 1)).toEqual([
      [0, 50],
      [50, 100],
    ]);
    // 7 steps of 3 (the last one short): 3 steps and 4 steps.
    expect(splitRange(20, 3, 1)).toEqual([
      [0, 9],
      [9, 20],
    ]);
    expect(splitRange(100, 10, 60)).toEqual([[0, 100]]);
    expect(splitRange(5, 10, 1)).toEqual([[0, 5]]);
    useHostPool(false);
    expect(splitRange(100, 10, 1)).toEqual([[0, 100]]);
    useHostPool(true);
  });
});

/** Writes `1` on the main thread and `2` on a helper into `out[lo, hi)`. */
function markThread(out: Float32Array, lo: number, hi: number): void {
  const v = (globalThis as { netcHostHelper?: boolean }).netcHostHelper === true ? 2 : 1;
  for (let i = lo; i < hi; i++) out[i] = v * (i + 1);
}
const markTask = hostTask(markThread);

/** Throws on a helper only. */
function failOnHelper(out: Float32Array, lo: number, hi: number): void {
  if ((globalThis as { netcHostHelper?: boolean }).netcHostHelper === true)
    throw new Error('helper refuses');
  for (let i = lo; i < hi; i++) out[i] = i;
}
const failTask = hostTask(failOnHelper);

describe('runParts', () => {
  it('runs the second part on a helper, in place on the wasm heap', () => {
    const t = tf.zeros([1000]);
    const out = hostView(t);
    expect(out.buffer).toBeInstanceOf(SharedArrayBuffer);
    runParts(markTask, [
      [out, 0, 600],
      [out, 600, 1000],
    ]);
    const got = t.dataSync();
    expect(got[0]).toBe(1);
    expect(got[599]).toBe(600);
    expect(got[600]).toBe(2 * 601);
    expect(got[999]).toBe(2 * 1000);
    t.dispose();
  });

  it('redoes a failed part on the main thread, says why, and stops using that helper', async () => {
    const t = tf.zeros([10]);
    const out = hostView(t);
    runParts(failTask, [
      [out, 0, 5],
      [out, 5, 10],
    ]);
    expect(Array.from(t.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(hostPoolProblem()).toMatch(/failOnHelper: Error: helper refuses/);
    expect(hostParts()).toBe(1);
    t.dispose();
    expect(await startHostPool(1)).toBeUndefined();
    expect(hostParts()).toBe(2);
    expect(hostPoolProblem()).toBeUndefined();
  });

  it('keeps two tasks apart whose functions share a name', () => {
    const sevens = hostTask(function fill(out: Float32Array, lo: number, hi: number): void {
      for (let i = lo; i < hi; i++) out[i] = 7;
    });
    const nines = hostTask(function fill(out: Float32Array, lo: number, hi: number): void {
      for (let i = lo; i < hi; i++) out[i] = 9;
    });
    const t = tf.zeros([8]);
    const out = hostView(t);
    for (const task of [sevens, nines, sevens])
      runParts(task, [
        [out, 0, 4],
        [out, 4, 8],
      ]);
    expect(Array.from(t.dataSync())).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
    runParts(nines, [
      [out, 0, 4],
      [out, 4, 8],
    ]);
    expect(Array.from(t.dataSync())).toEqual([9, 9, 9, 9, 9, 9, 9, 9]);
    t.dispose();
  });

  it('runs parts on unshared arrays on the main thread', () => {
    const out = new Float32Array(10);
    runParts(markTask, [
      [out, 0, 5],
      [out, 5, 10],
    ]);
    expect(Array.from(out)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

/** `f()`'s outputs on one thread and split, each as plain arrays. */
function bothWays(f: () => tf.Tensor[]): [Float32Array[], Float32Array[]] {
  const run = (on: boolean): Float32Array[] => {
    useHostPool(on);
    return tf.tidy(() => f().map((t) => t.dataSync() as Float32Array));
  };
  const one = run(false);
  const before = helperPartsRun();
  const two = run(true);
  // The split run really split: a helper ran parts of it.
  expect(helperPartsRun()).toBeGreaterThan(before);
  useHostPool(true);
  return [one, two];
}

function expectClose(a: Float32Array[], b: Float32Array[], tol: number): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, k) => {
    expect(x.length).toBe(b[k].length);
    let scale = 1;
    let diff = 0;
    for (let i = 0; i < x.length; i++) {
      scale = Math.max(scale, Math.abs(x[i]));
      diff = Math.max(diff, Math.abs(x[i] - b[k][i]));
    }
    expect(diff / scale).toBeLessThanOrEqual(tol);
  });
}

const rand = (shape: number[], seed: number): tf.Tensor =>
  tf.tensor(
    values(
      shape.reduce((p, d) => p * d, 1),
      seed,
    ),
    shape,
  );

describe('kernels split over the helpers give the numbers of one thread', () => {
  it('batch norm in training mode: output, statistics and the three gradients', () => {
    const [one, two] = bothWays(() => {
      const x = rand([4, 24, 24, 64], 1);
      const gamma = rand([64], 2);
      const beta = rand([64], 3);
      const dy = rand([4, 24, 24, 64], 4);
      const bn = batchNormTraining(x, gamma, beta, 3, 1e-5);
      const [dx, dg, db] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(batchNormTraining(a, g, b, 3, 1e-5).y, dy)),
      )([x, gamma, beta]);
      return [bn.y, bn.mean, bn.variance, dx, dg, db];
    });
    expectClose(one, two, 1e-6);
  });

  it('MaxPoolGrad 3x3 stride 2 same', () => {
    const [one, two] = bothWays(() => {
      const x = rand([8, 32, 32, 16], 5);
      const dy = rand([8, 16, 16, 16], 6);
      return [
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 3, 2, 'same'), dy)))(
          x,
        ),
      ];
    });
    expectClose(one, two, 0);
  });

  it('convolution gradients: phase filter (stride 1), phase matMul columns (stride 2), dx by columns', () => {
    const [one, two] = bothWays(() => {
      const out: tf.Tensor[] = [];
      for (const [xs, ws, s] of [
        [[2, 8, 8, 128], [3, 3, 128, 128], 1],
        [[16, 8, 8, 128], [3, 3, 128, 128], 2],
        [[16, 3, 3, 128], [3, 3, 128, 256], 1],
      ] as [number[], number[], number][]) {
        const x = rand(xs, 7);
        const w = rand(ws, 8);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, s, 'same'));
        out.push(...tf.grads(f)([x, w]));
      }
      return out;
    });
    expectClose(one, two, 0);
  });

  it('Sum over leading axes (a bias gradient)', () => {
    const [one, two] = bothWays(() => [tf.sum(rand([4, 30, 30, 40], 9), [0, 1, 2])]);
    expectClose(one, two, 1e-6);
  });
});
