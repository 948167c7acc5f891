/**
 * The optimizers against a plain-JS float64 reference of their formulas and against PyTorch
 * (tests/fixtures/train/optimizers.json, from optimizers.py beside it): five steps of a linear
 * least-squares problem with a learning rate that changes every step.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer, type OptimizerSpec } from '../../../runtime/train/optimizers.js';

interface Fixture {
  x: number[][];
  t: number[][];
  w0: number[][];
  b0: number[];
  lrs: number[];
  cases: Record<string, { w: number[][]; b: number[] }[]>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/train/optimizers.json', import.meta.url), 'utf8'),
) as Fixture;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Parameters as one flat list: w (row-major) then b. */
type Params = number[][];

/** The gradient of mean((x w + b - t)^2) with respect to [w, b], in float64. */
function gradients([w, b]: Params): Params {
  const { x, t } = fixture;
  const n = x.length;
  const o = b.length;
  const i = w.length / o;
  const gw = new Array<number>(w.length).fill(0);
  const gb = new Array<number>(o).fill(0);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < o; k++) {
      let pred = b[k];
      for (let j = 0; j < i; j++) pred += x[r][j] * w[j * o + k];
      const d = (2 * (pred - t[r][k])) / (n * o);
      gb[k] += d;
      for (let j = 0; j < i; j++) gw[j * o + k] += d * x[r][j];
    }
  }
  return [gw, gb];
}

/** The update rules, written out: one function from (params, grads, lr, step) to new params. */
function reference(spec: OptimizerSpec): (p: Params, lr: number) => Params {
  const state: Params[] = [];
  let step = 0;
  return (p, lr) => {
    const g = gradients(p);
    step++;
    return p.map((values, v) => {
      const s = (state[v] ??= [values.map(() => 0), values.map(() => 0)]);
      return values.map((w, e) => {
        const ge = g[v][e];
        if (spec.name === 'sgd') {
          const m = spec.momentum ?? 0;
          if (m === 0) return w - lr * ge;
          s[0][e] = m * s[0][e] + ge;
          return w - lr * (spec.nesterov ? ge + m * s[0][e] : s[0][e]);
        }
        if (spec.name === 'rmsprop') {
          // TensorFlow's rule: epsilon inside the root, the rate inside the momentum.
          const [rho, m] = [spec.rho ?? 0.9, spec.momentum ?? 0];
          s[0][e] = rho * s[0][e] + (1 - rho) * ge * ge;
          s[1][e] = m * s[1][e] + (lr * ge) / Math.sqrt(s[0][e] + spec.epsilon!);
          return w - s[1][e];
        }
        const [b1, b2] = [0.9, 0.999];
        const eps = spec.epsilon!;
        if (spec.name === 'adamw') w *= 1 - lr * spec.weightDecay!;
        s[0][e] = b1 * s[0][e] + (1 - b1) * ge;
        s[1][e] = b2 * s[1][e] + (1 - b2) * ge * ge;
        const mHat = s[0][e] / (1 - b1 ** step);
        const vHat = s[1][e] / (1 - b2 ** step);
        return w - (lr * mHat) / (Math.sqrt(vHat) + eps);
      });
    });
  };
}

/** The optimizer run on tfjs variables: the params after each step. */
function runTfjs(spec: OptimizerSpec): Params[] {
  const { x, t, w0, b0, lrs } = fixture;
  const o = createOptimizer({ ...spec, lr: lrs[0] });
  const w = tf.variable(tf.tensor2d(w0));
  const b = tf.variable(tf.tensor1d(b0));
  const xs = tf.tensor2d(x);
  const ts = tf.tensor2d(t);
  const out: Params[] = [];
  for (const lr of lrs) {
    o.setLearningRate(lr);
    expect(o.learningRate).toBe(lr);
    o.optimizer.minimize(() => tf.losses.meanSquaredError(ts, tf.add(tf.matMul(xs, w), b)));
    out.push([Array.from(w.dataSync()), Array.from(b.dataSync())]);
  }
  tf.dispose([w, b, xs, ts]);
  o.dispose();
  return out;
}

function runReference(spec: OptimizerSpec): Params[] {
  const step = reference(spec);
  let p: Params = [fixture.w0.flat(), [...fixture.b0]];
  return fixture.lrs.map((lr) => (p = step(p, lr)));
}

const CASES: Record<string, OptimizerSpec> = {
  sgd: { name: 'sgd', lr: 0 },
  momentum: { name: 'sgd', lr: 0, momentum: 0.9 },
  nesterov: { name: 'sgd', lr: 0, momentum: 0.9, nesterov: true },
  adam: { name: 'adam', lr: 0, epsilon: 1e-7 },
  adamw: { name: 'adamw', lr: 0, epsilon: 1e-8, weightDecay: 0.5 },
};
/** Checked against the formulas only (the PyTorch fixture predates it; PyTorch's epsilon sits outside the root). */
const FORMULA_ONLY: Record<string, OptimizerSpec> = {
  rmsprop: { name: 'rmsprop', lr: 0, epsilon: 1e-7 },
  'rmsprop momentum': { name: 'rmsprop', lr: 0, epsilon: 1e-7, momentum: 0.5, rho: 0.8 },
};

function expectClose(actual: Params[], expected: Params[], tol: number): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((p, s) =>
    p.forEach((values, v) =>
      values.forEach((a, e) => {
        const d = Math.abs(a - expected[s][v][e]);
        if (d > tol)
          throw new Error(`step ${s + 1}, param ${v}[${e}]: ${a} vs ${expected[s][v][e]}`);
      }),
    ),
  );
}

describe('optimizers', () => {
  for (const [name, spec] of Object.entries(CASES)) {
    it(`${name}: five steps with a changing learning rate match the formulas and PyTorch`, () => {
      const got = runTfjs(spec);
      expectClose(got, runReference(spec), 2e-6);
      const torch = fixture.cases[name].map((s) => [s.w.flat(), s.b]);
      expectClose(got, torch, 2e-6);
      // The steps moved the parameters (a test that cannot fail proves nothing).
      expect(Math.abs(got[4][0][0] - fixture.w0[0][0])).toBeGreaterThan(1e-3);
    });
  }

  for (const [name, spec] of Object.entries(FORMULA_ONLY)) {
    it(`${name}: five steps with a changing learning rate match the formulas`, () => {
      const got = runTfjs(spec);
      expectClose(got, runReference(spec), 2e-6);
      expect(Math.abs(got[4][0][0] - fixture.w0[0][0])).toBeGreaterThan(1e-3);
    });
  }

  it('AdamW decays the weights apart from the gradient; the filter exempts a variable', () => {
    // Zero gradient: Adam's step is 0, so only the decay moves the weight.
    const run = (decays?: (n: string) => boolean) => {
      const o = createOptimizer({ name: 'adamw', lr: 0.1, weightDecay: 0.5, decays });
      const v = tf.variable(tf.tensor1d([2, -4]), true, 'decay_probe');
      o.optimizer.minimize(() => tf.mul(tf.sum(v), 0));
      const out = Array.from(v.dataSync());
      v.dispose();
      o.dispose();
      return out;
    };
    expect(run()).toEqual([2 * 0.95, -4 * 0.95].map(Math.fround));
    expect(run((n) => n !== 'decay_probe')).toEqual([2, -4]);
  });

  it('describes itself and rejects values out of range', () => {
    const o = createOptimizer({ name: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true });
    expect(o.describe()).toBe('sgd lr 0.1 momentum 0.9 nesterov');
    o.setLearningRate(0.05);
    expect(o.describe()).toBe('sgd lr 0.05 momentum 0.9 nesterov');
    o.dispose();
    const w = createOptimizer({ name: 'adamw', lr: 0.001 });
    expect(w.describe()).toBe('adamw lr 0.001 weight decay 0.01');
    w.dispose();
    expect(() => createOptimizer({ name: 'sgd', lr: 0 })).toThrow(/positive/);
    expect(() => createOptimizer({ name: 'sgd', lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => createOptimizer({ name: 'adamw', lr: 0.1, weightDecay: -1 })).toThrow(/decay/);
  });
});
