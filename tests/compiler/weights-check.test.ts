/** The one weights check: problems in graph order, one error class, long lists summarised. */
import { describe, expect, it } from 'vitest';
import { initialWeights } from '../../compiler/initial-weights.js';
import type { WeightArray } from '../../compiler/ir/weights.js';
import {
  compareWeights,
  checkWeights,
  weightProblems,
  WeightMismatchError,
} from '../../compiler/weights-check.js';
import { graphOfText } from './passes/helpers.js';

const layers = Array.from({ length: 12 }, (_, i) => `dense(2, name: "l${i}")`).join(' |> ');
const graph = graphOfText(`model wide(x: [2]) {
  return y: x |> ${layers}
}`);

function mismatch(weights: Map<string, WeightArray>): WeightMismatchError {
  try {
    checkWeights(graph, weights);
  } catch (e) {
    expect(e).toBeInstanceOf(WeightMismatchError);
    return e as WeightMismatchError;
  }
  throw new Error('expected a WeightMismatchError');
}

describe('checkWeights / WeightMismatchError', () => {
  it('accepts exactly the graph weights', () => {
    expect(compareWeights(graph, initialWeights(graph, 0))).toEqual([]);
    expect(() => checkWeights(graph, initialWeights(graph, 0))).not.toThrow();
  });

  it('summarises long lists as "and N more"', () => {
    const error = mismatch(new Map());
    expect(error.missing).toHaveLength(24);
    expect(error.message).toBe(
      'weights do not match the model:\n  missing (24): l0/kernel, l0/bias, l1/kernel, l1/bias, ' +
        'l2/kernel, l2/bias, l3/kernel, l3/bias, l4/kernel, l4/bias, and 14 more',
    );
    const w = new Map<string, WeightArray>(initialWeights(graph, 0));
    for (let i = 0; i < 12; i++) w.set(`l${i}/bias`, { shape: [3], data: new Float32Array(3) });
    const lines = mismatch(w).message.split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[1]).toBe('  wrong shape: l0/bias: expected [2], found [3]');
    expect(lines[11]).toBe('  and 2 more');
  });

  it('reports data whose length does not fit its shape', () => {
    const w = new Map<string, WeightArray>(initialWeights(graph, 0));
    w.set('l3/kernel', { shape: [2, 2], data: new Float32Array(5) });
    expect(mismatch(w).message).toBe(
      'weights do not match the model:\n  wrong data length: l3/kernel: shape [2, 2] but 5 values',
    );
    expect(weightProblems(graph, w)).toEqual(['l3/kernel: 5 values for the shape [2, 2]']);
  });
});
