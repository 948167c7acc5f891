/**
 * initialWeights: each op's declared initializer drawn in plain JS from (seed, node, weight).
 * Bounds come from hand-computed Keras fans; moments are checked on large tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fans,
  initialValues,
  initialWeights,
  splitmix32,
  uniformLimit,
  weightSeed,
} from '../../compiler/initial-weights.js';
import { GLOROT_UNIFORM } from '../../compiler/ops/op.js';
import { buildModel, readGraphWeights } from '../../api/index.js';
import { graphOfText } from './passes/helpers.js';
import { useBackend } from '../runtime/helpers.js';

beforeAll(() => useBackend('cpu'));

const graph = graphOfText(`model m(x: [8, 8, 16]) {
  return y: x |> conv2d(32, 3, name: "c") |> batch_norm(name: "bn") |> flatten |> dense(10, name: "d")
}`);

function moments(data: Float32Array): { mean: number; variance: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of data) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / data.length;
  let sq = 0;
  for (const v of data) sq += (v - mean) ** 2;
  return { mean, variance: sq / data.length, min, max };
}

describe('Keras fans and limits', () => {
  it('a conv kernel [3, 3, 16, 32]: fans 144 and 288, limit sqrt(6 / 432)', () => {
    expect(fans([3, 3, 16, 32])).toEqual({ fanIn: 144, fanOut: 288 });
    expect(uniformLimit(GLOROT_UNIFORM, [3, 3, 16, 32])).toBeCloseTo(Math.sqrt(6 / 432), 12);
  });

  it('dense [in, units], 1-d and 0-d shapes', () => {
    expect(fans([784, 512])).toEqual({ fanIn: 784, fanOut: 512 });
    expect(fans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(fans([])).toEqual({ fanIn: 1, fanOut: 1 });
    expect(fans([5, 2, 3])).toEqual({ fanIn: 10, fanOut: 15 });
    expect(uniformLimit({ kind: 'uniform', limit: 0.05 }, [3, 4])).toBe(0.05);
    expect(uniformLimit({ kind: 'constant', value: 1 }, [3])).toBeNull();
  });
});

describe('initialWeights', () => {
  it('draws the conv kernel within the Glorot bound, reaching close to it', () => {
    const k = initialWeights(graph, 0).get('c/kernel')!;
    expect(k.shape).toEqual([3, 3, 16, 32]);
    const limit = Math.sqrt(6 / 432);
    const m = moments(k.data);
    expect(m.min).toBeGreaterThanOrEqual(-limit);
    expect(m.max).toBeLessThan(limit);
    // 4608 uniform draws: the extremes are within 0.2 % of the bound.
    expect(m.max).toBeGreaterThan(0.99 * limit);
    expect(m.min).toBeLessThan(-0.99 * limit);
  });

  it('has the mean 0 and variance l^2 / 3 of U(-l, l) on a large tensor', () => {
    const shape = [1000, 1000];
    const limit = Math.sqrt(6 / 2000);
    const m = moments(initialValues(GLOROT_UNIFORM, shape, 12345));
    const sd = limit / Math.sqrt(3);
    // 5 standard errors: the mean's is sd / 1000; the variance's about 0.89 sd^2 / 1000.
    expect(Math.abs(m.mean)).toBeLessThan((5 * sd) / 1000);
    expect(Math.abs(m.variance - sd * sd)).toBeLessThan((5 * 0.9 * sd * sd) / 1000);
  });

  it('normal (a learned weight): mean 0, deviation stddev, about 4.6 % beyond 2 stddev', () => {
    const m = moments(initialValues({ kind: 'normal', stddev: 0.02 }, [1000, 1000], 99));
    const sd = 0.02;
    // 5 standard errors: the mean's is sd / 1000; the variance's sqrt(2) sd^2 / 1000.
    expect(Math.abs(m.mean)).toBeLessThan((5 * sd) / 1000);
    expect(Math.abs(m.variance - sd * sd)).toBeLessThan((5 * 1.42 * sd * sd) / 1000);
    const data = initialValues({ kind: 'normal', stddev: 1 }, [100_000], 7);
    const tail = data.filter((v) => Math.abs(v) > 2).length / data.length;
    expect(tail).toBeGreaterThan(0.042); // 2 * (1 - Phi(2)) = 0.0455
    expect(tail).toBeLessThan(0.049);
  });

  it('embeddings: U(-0.05, 0.05)', () => {
    const g = graphOfText(`model e(t: [6]) {
  return y: t |> embedding(50, 40, name: "emb")
}`);
    const e = initialWeights(g, 3).get('emb/embeddings')!;
    expect(e.shape).toEqual([50, 40]);
    const m = moments(e.data);
    expect(m.min).toBeGreaterThanOrEqual(-0.05);
    expect(m.max).toBeLessThan(0.05);
    expect(m.max).toBeGreaterThan(0.049);
    expect(Math.abs(m.variance - 0.05 ** 2 / 3)).toBeLessThan(0.05 * 0.05 * 0.1);
  });

  it('constants are exact: zero biases and means, unit gammas and variances', () => {
    const w = initialWeights(graph, 7);
    const all = (key: string, v: number) => expect([...w.get(key)!.data].every((x) => x === v));
    all('c/bias', 0).toBe(true);
    all('d/bias', 0).toBe(true);
    all('bn/beta', 0).toBe(true);
    all('bn/moving_mean', 0).toBe(true);
    all('bn/gamma', 1).toBe(true);
    all('bn/moving_variance', 1).toBe(true);
    expect(w.get('bn/gamma')!.shape).toEqual([32]);
    expect(w.get('d/kernel')!.shape).toEqual([8 * 8 * 32, 10]); // conv2d pads 'same' by default
  });

  it('is deterministic; seeds and names give different values', () => {
    const a = initialWeights(graph, 1);
    const b = initialWeights(graph, 1);
    expect(b).toEqual(a);
    const c = initialWeights(graph, 2);
    expect(c.get('c/kernel')!.data).not.toEqual(a.get('c/kernel')!.data);
    expect(c.get('d/kernel')!.data).not.toEqual(a.get('d/kernel')!.data);
    expect(weightSeed(1, 'c', 'kernel')).not.toBe(weightSeed(1, 'd', 'kernel'));
    expect(weightSeed(1, 'ab', 'c')).not.toBe(weightSeed(1, 'a', 'bc'));
    expect(weightSeed(1, 'c', 'kernel')).toBe(weightSeed(1, 'c', 'kernel'));
  });

  it("a weight's values depend on its own names only, not on the rest of the graph", () => {
    const bigger = graphOfText(`model m2(x: [8, 8, 16]) {
  return y: x |> conv2d(32, 3, name: "c") |> flatten |> dense(4, name: "e")
}`);
    expect(initialWeights(bigger, 5).get('c/kernel')).toEqual(
      initialWeights(graph, 5).get('c/kernel'),
    );
  });

  it('splitmix32 gives floats in [0, 1) with 24-bit steps', () => {
    const next = splitmix32(0);
    for (let i = 0; i < 1000; i++) {
      const v = next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(Number.isInteger(v * 2 ** 24)).toBe(true);
    }
  });

  it('buildModel(graph, { seed }) holds exactly initialWeights(graph, seed)', () => {
    const model = buildModel(graph, { seed: 4 });
    expect(readGraphWeights(model, graph)).toEqual(initialWeights(graph, 4));
    model.dispose();
  });
});
