import { describe, expect, it } from 'vitest';
import { flatten, permute, repeatVector, reshape } from '../../compiler/ops/reshape.js';
import { upsampling2d } from '../../compiler/ops/upsampling.js';
import { apply, expectOpError, shapeOf } from './helpers.js';

describe('flatten', () => {
  it('multiplies the dims', () => {
    expect(apply(flatten, [[7, 7, 512]])).toMatchObject({ shape: [25_088], params: 0, macs: 0 });
    expect(shapeOf(flatten, [['T', 8]])).toEqual([null]);
    expect(shapeOf(flatten, [['T']])).toEqual(['T']);
    expectOpError(flatten, [[]], {}, 'E3004');
  });
});

describe('reshape', () => {
  it('to an explicit shape, or inferring one -1', () => {
    expect(shapeOf(reshape, [[784]], { shape: [28, 28, 1] })).toEqual([28, 28, 1]);
    expect(shapeOf(reshape, [[784]], { shape: [-1, 28] })).toEqual([28, 28]);
    expect(shapeOf(reshape, [['T', 8]], { shape: [-1, 4] })).toEqual([null, 4]);
    expect(shapeOf(reshape, [['T', 8]], { shape: [2, 4] })).toEqual([2, 4]);
  });

  it('reports element-count mismatches', () => {
    const e = expectOpError(reshape, [[49]], { shape: [7, 7, 2048] }, 'E3004', 'shape');
    expect(e.message).toBe('cannot reshape [49] (49 elements) to [7, 7, 2048] (100352 elements)');
    const hole = expectOpError(reshape, [[50]], { shape: [7, -1] }, 'E3004', 'shape');
    expect(hole.message).toContain('50 is not a multiple of 7');
  });

  it('rejects two -1 and non-positive sizes', () => {
    expectOpError(reshape, [[16]], { shape: [-1, -1] }, 'E2002', 'shape');
    expectOpError(reshape, [[16]], { shape: [0, 16] }, 'E2002', 'shape');
    expectOpError(reshape, [[16]], { shape: [-2, -8] }, 'E2002', 'shape');
  });
});

describe('permute', () => {
  it('uses 0-based axes over the non-batch dims, like every axis in netc', () => {
    expect(shapeOf(permute, [[10, 64]], { dims: [1, 0] })).toEqual([64, 10]);
    expect(shapeOf(permute, [['T', null, 3]], { dims: [2, 0, 1] })).toEqual([3, 'T', null]);
  });

  it.each([
    [[2, 1]], // Keras' 1-based indices by mistake
    [[1, 1]],
    [[1]],
    [[0, 1, 2]],
  ])('rejects %j on a rank-2 input', (dims) => {
    const e = expectOpError(permute, [[10, 64]], { dims }, 'E2002', 'dims');
    expect(e.message).toContain('permutation of [0, 1]');
    expect(e.notes.join()).toContain('0-based');
  });
});

describe('repeat_vector', () => {
  it('[F] -> [n, F]', () => {
    expect(shapeOf(repeatVector, [[64]], { n: 5 })).toEqual([5, 64]);
    expect(shapeOf(repeatVector, [[null]], { n: 5 })).toEqual([5, null]);
    expectOpError(repeatVector, [[2, 64]], { n: 5 }, 'E3004');
    expectOpError(repeatVector, [[64]], { n: 0 }, 'E2002', 'n');
  });
});

describe('upsampling2d', () => {
  it('multiplies height and width', () => {
    expect(apply(upsampling2d, [[7, 7, 64]])).toMatchObject({ shape: [14, 14, 64], macs: 0 });
    expect(shapeOf(upsampling2d, [[7, 7, 64]], { size: [2, 3] })).toEqual([14, 21, 64]);
    expect(shapeOf(upsampling2d, [['H', 7, 3]], { size: [1, 2] })).toEqual(['H', 14, 3]);
    expect(shapeOf(upsampling2d, [['H', 7, 3]], { interpolation: 'bilinear' })).toEqual([
      null,
      14,
      3,
    ]);
    expectOpError(upsampling2d, [[7, 7, 64]], { size: 0 }, 'E2002', 'size');
    expectOpError(upsampling2d, [[7, 64]], {}, 'E3004');
  });
});
