import { describe, expect, it } from 'vitest';
import { batchNorm, layerNorm } from '../../compiler/ops/normalization.js';
import { apply, expectOpError, weightShapes } from './helpers.js';

describe('batch_norm contract', () => {
  it('16 channels: 64 params, 32 trainable', () => {
    const r = apply(batchNorm, [[32, 32, 16]]);
    expect(r.shape).toEqual([32, 32, 16]);
    expect(weightShapes(r.weights)).toEqual([
      ['gamma', [16], true],
      ['beta', [16], true],
      ['moving_mean', [16], false],
      ['moving_variance', [16], false],
    ]);
    // Keras: 4 per channel (4*16), gamma and beta trainable (2*16)
    expect(r.params).toBe(64);
    expect(r.trainable).toBe(32);
    expect(r.macs).toBe(0);
  });

  it('scale=false on 32 channels: 96 params, 32 trainable (beta only)', () => {
    const r = apply(batchNorm, [[8, 32]], { scale: false });
    expect(r.weights.map((w) => w.name)).toEqual(['beta', 'moving_mean', 'moving_variance']);
    expect(r.params).toBe(96); // 3*32
    expect(r.trainable).toBe(32); // beta: 32
  });

  it('center=false drops beta; both false leaves only the statistics', () => {
    expect(apply(batchNorm, [[8]], { center: false }).weights.map((w) => w.name)).toEqual([
      'gamma',
      'moving_mean',
      'moving_variance',
    ]);
    const r = apply(batchNorm, [[8]], { center: false, scale: false });
    expect(r.params).toBe(16); // 2*8
    expect(r.trainable).toBe(0);
  });

  it('normalizes another axis', () => {
    const r = apply(batchNorm, [[10, 64]], { axis: 0 });
    expect(r.weights[0].shape).toEqual([10]);
    expect(apply(batchNorm, [[10, 64]], { axis: -2 }).weights[0].shape).toEqual([10]);
  });

  it('propagates unknown dims, but needs the feature axis for weights', () => {
    expect(apply(batchNorm, [['T', 8]]).shape).toEqual(['T', 8]);
    expectOpError(batchNorm, [[8, null]], {}, 'E3004');
  });

  it('validates its arguments', () => {
    const e = expectOpError(batchNorm, [[4, 4, 8]], { axis: 3 }, 'E2002', 'axis');
    expect(e.message).toContain('[-3, 2]');
    expectOpError(batchNorm, [[8]], { epsilon: 0 }, 'E2002', 'epsilon');
    expectOpError(batchNorm, [[8]], { momentum: 1.5 }, 'E2002', 'momentum');
  });
});

describe('layer_norm contract', () => {
  it('64 features: gamma and beta, 128 trainable', () => {
    const r = apply(layerNorm, [[50, 64]]);
    expect(r.shape).toEqual([50, 64]);
    expect(weightShapes(r.weights)).toEqual([
      ['gamma', [64], true],
      ['beta', [64], true],
    ]);
    expect(r.params).toBe(128); // 2*64
    expect(r.trainable).toBe(128);
    expect(r.macs).toBe(0);
  });

  it('honours center and scale', () => {
    expect(apply(layerNorm, [[64]], { center: false }).params).toBe(64);
    expect(apply(layerNorm, [[64]], { center: false, scale: false }).weights).toEqual([]);
  });

  it('rejects an out-of-range axis', () => {
    expectOpError(layerNorm, [[64]], { axis: -2 }, 'E2002', 'axis');
  });
});
