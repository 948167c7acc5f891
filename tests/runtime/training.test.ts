import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, layerNames, sanitizeName } from '../../api/index.js';
import { chainGraph, maxDiff, opGraph, opModel, rand, useBackend } from './helpers.js';

beforeAll(() => useBackend('wasm'));

const weightsOf = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('training semantics on wasm', () => {
  it.each([-1, 0])(
    'batch norm (axis %i): fit moves the moving statistics, predict does not',
    async (axis) => {
      const model = opModel('batch_norm', [[4, 3]], { axis, momentum: 0.5 });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const x = tf.add(tf.mul(rand([8, 4, 3], 1), 3), 2);
      const stats = () =>
        model.layers[1]
          .getWeights()
          .slice(2)
          .map((w) => Array.from(w.dataSync()));
      const before = stats();
      model.predict(x);
      expect(stats()).toEqual(before);
      await model.fit(x, tf.zerosLike(x), { epochs: 1, batchSize: 8, verbose: 0 });
      const after = stats();
      expect(maxDiff(after[0], before[0])).toBeGreaterThan(0.1); // moving mean moved towards ~2
      expect(maxDiff(after[1], before[1])).toBeGreaterThan(0.1);
      model.dispose();
    },
  );

  it('dropout is the identity in predict and drops in training', () => {
    const model = opModel('dropout', [[200]], { rate: 0.5 });
    const x = tf.ones([1, 200]);
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(Array(200).fill(1));
    const trained = (model.apply(x, { training: true }) as tf.Tensor).dataSync();
    const zeros = Array.from(trained).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(50);
    expect(zeros).toBeLessThan(150);
    model.dispose();
  });

  it('a tiny conv net (grouped, depthwise, batch norm) learns a synthetic task', async () => {
    // Class = which half of an 8x8 image holds a bright 2x2 blob.
    const n = 128;
    const xs: number[] = [];
    const ys: number[] = [];
    let s = 3;
    const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let i = 0; i < n; i++) {
      const img = Array.from({ length: 64 }, () => next() * 0.3);
      const right = i % 2;
      const r = Math.floor(next() * 7);
      const c = right * 4 + Math.floor(next() * 3);
      for (const [dy, dx] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ])
        img[(r + dy) * 8 + c + dx] += 1;
      xs.push(...img);
      ys.push(right);
    }
    const x = tf.tensor(xs, [n, 8, 8, 1]);
    const y = tf.oneHot(tf.tensor1d(ys, 'int32'), 2).cast('float32');
    const graph = chainGraph(
      [8, 8, 1],
      [
        ['conv2d', { filters: 8, kernel_size: 3, activation: 'relu' }],
        ['conv2d', { filters: 8, kernel_size: 3, groups: 4, stride: 2 }],
        ['batch_norm', { momentum: 0.8 }],
        ['depthwise_conv2d', { kernel_size: 3, activation: 'relu' }],
        ['global_avg_pool2d', {}],
        ['dense', { units: 2, activation: 'softmax' }],
      ],
    );
    const model = buildModel(graph, { seed: 3 });
    model.compile({
      optimizer: tf.train.adam(0.02),
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const h = await model.fit(x, y, { epochs: 12, batchSize: 32, verbose: 0, shuffle: false });
    const acc = h.history.acc ?? h.history.accuracy;
    const [, evalAcc] = model.evaluate(x, y) as tf.Scalar[];
    expect(evalAcc.dataSync()[0]).toBeGreaterThan(0.85);
    expect(acc[acc.length - 1] as number).toBeGreaterThan(0.8);
    model.dispose();
  });
});

describe('build options and names', () => {
  it('the same seed gives the same weights, another seed others', () => {
    const g = opGraph('conv2d', [[5, 5, 3]], { filters: 4, kernel_size: 3 });
    const [a, b, c] = [1, 1, 2].map((seed) => buildModel(g, { seed }));
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(weightsOf(a)[0]).not.toEqual(weightsOf(c)[0]);
    const e = buildModel(opGraph('embedding', [[3]], { input_dim: 7, output_dim: 2 }), { seed: 1 });
    expect(weightsOf(e)[0].every((v) => Math.abs(v) <= 0.05)).toBe(true);
    for (const m of [a, b, c, e]) m.dispose();
  });

  it('layer names are tfjs-valid, unique and stable', () => {
    expect(sanitizeName('stage1.block0.conv2d_1')).toBe('stage1.block0.conv2d_1');
    expect(sanitizeName('_x/y z')).toBe('n_x_y_z');
    expect(sanitizeName('a[0]')).toBe('a_0_');
    // Names that tfjs would confuse with Object.prototype members.
    expect(sanitizeName('constructor')).toBe('constructor_');
    expect(sanitizeName('toString')).toBe('toString_');
    const nodes = ['a b', 'a_b', 'a b', 'a_b_2'].map((name, id) => ({ id, name }));
    const names = layerNames(nodes as never);
    expect([...names.values()]).toEqual(['a_b', 'a_b_2', 'a_b_3', 'a_b_2_2']);
    const model = buildModel(opGraph('relu', [[2]]));
    expect(model.layers.map((l) => l.name)).toEqual(['x0', 'block.relu_0']);
    model.dispose();
  });
});
