import { describe, expect, it } from 'vitest';
import { activationOps, leakyRelu, softmax } from '../../compiler/ops/activations.js';
import { dropout } from '../../compiler/ops/dropout.js';
import { apply, expectOpError } from './helpers.js';

describe('activations', () => {
  it('has the ten activations', () => {
    expect(activationOps.map((op) => op.name)).toEqual([
      'relu',
      'relu6',
      'leaky_relu',
      'elu',
      'gelu',
      'swish',
      'sigmoid',
      'tanh',
      'softmax',
      'hard_sigmoid',
    ]);
  });

  it.each(activationOps.map((op) => [op.name, op] as const))(
    '%s keeps the shape, has no weights and 0 MACs',
    (_name, op) => {
      const r = apply(op, [['T', null, 8]]);
      expect(r.shape).toEqual(['T', null, 8]);
      expect(r.weights).toEqual([]);
      expect(r.macs).toBe(0);
      expect(op.category).toBe('activation');
    },
  );

  it('leaky_relu defaults alpha to 0.3 and rejects a negative one', () => {
    expect(leakyRelu.params.find((p) => p.name === 'alpha')?.default).toBe(0.3);
    expectOpError(leakyRelu, [[4]], { alpha: -0.1 }, 'E2002', 'alpha');
  });

  it('softmax checks its axis', () => {
    expect(apply(softmax, [[10, 4]], { axis: 0 }).shape).toEqual([10, 4]);
    const e = expectOpError(softmax, [[10]], { axis: 1 }, 'E2002', 'axis');
    expect(e.message).toContain('[-1, 0]');
  });
});

describe('dropout', () => {
  it('keeps the shape', () => {
    expect(apply(dropout, [[128]], { rate: 0.2 })).toMatchObject({ shape: [128], params: 0 });
    expect(apply(dropout, [[128]], { rate: 0 }).shape).toEqual([128]);
  });

  it.each([1, 1.5, -0.1])('rejects rate %s', (rate) => {
    const e = expectOpError(dropout, [[128]], { rate }, 'E2002', 'rate');
    expect(e.message).toContain('[0, 1)');
  });
});
