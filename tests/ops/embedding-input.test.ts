import { describe, expect, it } from 'vitest';
import { embedding } from '../../compiler/ops/embedding.js';
import { input } from '../../compiler/ops/input.js';
import { apply, expectOpError, weightShapes } from './helpers.js';

describe('embedding', () => {
  it('10,000 x 128: 1,280,000 params, 0 MACs', () => {
    const r = apply(embedding, [['T']], { input_dim: 10_000, output_dim: 128 });
    expect(r.shape).toEqual(['T', 128]);
    expect(weightShapes(r.weights)).toEqual([['embeddings', [10_000, 128], true]]);
    expect(r.params).toBe(1_280_000); // 10,000 * 128
    expect(r.macs).toBe(0);
  });

  it('validates its sizes', () => {
    expectOpError(embedding, [[5]], { input_dim: 0, output_dim: 8 }, 'E2002', 'input_dim');
    expectOpError(embedding, [[5]], { input_dim: 10, output_dim: -1 }, 'E2002', 'output_dim');
  });
});

describe('input', () => {
  it('returns its shape, with symbols and unknowns', () => {
    expect(input.inputs).toEqual({ min: 0, max: 0 });
    expect(apply(input, [], { shape: ['T', 64] })).toMatchObject({ shape: ['T', 64], params: 0 });
    expect(apply(input, [], { shape: [null, 224, 3] }).shape).toEqual([null, 224, 3]);
    expect(apply(input, [], { shape: [{ kind: 'dim', name: 'T' }] }).shape).toEqual(['T']);
  });

  it('rejects non-positive sizes', () => {
    expectOpError(input, [], { shape: [0, 3] }, 'E2002', 'shape');
  });
});
