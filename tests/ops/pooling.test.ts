import { describe, expect, it } from 'vitest';
import {
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
} from '../../compiler/ops/global-pooling.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../../compiler/ops/pooling.js';
import { apply, attrsOf, expectOpError, shapeOf } from './helpers.js';

describe('window pooling', () => {
  it('defaults: pool 2, stride = pool, valid', () => {
    const r = apply(maxPool2d, [[7, 7, 512]]);
    expect(r.shape).toEqual([3, 3, 512]); // floor((7 - 2) / 2) + 1
    expect(r.weights).toEqual([]);
    expect(r.macs).toBe(0);
    expect(shapeOf(avgPool2d, [[224, 224, 64]])).toEqual([112, 112, 64]);
  });

  it('3x3 stride 2 on 112: "same" 56, "valid" 55', () => {
    const a = { pool_size: 3, stride: 2 };
    expect(shapeOf(maxPool2d, [[112, 112, 64]], { ...a, padding: 'same' })).toEqual([56, 56, 64]);
    // floor((112 - 3) / 2) + 1 = 54 + 1
    expect(shapeOf(maxPool2d, [[112, 112, 64]], a)).toEqual([55, 55, 64]);
  });

  it('"same" on odd and even sizes', () => {
    const a = { pool_size: 2, padding: 'same' };
    expect(shapeOf(avgPool2d, [[7, 8, 4]], a)).toEqual([4, 4, 4]); // ceil(7/2), ceil(8/2)
    const attrs = attrsOf(avgPool2d, a);
    expect(avgPool2d.warnings?.([[7, 8, 4]], attrs)).toHaveLength(1);
  });

  it('per-axis pool size and stride', () => {
    // h: floor((10 - 2) / 1) + 1 = 9; w: floor((10 - 3) / 3) + 1 = 3
    const s = shapeOf(maxPool2d, [[10, 10, 1]], { pool_size: [2, 3], stride: [1, 3] });
    expect(s).toEqual([9, 3, 1]);
  });

  it('1-D pooling', () => {
    expect(shapeOf(maxPool1d, [[1000, 32]])).toEqual([500, 32]);
    // floor((1000 - 3) / 2) + 1 = 499
    expect(shapeOf(avgPool1d, [[1000, 32]], { pool_size: 3, stride: 2 })).toEqual([499, 32]);
  });

  it('window larger than the input under valid is E3003', () => {
    const e = expectOpError(maxPool2d, [[2, 2, 8]], { pool_size: 3 }, 'E3003', 'pool_size');
    expect(e.message).toContain('3');
    expect(shapeOf(maxPool2d, [[2, 2, 8]], { pool_size: 3, padding: 'same' })).toEqual([1, 1, 8]);
  });

  it('validates arguments and rank', () => {
    expectOpError(maxPool2d, [[8, 8, 1]], { pool_size: 0 }, 'E2002', 'pool_size');
    expectOpError(maxPool2d, [[8, 8, 1]], { stride: [1, 0] }, 'E2002', 'stride');
    expectOpError(maxPool1d, [[8, 8, 1]], {}, 'E3004');
  });

  it('pooled unknown dims become unknown; stride 1 "same" keeps symbols', () => {
    expect(shapeOf(maxPool1d, [['T', 32]])).toEqual([null, 32]);
    expect(shapeOf(avgPool1d, [['T', 8]], { pool_size: 3, stride: 1, padding: 'same' })).toEqual([
      'T',
      8,
    ]);
  });
});

describe('global pooling', () => {
  it('2-D: [H, W, C] -> [C]', () => {
    for (const op of [globalAvgPool2d, globalMaxPool2d]) {
      expect(apply(op, [[7, 7, 2048]])).toMatchObject({ shape: [2048], params: 0, macs: 0 });
      expect(shapeOf(op, [[7, 7, 2048]], { keepdims: true })).toEqual([1, 1, 2048]);
    }
  });

  it('1-D: [L, C] -> [C], with unknown length', () => {
    for (const op of [globalAvgPool1d, globalMaxPool1d]) {
      expect(shapeOf(op, [['T', 64]])).toEqual([64]);
      expect(shapeOf(op, [[null, 64]], { keepdims: true })).toEqual([1, 64]);
    }
  });

  it('checks the rank', () => {
    expectOpError(globalAvgPool2d, [[7, 2048]], {}, 'E3004');
  });
});
