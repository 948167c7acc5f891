/**
 * The training losses against hand-computed values, in both forms (probabilities and logits),
 * and the gradient of the logits form where a clipped probability loss has none.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accuracyFunction,
  binaryFromLogits,
  binaryFromProbabilities,
  categoricalFromLogits,
  categoricalFromProbabilities,
  chooseLossForm,
  gatherOneHot,
  lossFunction,
  meanSquaredError,
  type LossFn,
} from '../../../api/index.js';
import { checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

/** The per-position values of a loss on literal arrays. */
function values(f: LossFn, yTrue: number[][], yPred: number[][]): number[] {
  return tf.tidy(() => Array.from(f(tf.tensor2d(yTrue), tf.tensor2d(yPred)).dataSync()));
}

const close = (got: number[], want: number[]) =>
  got.forEach((g, i) => expect(g, `position ${i}`).toBeCloseTo(want[i], 5));

describe('categorical cross-entropy', () => {
  it('from logits: log-sum-exp minus the target logit, stable for large logits', () => {
    // logsumexp(1, 2, 3) = 3 + ln(1 + e^-1 + e^-2) = 3.4076059644; minus z[2] = 3.
    // logsumexp(1000, 0) = 1000 (+ ln(1 + e^-1000)); minus z[1] = 0.
    // logsumexp(0, 0) = ln 2, a uniform soft target: the same.
    const got = values(
      categoricalFromLogits,
      [
        [0, 0, 1],
        [0, 1, 0],
        [0.5, 0.5, 0],
      ],
      [
        [1, 2, 3],
        [1000, 0, -1000],
        [0, 0, -1000],
      ],
    );
    close(got, [0.4076059644, 1000, Math.LN2]);
  });

  it('on probabilities: normalised, clipped at 1e-7, minus the log of the target class', () => {
    const got = values(
      categoricalFromProbabilities,
      [
        [0, 1, 0],
        [0, 0, 1],
        [1, 0, 0],
      ],
      [
        [0.2, 0.3, 0.5],
        [1, 1, 2], // normalised: 0.25, 0.25, 0.5
        [0, 0.5, 0.5], // p = 0 clipped to 1e-7: -ln(1e-7) = 16.1180957
      ],
    );
    close(got, [1.2039728043, Math.LN2, 16.118095651]);
  });

  it('sparse targets are one-hot rows of the class indices', () => {
    const y = gatherOneHot({ shape: [3, 1], data: new Float32Array([2, 0, 1]) }, [1, 0, 2], 3);
    expect(y.shape).toEqual([3, 3]);
    expect(Array.from(y.data)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    const rows = [0, 1, 2].map((r) => Array.from(y.data.subarray(r * 3, r * 3 + 3)));
    // Target class 0 of logits (1, 2, 3): logsumexp - 1 = 2.4076059644.
    close(
      values(categoricalFromLogits, rows, [
        [1, 2, 3],
        [0, 0, 0],
        [0, 0, 0],
      ]),
      [2.4076059644, Math.log(3), Math.log(3)],
    );
    expect(() => gatherOneHot({ shape: [1], data: new Float32Array([3]) }, [0], 3)).toThrow(
      'value 3 at index 0 is not a class index in [0, 3)',
    );
  });
});

describe('binary cross-entropy', () => {
  it('from logits: max(z, 0) - z y + ln(1 + e^-|z|), averaged over the last axis', () => {
    // z 0, y 1: ln 2. z 2, y 0: 2 + ln(1 + e^-2) = 2.1269280110. z -50, y 1: 50 (+ e^-50).
    close(values(binaryFromLogits, [[1], [0], [1]], [[0], [2], [-50]]), [
      Math.LN2,
      2.126928011,
      50,
    ]);
    close(values(binaryFromLogits, [[1, 0]], [[0, 2]]), [(Math.LN2 + 2.126928011) / 2]);
  });

  it('on probabilities: clipped, -y ln p - (1 - y) ln(1 - p)', () => {
    close(
      values(binaryFromProbabilities, [[1], [0], [1]], [[0.8], [0.8], [0]]),
      [0.2231435513, 1.6094379124, 16.118095651],
    );
  });

  it('mse is the mean square over the last axis', () => {
    close(values(meanSquaredError, [[1, 2]], [[2, 4]]), [2.5]);
  });
});

describe('the gradient of the logits form', () => {
  // A confident wrong answer: logits (-30, 31) for class 0.
  const z = [[-30, 31]];
  const y = [[1, 0]];
  const grad = (f: LossFn) =>
    tf.tidy(() => {
      const t = tf.tensor2d(y);
      const g = tf.grad((p: tf.Tensor) => tf.mean(f(t, p)))(tf.tensor2d(z));
      return Array.from(g.dataSync());
    });

  it.each(['cpu', 'wasm'] as const)(
    'is softmax - y (about -1, 1) where a clipped probability loss is flat (%s)',
    async (backend) => {
      await useBackend(backend);
      close(grad(categoricalFromLogits), [-1, 1]);
      close(grad(binaryFromLogits), [-0.5, 0.5]); // (sigmoid(z) - y) / 2 units
      // The same logits read as probabilities: normalised to (-30, 31), the target's clipped
      // to 1e-7: no gradient at all passes the clip.
      expect(grad(categoricalFromProbabilities)).toEqual([0, 0]);
      await useBackend('cpu');
    },
  );
});

describe('the form follows the output', () => {
  const graph = (body: string) => {
    const r = checkSource(new Source('t.net', `model m(x: [4]) {\n${body}\n}\n`));
    if (!r.ok) throw new Error('does not compile');
    return r.graphs[0];
  };

  it('probabilities after a softmax or sigmoid, logits otherwise, unless overridden', () => {
    const soft = graph('  return probs: x |> dense(3) |> softmax');
    const logits = graph('  return logits: x |> dense(3)');
    const sig = graph('  return p: x |> dense(1, activation: "sigmoid")');
    const c = 'categorical_crossentropy';
    expect(chooseLossForm(soft, soft.outputs[0], c)).toEqual({
      form: 'probabilities',
      reason: "output 'probs' is produced by softmax",
    });
    expect(chooseLossForm(logits, logits.outputs[0], 'sparse_categorical_crossentropy')).toEqual({
      form: 'logits',
      reason: "output 'logits' is produced by dense, not a softmax or sigmoid",
    });
    expect(chooseLossForm(sig, sig.outputs[0], 'binary_crossentropy').form).toBe('probabilities');
    expect(chooseLossForm(logits, logits.outputs[0], 'binary_crossentropy').form).toBe('logits');
    expect(chooseLossForm(soft, soft.outputs[0], c, 'logits').form).toBe('logits');
    expect(chooseLossForm(soft, soft.outputs[0], 'mse').form).toBe('values');
    expect(lossFunction(c, 'logits')).toBe(categoricalFromLogits);
    expect(lossFunction('binary_crossentropy', 'probabilities')).toBe(binaryFromProbabilities);
  });

  it('accuracy: argmax agreement, or a threshold at 0 (logits) or 0.5 (probabilities)', () => {
    const acc = (f: LossFn, yt: number[][], yp: number[][]) => values(f, yt, yp);
    const cat = accuracyFunction('categorical_crossentropy', 'logits', 3);
    expect(cat.name).toBe('acc');
    expect(
      acc(
        cat,
        [
          [0, 0, 1],
          [1, 0, 0],
        ],
        [
          [1, 2, 3],
          [-1, 5, 0],
        ],
      ),
    ).toEqual([1, 0]);
    const fromLogits = accuracyFunction('binary_crossentropy', 'logits', 1);
    expect(acc(fromLogits, [[1], [0], [1]], [[0.2], [0.2], [-0.1]])).toEqual([1, 0, 0]);
    const fromProbs = accuracyFunction('binary_crossentropy', 'probabilities', 1);
    expect(acc(fromProbs, [[1], [0], [1]], [[0.2], [0.2], [0.7]])).toEqual([0, 1, 1]);
  });
});
