/**
 * Batch norm without gamma or beta in training mode (runtime/train/bn-training.ts): tfjs 4.22
 * throws there (netc's own layer does not); after `fixBatchNormTraining` the training output and the moving statistics
 * equal those of tfjs's own training branch on a batch norm with gamma 1 and beta 0, on a
 * feature axis last and first.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../api/index.js';
import { checkSource } from '../../../compiler/compile.js';
import { Source } from '../../../compiler/source.js';
import { fixBatchNormTraining } from '../../../runtime/train/bn-training.js';
import { maxDiff, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

const graphOf = (bn: string) => {
  const r = checkSource(new Source('t.net', `model m(x: [3, 4]) {\n  return y: x |> ${bn}\n}\n`));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.graphs[0];
};

describe('batch norm without gamma or beta, in training', () => {
  it.each([-1, 1])('axis %i: equals tfjs on gamma 1, beta 0; moving statistics too', (axis) => {
    const bare = graphOf(`batch_norm(axis: ${axis}, momentum: 0.7, scale: false, center: false)`);
    const full = graphOf(`batch_norm(axis: ${axis}, momentum: 0.7)`);
    // netc builds its own batch norm, which trains without gamma or beta; tfjs's does not.
    const netc = buildModel(bare);
    expect(fixBatchNormTraining(netc)).toBe(0);
    const input = tf.input({ shape: [3, 4] });
    const tfjsBn = tf.layers.batchNormalization({
      axis: netc.layers[1].getConfig().axis as number,
      momentum: 0.7,
      scale: false,
      center: false,
    });
    const a = tf.model({ inputs: input, outputs: tfjsBn.apply(input) as tf.SymbolicTensor });
    const b = buildModel(full);
    const x = tf.tensor3d(
      Array.from({ length: 5 * 12 }, (_, i) => Math.sin(i) * 3 + i * 0.1),
      [5, 3, 4],
    );
    expect(() => a.apply(x, { training: true })).toThrow();
    expect(fixBatchNormTraining(a)).toBe(1);
    expect(fixBatchNormTraining(b)).toBe(0);
    const ya = (a.apply(x, { training: true }) as tf.Tensor).dataSync();
    const yb = (b.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(maxDiff(Array.from(ya), Array.from(yb))).toBeLessThan(1e-5);
    const yn = (netc.apply(x, { training: true }) as tf.Tensor).dataSync();
    expect(maxDiff(Array.from(yn), Array.from(yb))).toBeLessThan(1e-5);
    const stats = (m: tf.LayersModel) =>
      m.layers[1]
        .getWeights()
        .slice(-2)
        .map((w) => Array.from(w.dataSync()));
    const [sa, sb] = [stats(a), stats(b)];
    expect(maxDiff(sa[0], sb[0])).toBeLessThan(1e-6);
    expect(maxDiff(sa[1], sb[1])).toBeLessThan(1e-5);
    expect(sa[0].some((v) => Math.abs(v) > 0.01)).toBe(true); // they moved
    // Its gradient flows (tf.batchNorm's would need the absent scale).
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.square(a.apply(t, { training: true }) as tf.Tensor)),
    )(x);
    expect(Number.isFinite(g.sum().dataSync()[0])).toBe(true);
    // Inference is tfjs's own, and does not move them.
    const now = stats(a);
    a.predict(x);
    expect(stats(a)).toEqual(now);
    tf.dispose(x);
    a.dispose();
    b.dispose();
    netc.dispose();
  });
});
