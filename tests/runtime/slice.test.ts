/**
 * The `slice` op on tfjs (netc's NetcSlice layer) against plain-JS indexing: values of a
 * strided slice and of `x[i]`, and the gradient, which is the output gradient at the kept
 * positions and 0 elsewhere.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../api/index.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { maxDiff, rand, useBackend } from './helpers.js';

beforeAll(() => useBackend('cpu'));

// x is [batch 2, 5, 4]; `kept(b, i, j)` is the input offset an output position reads.
const cases: [string, number[], (b: number, i: number, j: number) => number][] = [
  // axis 0, indices 1 and 3
  ['slice(x, start: 1, step: 2)', [2, 2, 4], (b, i, j) => b * 20 + (1 + 2 * i) * 4 + j],
  // axis -1, indices 2 and 3 (start -2)
  ['slice(x, axis: -1, start: -2)', [2, 5, 2], (b, i, j) => b * 20 + i * 4 + 2 + j],
  // x[-1]: row 4, the axis dropped (j unused)
  ['x[-1]', [2, 4], (b, i) => b * 20 + 4 * 4 + i],
];

describe.each(cases)('%s', (expr, outShape, kept) => {
  it('reads the kept positions and sends the gradient back to them only', () => {
    const model = buildModel(graphOfText(`model m(x: [5, 4]) {\n  return y: ${expr}\n}\n`), {
      seed: 1,
    });
    const x = rand([2, 5, 4], 3);
    const t = rand(outShape, 5);
    try {
      const xd = x.dataSync();
      const td = t.dataSync();
      const n = outShape.reduce((p, d) => p * d, 1);
      const want = new Float32Array(n);
      const grad = new Float32Array(40);
      for (let k = 0; k < n; k++) {
        const [b, i, j] =
          outShape.length === 3
            ? [
                Math.floor(k / (outShape[1] * outShape[2])),
                Math.floor(k / outShape[2]) % outShape[1],
                k % outShape[2],
              ]
            : [Math.floor(k / outShape[1]), k % outShape[1], 0];
        want[k] = xd[kept(b, i, j)];
        grad[kept(b, i, j)] += td[k];
      }
      const y = model.predict(x) as tf.Tensor;
      expect(y.shape).toEqual(outShape);
      expect(maxDiff(y.dataSync(), want)).toBe(0);
      const g = tf.grad((z: tf.Tensor) =>
        tf.sum(tf.mul(model.apply(z, { training: true }) as tf.Tensor, t)),
      )(x);
      expect(maxDiff(g.dataSync(), grad)).toBeLessThan(1e-6);
      tf.dispose([y, g]);
    } finally {
      tf.dispose([x, t]);
      model.dispose();
    }
  });
});
