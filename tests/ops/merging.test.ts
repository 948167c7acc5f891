import { describe, expect, it } from 'vitest';
import { concat } from '../../compiler/ops/concat.js';
import { add, multiply, scale, subtract } from '../../compiler/ops/merging.js';
import { apply, expectOpError, shapeOf } from './helpers.js';

describe('add, subtract, multiply', () => {
  it('need the same shape', () => {
    const e = expectOpError(
      add,
      [
        [56, 56, 256],
        [56, 56, 128],
      ],
      {},
      'E3001',
    );
    expect(e.message).toBe(
      'add needs operands of the same shape, found [56, 56, 256] and [56, 56, 128]',
    );
    expectOpError(multiply, [[8], [8, 1]], {}, 'E3001');
    expectOpError(subtract, [[4], [5]], {}, 'E3001');
  });

  it('name the operands when there are more than two', () => {
    const e = expectOpError(add, [[null], [17], [18]], {}, 'E3001');
    expect(e.message).toBe(
      'add needs operands of the same shape, found [17] (input 2) and [18] (input 3)',
    );
  });

  it('let unknown dims match and keep identical symbols', () => {
    expect(
      apply(add, [
        [null, 32],
        [17, 32],
      ]),
    ).toMatchObject({ shape: [17, 32], params: 0 });
    expect(
      shapeOf(add, [
        ['T', 32],
        ['T', 32],
        [null, 32],
      ]),
    ).toEqual(['T', 32]);
    expect(
      shapeOf(multiply, [
        [null, 4],
        [3, null],
      ]),
    ).toEqual([3, 4]);
    expectOpError(
      add,
      [
        ['T', 32],
        ['U', 32],
      ],
      {},
      'E3001',
    );
  });

  it('have the right arity', () => {
    expect(add.inputs).toEqual({ min: 2, max: Infinity });
    expect(multiply.inputs).toEqual({ min: 2, max: Infinity });
    expect(subtract.inputs).toEqual({ min: 2, max: 2 });
  });
});

describe('scale', () => {
  it('keeps the shape, no weights', () => {
    expect(apply(scale, [[4, 4]], { factor: 0.5 })).toMatchObject({
      shape: [4, 4],
      weights: [],
      macs: 0,
    });
  });
});

describe('concat', () => {
  it('sums the axis', () => {
    const s = shapeOf(concat, [
      [28, 28, 64],
      [28, 28, 32],
      [28, 28, 32],
    ]);
    expect(s).toEqual([28, 28, 128]);
    expect(
      shapeOf(
        concat,
        [
          ['T', 8],
          [5, 8],
        ],
        { axis: 0 },
      ),
    ).toEqual([null, 8]);
    expect(
      shapeOf(
        concat,
        [
          [null, 8],
          [5, 4],
        ],
        { axis: 1 },
      ),
    ).toEqual([5, 12]);
    expect(
      shapeOf(concat, [
        ['T', 8],
        ['T', 4],
      ]),
    ).toEqual(['T', 12]);
  });

  it('names the first disagreeing dimension', () => {
    const e = expectOpError(
      concat,
      [
        [28, 28, 64],
        [14, 14, 32],
      ],
      {},
      'E3001',
    );
    expect(e.message).toContain('dimension 0');
    expect(e.message).toContain('[28, 28, 64] and [14, 14, 32]');
    expectOpError(
      concat,
      [
        [28, 64],
        [28, 28, 64],
      ],
      {},
      'E3001',
    );
  });

  it('checks the axis range', () => {
    const e = expectOpError(
      concat,
      [
        [4, 4, 8],
        [4, 4, 8],
      ],
      { axis: 3 },
      'E2002',
      'axis',
    );
    expect(e.message).toContain('[-3, 2]');
  });
});
