/**
 * The wasm Conv2D of runtime/kernels/conv2d-forward.ts: the convolution as one matMul of the
 * input's columns by the filter, against the cpu backend's convolution (tfjs-core's own loop) on
 * odd shapes, strides and pads, called directly and through the kernel where netc picks it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../api/index.js';
import { geometry, type Pad } from '../../runtime/kernels/composite.js';
import {
  COLUMNS_MIN_FILTER,
  convByColumns,
  forwardByColumns,
} from '../../runtime/kernels/conv2d-forward.js';
import { randValues as values } from './helpers.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
type Shape4 = [number, number, number, number];

interface Case {
  name: string;
  x: Shape4;
  w: Shape4;
  strides: [number, number];
  pad: Pad;
}

const cases: Case[] = [
  {
    name: '3x3 same, batch 3, 5 -> 7, 4x6',
    x: [3, 4, 6, 5],
    w: [3, 3, 5, 7],
    strides: [1, 1],
    pad: 'same',
  },
  { name: '3x3/2 same, odd input', x: [2, 7, 5, 3], w: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  {
    name: '4x4 same (asymmetric pad)',
    x: [1, 5, 6, 2],
    w: [4, 4, 2, 3],
    strides: [1, 1],
    pad: 'same',
  },
  {
    name: '2x3 valid, strides 1x2',
    x: [2, 6, 9, 4],
    w: [2, 3, 4, 5],
    strides: [1, 2],
    pad: 'valid',
  },
  { name: '1x1/2 (a shortcut)', x: [2, 5, 5, 6], w: [1, 1, 6, 8], strides: [2, 2], pad: 'same' },
  {
    name: '3x3/2, explicit pads past the input',
    x: [2, 7, 8, 3],
    w: [3, 3, 3, 2],
    strides: [2, 2],
    pad: [
      [0, 0],
      [4, 0],
      [0, 5],
      [0, 0],
    ],
  },
];

/** `conv2d(x, w)` with the case's values on the current backend, by `how`. */
function run(c: Case, how: 'conv' | 'columns'): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(values(size(c.x), 1), c.x);
    const w = tf.tensor4d(values(size(c.w), 2), c.w);
    if (how === 'conv') return tf.conv2d(x, w, c.strides, c.pad).dataSync() as Float32Array;
    const g = geometry(c.x, c.w, { strides: c.strides, pad: c.pad, dilations: [1, 1] }, false);
    return convByColumns(x, w, g).dataSync() as Float32Array;
  });
}

function maxRel(got: Float32Array, want: Float32Array): number {
  expect(got.length).toBe(want.length);
  let scale = 1;
  let m = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i] - want[i]));
  return m / scale;
}

// Fewer output positions (2 x 2 x 3) than output channels, and a filter of 2^20 floats.
const picked: Case = {
  name: 'picked by the kernel',
  x: [2, 2, 3, 64],
  w: [2, 2, 64, COLUMNS_MIN_FILTER / 256],
  strides: [1, 1],
  pad: 'same',
};

const onCpu = new Map<string, Float32Array>();

beforeAll(async () => {
  await initBackend('cpu');
  for (const c of [...cases, picked]) onCpu.set(c.name, run(c, 'conv'));
  await initBackend('wasm');
}, 60_000);

describe('the convolution as one matMul of the columns', () => {
  for (const c of cases)
    it(`${c.name}: as the cpu backend's convolution`, () => {
      expect(maxRel(run(c, 'columns'), onCpu.get(c.name)!)).toBeLessThan(1e-6);
    });

  it('is what the wasm Conv2D runs where there are fewer positions than channels', () => {
    const g = geometry(
      picked.x,
      picked.w,
      { strides: [1, 1], pad: 'same', dilations: [1, 1] },
      false,
    );
    expect(forwardByColumns(g, picked.w[3])).toBe(true);
    // Half the filter, or as many positions as channels: the backend's own convolution.
    expect(forwardByColumns(g, picked.w[3] / 2 - 1)).toBe(false);
    const wide = geometry([2, 64, 64, 64], picked.w, { strides: [1, 1], pad: 'same' }, false);
    expect(forwardByColumns(wide, picked.w[3])).toBe(false);
    expect(tf.getBackend()).toBe('wasm');
    expect(maxRel(run(picked, 'conv'), onCpu.get(picked.name)!)).toBeLessThan(1e-6);
  });
});
