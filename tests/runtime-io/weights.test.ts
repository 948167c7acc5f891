import { describe, expect, it } from 'vitest';
import { matchWeights, WeightMismatchError } from '../../runtime/io/weights.js';

const expected = [
  { name: 'fc/kernel', shape: [2, 3] },
  { name: 'fc/bias', shape: [3] },
  { name: 'bn/gamma', shape: [3] },
];

function tensor(shape: number[], fill = 1) {
  return { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill) };
}

function mismatch(given: Map<string, ReturnType<typeof tensor>>): WeightMismatchError {
  try {
    matchWeights(expected, given);
  } catch (error) {
    expect(error).toBeInstanceOf(WeightMismatchError);
    return error as WeightMismatchError;
  }
  throw new Error('expected a WeightMismatchError');
}

describe('matchWeights', () => {
  it('returns the arrays in expected order, whatever the given order', () => {
    const given = new Map([
      ['bn/gamma', tensor([3], 3)],
      ['fc/kernel', tensor([2, 3], 1)],
      ['fc/bias', tensor([3], 2)],
    ]);
    const arrays = matchWeights(expected, given);
    expect(arrays.map((a) => [a.length, a[0]])).toEqual([
      [6, 1],
      [3, 2],
      [3, 3],
    ]);
    expect(arrays[0]).toBe(given.get('fc/kernel')!.data);
  });

  it('matches an empty model with an empty file', () => {
    expect(matchWeights([], new Map())).toEqual([]);
  });

  it('reports missing names', () => {
    const error = mismatch(new Map([['fc/kernel', tensor([2, 3])]]));
    expect(error.missing).toEqual(['fc/bias', 'bn/gamma']);
    expect(error.unexpected).toEqual([]);
    expect(error.message).toContain('missing (2): fc/bias, bn/gamma');
  });

  it('reports unexpected names', () => {
    const given = new Map([
      ['fc/kernel', tensor([2, 3])],
      ['fc/bias', tensor([3])],
      ['bn/gamma', tensor([3])],
      ['extra/a', tensor([1])],
      ['extra/b', tensor([1])],
    ]);
    const error = mismatch(given);
    expect(error.unexpected).toEqual(['extra/a', 'extra/b']);
    expect(error.message).toContain('unexpected (2): extra/a, extra/b');
  });

  it('reports mis-shaped tensors with both shapes', () => {
    const given = new Map([
      ['fc/kernel', tensor([3, 2])],
      ['fc/bias', tensor([3])],
      ['bn/gamma', tensor([1, 3])],
    ]);
    const error = mismatch(given);
    expect(error.misshaped).toEqual([
      { name: 'fc/kernel', expected: [2, 3], found: [3, 2] },
      { name: 'bn/gamma', expected: [3], found: [1, 3] },
    ]);
    expect(error.message).toContain('wrong shape: fc/kernel: expected [2, 3], found [3, 2]');
    expect(error.message).toContain('wrong shape: bn/gamma: expected [3], found [1, 3]');
  });

  it('reports data whose length does not match its shape', () => {
    const given = new Map([
      ['fc/kernel', { shape: [2, 3], data: new Float32Array(5) }],
      ['fc/bias', tensor([3])],
      ['bn/gamma', tensor([3])],
    ]);
    expect(mismatch(given).message).toContain(
      'wrong data length: fc/kernel: shape [2, 3] but 5 values',
    );
  });

  it('lists every kind of mismatch in one message', () => {
    const given = new Map([
      ['fc/kernel', tensor([2, 2])],
      ['bn/beta', tensor([3])],
    ]);
    const error = mismatch(given);
    expect(error.message).toBe(
      [
        'weights do not match the model:',
        '  missing (2): fc/bias, bn/gamma',
        '  unexpected (1): bn/beta',
        '  wrong shape: fc/kernel: expected [2, 3], found [2, 2]',
      ].join('\n'),
    );
    expect(error.name).toBe('WeightMismatchError');
  });

  it('rejects duplicate expected names as a caller bug', () => {
    expect(() => matchWeights([expected[0], expected[0]], new Map())).toThrow(/duplicate expected/);
  });
});
