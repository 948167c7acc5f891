/**
 * readGraphWeights / writeGraphWeights: weights as plain arrays keyed `<node>/<weight>`; a write
 * checks the whole set against the op registry first and changes nothing when it does not fit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { weightKey, type WeightArray } from '../../compiler/ir/weights.js';
import { buildModel, fillModel, readGraphWeights, writeGraphWeights } from '../../api/index.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { useBackend } from './helpers.js';

beforeAll(() => useBackend('cpu'));

const graph = graphOfText(`model m(x: [3]) {
  return y: x |> dense(2, name: "d") |> batch_norm(name: "bn")
}`);

describe('graph weights', () => {
  it('fills a model through one function (writeGraphWeights is its old name)', () => {
    expect(writeGraphWeights).toBe(fillModel);
  });

  it('round-trips through another model of the same graph', () => {
    const a = buildModel(graph, { seed: 1 });
    const b = buildModel(graph, { seed: 2 });
    const w = readGraphWeights(a, graph);
    expect([...w.keys()].sort()).toEqual([
      'bn/beta',
      'bn/gamma',
      'bn/moving_mean',
      'bn/moving_variance',
      'd/bias',
      'd/kernel',
    ]);
    writeGraphWeights(b, graph, w);
    expect(readGraphWeights(b, graph)).toEqual(w);
    a.dispose();
    b.dispose();
  });

  it('lists every missing, misshaped and unexpected weight, and writes none', () => {
    const model = buildModel(graph, { seed: 1 });
    const before = readGraphWeights(model, graph);
    const w = new Map<string, WeightArray>(before);
    w.delete(weightKey('bn', 'gamma'));
    w.set(weightKey('d', 'kernel'), { shape: [2, 3], data: new Float32Array(6) });
    w.set(weightKey('d', 'extra'), { shape: [1], data: new Float32Array(1) });
    w.set(weightKey('d', 'bias'), { shape: [2], data: Float32Array.of(7, 7) });
    expect(() => writeGraphWeights(model, graph, w)).toThrow(
      [
        'weights do not match the model:',
        '  missing (1): bn/gamma',
        '  unexpected (1): d/extra',
        '  wrong shape: d/kernel: expected [3, 2], found [2, 3]',
      ].join('\n'),
    );
    expect(readGraphWeights(model, graph)).toEqual(before);
    model.dispose();
  });
});
