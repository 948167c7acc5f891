import { describe, expect, it } from 'vitest';
import { dense } from '../../compiler/ops/dense.js';
import { apply, expectOpError, shapeOf, weightShapes } from './helpers.js';

describe('dense contract', () => {
  it('784 -> 512: 401,920 params', () => {
    const r = apply(dense, [[784]], { units: 512 });
    expect(r.shape).toEqual([512]);
    expect(weightShapes(r.weights)).toEqual([
      ['kernel', [784, 512], true],
      ['bias', [512], true],
    ]);
    expect(r.params).toBe(401_920); // 784*512 + 512 = 401,408 + 512
    expect(r.macs).toBe(401_408); // 784*512
  });

  it('512 -> 10 without bias', () => {
    const r = apply(dense, [[512]], { units: 10, bias: false });
    expect(r.params).toBe(5_120); // 512*10
  });

  it('applies to the last axis of a sequence', () => {
    const r = apply(dense, [[10, 64]], { units: 32 });
    expect(r.shape).toEqual([10, 32]);
    expect(r.params).toBe(2_080); // 64*32 + 32
    expect(r.macs).toBe(20_480); // 10 positions * 64 * 32
  });

  it('keeps symbolic leading dims; MACs are unknown then', () => {
    const r = apply(dense, [['T', 64]], { units: 32 });
    expect(r.shape).toEqual(['T', 32]);
    expect(r.macs).toBeNull();
  });

  it('needs a known last dim for its kernel', () => {
    expect(shapeOf(dense, [[4, null]], { units: 8 })).toEqual([4, 8]);
    expectOpError(dense, [[4, null]], { units: 8 }, 'E3004');
  });

  it('rejects bad units and rank 0', () => {
    const e = expectOpError(dense, [[8]], { units: 0 }, 'E2002', 'units');
    expect(e.message).toBe(
      "invalid value for 'units': expected a strictly positive value, found 0",
    );
    expectOpError(dense, [[]], { units: 4 }, 'E3004');
  });
});
