import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Shape } from '../../compiler/ir/shape.js';
import { groupedConvFormulation } from '../../runtime/layers/conv.js';
import { maxDiff, opModel, rand, useBackend, type Arg } from './helpers.js';

beforeAll(() => useBackend('wasm'));

/** Runs a one-op model with the given weights on a batch of one. */
function run(
  op: string,
  x: tf.Tensor | tf.Tensor[],
  args: Record<string, Arg>,
  weights: Record<string, tf.Tensor> = {},
): tf.Tensor {
  const xs = Array.isArray(x) ? x : [x];
  const model = opModel(
    op,
    xs.map((t) => t.shape.slice(1) as Shape),
    args,
    weights,
  );
  try {
    return model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
  } finally {
    model.dispose();
  }
}

/** TensorFlow's `same` padding of one axis: [before, after], the extra zero after. */
function samePads(n: number, k: number, s: number, d: number): [number, number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + (k - 1) * d + 1 - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

interface Window {
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  pads: [[number, number], [number, number]];
}

function window(
  h: number,
  w: number,
  kernel: [number, number],
  stride: [number, number],
  padding: 'same' | 'valid' | [[number, number], [number, number]],
  dilation: [number, number] = [1, 1],
): Window & { oh: number; ow: number } {
  const pads: [[number, number], [number, number]] =
    padding === 'same'
      ? [
          samePads(h, kernel[0], stride[0], dilation[0]),
          samePads(w, kernel[1], stride[1], dilation[1]),
        ]
      : padding === 'valid'
        ? [
            [0, 0],
            [0, 0],
          ]
        : padding;
  const out = (n: number, i: 0 | 1) =>
    Math.floor((n + pads[i][0] + pads[i][1] - (kernel[i] - 1) * dilation[i] - 1) / stride[i]) + 1;
  return { kernel, stride, dilation, pads, oh: out(h, 0), ow: out(w, 1) };
}

/** Naive grouped NHWC convolution, batch 1: x [h, w, cin], k [kh, kw, cin / groups, cout]. */
function naiveConv(
  x: tf.Tensor,
  k: tf.Tensor,
  groups: number,
  win: ReturnType<typeof window>,
  bias?: tf.Tensor,
): number[] {
  const [, h, w, cin] = x.shape;
  const [kh, kw, cg, cout] = k.shape;
  const xv = x.dataSync();
  const kv = k.dataSync();
  const bv = bias?.dataSync();
  const og = cout / groups;
  const out: number[] = [];
  for (let oy = 0; oy < win.oh; oy++)
    for (let ox = 0; ox < win.ow; ox++)
      for (let o = 0; o < cout; o++) {
        const g = Math.floor(o / og);
        let s = bv ? bv[o] : 0;
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const y = oy * win.stride[0] + i * win.dilation[0] - win.pads[0][0];
            const xx = ox * win.stride[1] + j * win.dilation[1] - win.pads[1][0];
            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
            for (let c = 0; c < cg; c++) {
              s += xv[(y * w + xx) * cin + g * cg + c] * kv[((i * kw + j) * cg + c) * cout + o];
            }
          }
        out.push(s);
      }
  return out;
}

/** Naive depthwise convolution, batch 1: k [kh, kw, cin, m], output channel c * m + q. */
function naiveDepthwise(x: tf.Tensor, k: tf.Tensor, win: ReturnType<typeof window>): number[] {
  const [, h, w, cin] = x.shape;
  const [kh, kw, , m] = k.shape;
  const xv = x.dataSync();
  const kv = k.dataSync();
  const out: number[] = [];
  for (let oy = 0; oy < win.oh; oy++)
    for (let ox = 0; ox < win.ow; ox++)
      for (let c = 0; c < cin; c++)
        for (let q = 0; q < m; q++) {
          let s = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const y = oy * win.stride[0] + i * win.dilation[0] - win.pads[0][0];
              const xx = ox * win.stride[1] + j * win.dilation[1] - win.pads[1][0];
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              s += xv[(y * w + xx) * cin + c] * kv[((i * kw + j) * cin + c) * m + q];
            }
          out.push(s);
        }
  return out;
}

const tol = 1e-4;

describe('conv2d matches a naive convolution', () => {
  const cases: [string, number, number, Record<string, Arg>, Parameters<typeof window>][] = [
    [
      'same, stride 2, odd size',
      7,
      7,
      { kernel_size: 3, stride: 2 },
      [7, 7, [3, 3], [2, 2], 'same'],
    ],
    [
      'same, stride 2, even size',
      8,
      8,
      { kernel_size: 3, stride: 2 },
      [8, 8, [3, 3], [2, 2], 'same'],
    ],
    [
      'same, stride 2, even kernel',
      7,
      6,
      { kernel_size: 2, stride: 2 },
      [7, 6, [2, 2], [2, 2], 'same'],
    ],
    [
      'valid, stride 2',
      9,
      8,
      { kernel_size: 3, stride: 2, padding: 'valid' },
      [9, 8, [3, 3], [2, 2], 'valid'],
    ],
    [
      'same, dilation 2',
      7,
      8,
      { kernel_size: 3, dilation: 2 },
      [7, 8, [3, 3], [1, 1], 'same', [2, 2]],
    ],
    [
      'explicit padding',
      6,
      5,
      {
        kernel_size: [3, 2],
        stride: [2, 1],
        padding: [
          [2, 0],
          [1, 3],
        ],
      },
      [
        6,
        5,
        [3, 2],
        [2, 1],
        [
          [2, 0],
          [1, 3],
        ],
      ],
    ],
  ];
  it.each(cases)('%s', (_name, h, w, args, win) => {
    const x = rand([1, h, w, 3], 11);
    const [kh, kw] = win[2];
    const kernel = rand([kh, kw, 3, 4], 12);
    const bias = rand([4], 13);
    const y = run('conv2d', x, { filters: 4, ...args }, { kernel, bias });
    const want = naiveConv(x, kernel, 1, window(...win), bias);
    const wn = window(...win);
    expect(y.shape).toEqual([1, wn.oh, wn.ow, 4]);
    expect(maxDiff(y.dataSync(), want)).toBeLessThan(tol);
  });
});

describe('grouped convolution (one layer, one kernel)', () => {
  const groupedCases: [string, Record<string, Arg>, Parameters<typeof window>][] = [
    ['same, stride 1', { kernel_size: 3 }, [6, 6, [3, 3], [1, 1], 'same']],
    ['same, stride 2, odd size', { kernel_size: 3, stride: 2 }, [7, 7, [3, 3], [2, 2], 'same']],
    [
      'valid, dilation 2',
      { kernel_size: 3, dilation: 2, padding: 'valid' },
      [7, 7, [3, 3], [1, 1], 'valid', [2, 2]],
    ],
    [
      'explicit padding',
      { kernel_size: 3, stride: 2, padding: 1 },
      [
        7,
        6,
        [3, 3],
        [2, 2],
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ],
  ];
  it.each(groupedCases)(
    'equals a naive per-group conv and slice-conv-concat: %s',
    (_n, args, win) => {
      const [h, w] = win;
      const groups = 4;
      const x = rand([1, h, w, 8], 21);
      const kernel = rand([3, 3, 2, 12], 22);
      const bias = rand([12], 23);
      const y = run('conv2d', x, { filters: 12, groups, ...args }, { kernel, bias });
      const wn = window(...win);
      expect(y.shape).toEqual([1, wn.oh, wn.ow, 12]);
      expect(maxDiff(y.dataSync(), naiveConv(x, kernel, groups, wn, bias))).toBeLessThan(tol);
      // The formulation it replaces: one tf.conv2d per group on channel slices, concatenated.
      const pad =
        win[4] === 'same' || win[4] === 'valid'
          ? win[4]
          : ([[0, 0], ...wn.pads, [0, 0]] as [
              [number, number],
              [number, number],
              [number, number],
              [number, number],
            ]);
      const sliced = tf.tidy(() =>
        tf.add(
          tf.concat(
            tf
              .split(x as tf.Tensor4D, groups, 3)
              .map((xi, g) =>
                tf.conv2d(
                  xi as tf.Tensor4D,
                  tf.slice(kernel, [0, 0, 0, g * 3], [3, 3, 2, 3]) as tf.Tensor4D,
                  win[3],
                  pad,
                  'NHWC',
                  win[5] ?? 1,
                ),
              ),
            3,
          ),
          bias,
        ),
      );
      expect(maxDiff(y.dataSync(), sliced.dataSync())).toBeLessThan(tol);
    },
  );

  it('picks one conv per group for wide groups, the depthwise form for narrow ones', () => {
    // Thresholds measured per backend (runtime/layers/README.md).
    expect(groupedConvFormulation('wasm', 4, 4)).toBe('depthwise');
    expect(groupedConvFormulation('wasm', 16, 16)).toBe('depthwise');
    expect(groupedConvFormulation('wasm', 32, 32)).toBe('slices');
    expect(groupedConvFormulation('wasm', 32, 8)).toBe('depthwise');
    expect(groupedConvFormulation('cpu', 16, 16)).toBe('slices');
    expect(groupedConvFormulation('cpu', 8, 16)).toBe('depthwise');
    expect(groupedConvFormulation('webgl', 32, 32)).toBe('slices');
  });

  // Both formulations, on both backends, against the naive convolution: channels per group
  // 2 (depthwise form everywhere) and 32 (slices everywhere), stride 2, same padding.
  it.each([
    ['wasm', 2],
    ['wasm', 32],
    ['cpu', 2],
    ['cpu', 32],
  ] as const)('%s, %i channels per group, equals the naive convolution', async (backend, cg) => {
    await useBackend(backend);
    try {
      const groups = 2;
      const x = rand([1, 6, 5, cg * groups], 26);
      const kernel = rand([3, 3, cg, cg * groups], 27);
      const y = run(
        'conv2d',
        x,
        { filters: cg * groups, kernel_size: 3, stride: 2, groups, bias: false },
        { kernel },
      );
      const want = naiveConv(x, kernel, groups, window(6, 5, [3, 3], [2, 2], 'same'));
      expect(maxDiff(y.dataSync(), want)).toBeLessThan(tol);
    } finally {
      await useBackend('wasm');
    }
  });

  it('groups equal to the channel count (depthwise-like, multiplier 2)', () => {
    const x = rand([1, 5, 5, 4], 24);
    const kernel = rand([3, 3, 1, 8], 25);
    const y = run('conv2d', x, { filters: 8, kernel_size: 3, groups: 4, bias: false }, { kernel });
    const want = naiveConv(x, kernel, 4, window(5, 5, [3, 3], [1, 1], 'same'));
    expect(maxDiff(y.dataSync(), want)).toBeLessThan(tol);
  });
});

describe('depthwise, separable and 1-D convolution', () => {
  it('depthwise, same, stride 2, multiplier 2', () => {
    const x = rand([1, 7, 7, 3], 31);
    const dk = rand([3, 3, 3, 2], 32);
    const y = run(
      'depthwise_conv2d',
      x,
      { kernel_size: 3, stride: 2, depth_multiplier: 2, bias: false },
      { depthwise_kernel: dk },
    );
    expect(
      maxDiff(y.dataSync(), naiveDepthwise(x, dk, window(7, 7, [3, 3], [2, 2], 'same'))),
    ).toBeLessThan(tol);
  });

  it('depthwise with dilation and explicit padding (netc layer)', () => {
    const x = rand([1, 8, 7, 2], 33);
    const dk = rand([3, 3, 2, 1], 34);
    const y1 = run(
      'depthwise_conv2d',
      x,
      { kernel_size: 3, dilation: 2, bias: false },
      { depthwise_kernel: dk },
    );
    const w1 = naiveDepthwise(x, dk, window(8, 7, [3, 3], [1, 1], 'same', [2, 2]));
    expect(maxDiff(y1.dataSync(), w1)).toBeLessThan(tol);
    const pads: [[number, number], [number, number]] = [
      [0, 2],
      [1, 1],
    ];
    const y2 = run(
      'depthwise_conv2d',
      x,
      { kernel_size: 3, stride: 2, padding: pads, bias: false },
      { depthwise_kernel: dk },
    );
    expect(
      maxDiff(y2.dataSync(), naiveDepthwise(x, dk, window(8, 7, [3, 3], [2, 2], pads))),
    ).toBeLessThan(tol);
  });

  it('separable = depthwise then 1x1 pointwise, plus bias', () => {
    const x = rand([1, 6, 6, 3], 35);
    const dk = rand([3, 3, 3, 2], 36);
    const pk = rand([1, 1, 6, 4], 37);
    const bias = rand([4], 38);
    for (const padding of ['same', 1] as const) {
      const y = run(
        'separable_conv2d',
        x,
        { filters: 4, kernel_size: 3, depth_multiplier: 2, padding },
        { depthwise_kernel: dk, pointwise_kernel: pk, bias },
      );
      const win = window(
        6,
        6,
        [3, 3],
        [1, 1],
        padding === 'same'
          ? 'same'
          : [
              [1, 1],
              [1, 1],
            ],
      );
      const mid = tf.tensor(naiveDepthwise(x, dk, win), [1, win.oh, win.ow, 6]);
      const want = naiveConv(mid, pk, 1, window(win.oh, win.ow, [1, 1], [1, 1], 'valid'), bias);
      expect(maxDiff(y.dataSync(), want)).toBeLessThan(tol);
    }
  });

  it('conv1d, same, stride 2, groups 2, on an odd length', () => {
    const x = rand([1, 9, 4], 41);
    const kernel = rand([3, 2, 6], 42);
    const y = run(
      'conv1d',
      x,
      { filters: 6, kernel_size: 3, stride: 2, groups: 2, bias: false },
      { kernel },
    );
    const want = naiveConv(
      tf.reshape(x, [1, 1, 9, 4]),
      tf.reshape(kernel, [1, 3, 2, 6]),
      2,
      window(1, 9, [1, 3], [1, 2], 'same'),
    );
    expect(y.shape).toEqual([1, 5, 6]);
    expect(maxDiff(y.dataSync(), want)).toBeLessThan(tol);
  });

  it('conv1d, valid, dilation 2', () => {
    const x = rand([1, 10, 3], 43);
    const kernel = rand([3, 3, 2], 44);
    const y = run(
      'conv1d',
      x,
      { filters: 2, kernel_size: 3, dilation: 2, padding: 'valid', bias: false },
      { kernel },
    );
    const want = naiveConv(
      tf.reshape(x, [1, 1, 10, 3]),
      tf.reshape(kernel, [1, 3, 3, 2]),
      1,
      window(1, 10, [1, 3], [1, 1], 'valid', [1, 2]),
    );
    expect(maxDiff(y.dataSync(), want)).toBeLessThan(tol);
  });
});

describe('normalization, padding, pooling, activations', () => {
  it('batch norm at inference: gamma * (x - mean) / sqrt(var + eps) + beta, on any axis', () => {
    for (const [shape, axis, c] of [
      [[4, 5, 3], -1, 3],
      [[3, 6], 0, 3],
    ] as const) {
      const x = rand([2, ...shape], 51);
      const gamma = rand([c], 52);
      const beta = rand([c], 53);
      const mean = rand([c], 54);
      const variance = tf.add(tf.abs(rand([c], 55)), 0.1);
      const eps = 0.01;
      const y = run(
        'batch_norm',
        x,
        { axis, epsilon: eps },
        { gamma, beta, moving_mean: mean, moving_variance: variance },
      );
      const xv = x.dataSync();
      const [g, b, m, v] = [gamma, beta, mean, variance].map((t) => t.dataSync());
      const strides = shape.slice(axis === -1 ? shape.length : 1).reduce((p, d) => p * d, 1);
      const want = Array.from(xv, (val, i) => {
        const ch = Math.floor(i / strides) % c;
        return (g[ch] * (val - m[ch])) / Math.sqrt(v[ch] + eps) + b[ch];
      });
      expect(maxDiff(y.dataSync(), want)).toBeLessThan(tol);
    }
  });

  it('zero_pad_channels appends zero channels after the real ones', () => {
    const x = rand([1, 2, 2, 3], 61);
    const y = run('zero_pad_channels', x, { channels: 5 });
    const xv = x.dataSync();
    const want = Array.from({ length: 20 }, (_, i) =>
      i % 5 < 3 ? xv[Math.floor(i / 5) * 3 + (i % 5)] : 0,
    );
    expect(Array.from(y.dataSync())).toEqual(want);
  });

  /** Naive pooling, batch 1, one channel; `same` pads are ignored (TF: never counted). */
  function naivePool(
    x: number[][],
    k: number,
    s: number,
    padding: 'same' | 'valid',
    mode: 'max' | 'avg',
  ) {
    const h = x.length;
    const w = x[0].length;
    const win = window(h, w, [k, k], [s, s], padding);
    const out: number[] = [];
    for (let oy = 0; oy < win.oh; oy++)
      for (let ox = 0; ox < win.ow; ox++) {
        const vals: number[] = [];
        for (let i = 0; i < k; i++)
          for (let j = 0; j < k; j++) {
            const y = oy * s + i - win.pads[0][0];
            const xx = ox * s + j - win.pads[1][0];
            if (y >= 0 && y < h && xx >= 0 && xx < w) vals.push(x[y][xx]);
          }
        out.push(
          mode === 'max' ? Math.max(...vals) : vals.reduce((p, v) => p + v, 0) / vals.length,
        );
      }
    return out;
  }

  it.each([
    [7, 3, 2, 'same'],
    [8, 3, 2, 'same'],
    [6, 2, 2, 'same'],
    [7, 3, 2, 'valid'],
  ] as const)(
    'max and avg pooling, size %i, pool %i, stride %i, %s (borders)',
    (n, k, s, padding) => {
      // All negative, so a zero-padded max would show at the borders.
      const x = tf.sub(tf.abs(rand([1, n, n, 1], 71)), 2);
      const grid = (x.arraySync() as number[][][][])[0].map((r) => r.map((c) => c[0]));
      for (const mode of ['max', 'avg'] as const) {
        const y = run(`${mode}_pool2d`, x, { pool_size: k, stride: s, padding });
        expect(maxDiff(y.dataSync(), naivePool(grid, k, s, padding, mode))).toBeLessThan(tol);
      }
    },
  );

  it('activations with their own definitions', () => {
    const x = tf.linspace(-8, 8, 33).reshape([1, 33]);
    const xv = Array.from(x.dataSync());
    const erf = (z: number) => {
      // Maclaurin series, exact enough for |z| <= 6.
      let sum = 0;
      let term = z;
      for (let n = 0; n < 200; n++) {
        sum += term / (2 * n + 1);
        term *= (-z * z) / (n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    const checks: [string, Record<string, Arg>, (v: number) => number][] = [
      ['hard_sigmoid', {}, (v) => Math.min(1, Math.max(0, v / 6 + 0.5))],
      ['relu6', {}, (v) => Math.min(6, Math.max(0, v))],
      ['elu', { alpha: 0.5 }, (v) => (v > 0 ? v : 0.5 * Math.expm1(v))],
      ['leaky_relu', { alpha: 0.1 }, (v) => (v > 0 ? v : 0.1 * v)],
      ['gelu', {}, (v) => (Math.abs(v) > 6 ? Math.max(v, 0) : 0.5 * v * (1 + erf(v / Math.SQRT2)))],
      ['swish', {}, (v) => v / (1 + Math.exp(-v))],
      ['scale', { factor: -0.25 }, (v) => -0.25 * v],
    ];
    for (const [op, args, f] of checks) {
      const y = run(op, x, args);
      expect(maxDiff(y.dataSync(), xv.map(f)), op).toBeLessThan(tol);
    }
  });

  it('softmax along a non-last axis, and subtract', () => {
    const x = rand([1, 3, 4], 81);
    const y = run('softmax', x, { axis: 0 });
    expect(
      maxDiff(
        y.dataSync(),
        tf
          .softmax(tf.transpose(x, [0, 2, 1]))
          .transpose([0, 2, 1])
          .dataSync(),
      ),
    ).toBeLessThan(tol);
    const a = rand([1, 4], 82);
    const b = rand([1, 4], 83);
    expect(maxDiff(run('subtract', [a, b], {}).dataSync(), tf.sub(a, b).dataSync())).toBeLessThan(
      tol,
    );
  });
});

describe('gradient kernels added to the wasm backend', () => {
  /** Gradients of sum(y^2) w.r.t. the model's weights and its input, on the current backend. */
  function grads(
    op: string,
    xShape: number[],
    args: Record<string, Arg>,
    ids = false,
  ): Float32Array[] {
    const x = ids
      ? tf.tensor(
          Array.from({ length: xShape.reduce((p, d) => p * d) }, (_, i) => (i * 7) % 10),
          xShape,
        )
      : rand(xShape, 91);
    const model = opModel(op, [xShape.slice(1)], args);
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { value, grads: g } = tf.variableGrads(
      () => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      vars,
    );
    const out = vars.map((v) => g[v.name].dataSync() as Float32Array);
    if (!ids) {
      const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.square(model.apply(xx) as tf.Tensor)))(x);
      out.push(dx.dataSync() as Float32Array);
    }
    value.dispose();
    model.dispose();
    return out;
  }

  it.each([
    ['conv2d', [2, 7, 7, 3], { filters: 4, kernel_size: 3, stride: 2 }],
    [
      'conv2d',
      [2, 6, 5, 3],
      {
        filters: 4,
        kernel_size: [3, 2],
        padding: [
          [2, 0],
          [1, 1],
        ],
      },
    ],
    ['conv2d', [2, 7, 7, 4], { filters: 6, kernel_size: 3, stride: 2, groups: 2 }],
    ['conv1d', [2, 9, 4], { filters: 4, kernel_size: 3, groups: 4 }],
    ['depthwise_conv2d', [2, 8, 7, 3], { kernel_size: 3, stride: 2, depth_multiplier: 2 }],
    ['separable_conv2d', [2, 6, 6, 3], { filters: 4, kernel_size: 3, padding: 'valid' }],
    ['embedding', [2, 5], { input_dim: 10, output_dim: 3 }],
  ] as [string, number[], Record<string, Arg>][])(
    '%s %j %j: wasm equals cpu',
    async (op, shape, args) => {
      const ids = op === 'embedding';
      const onWasm = grads(op, shape, args, ids);
      await tf.setBackend('cpu');
      try {
        const onCpu = grads(op, shape, args, ids);
        expect(onWasm.length).toBe(onCpu.length);
        onWasm.forEach((g, i) => expect(maxDiff(g, onCpu[i])).toBeLessThan(1e-3));
      } finally {
        await useBackend('wasm');
      }
    },
  );
});
