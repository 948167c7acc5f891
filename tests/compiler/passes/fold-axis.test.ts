import { describe, expect, it } from 'vitest';
import { weightKey, type WeightArray } from '../../../compiler/ir/weights.js';
import { foldBatchNormWeights, scaleAlong } from '../../../compiler/passes/fold-batch-norm.js';
import { WeightTable } from '../../../compiler/passes/weight-edits.js';

const w = (shape: number[], data: number[]): WeightArray => ({
  shape,
  data: Float32Array.from(data),
});

describe('scaleAlong (per output-channel axis)', () => {
  it('scales the last axis', () => {
    // [2, 3], channels on -1: column j times s[j].
    const out = scaleAlong(
      Float32Array.of(1, 2, 3, 4, 5, 6),
      [2, 3],
      { outputAxis: -1 },
      [1, 10, 100],
    );
    expect([...out]).toEqual([1, 20, 300, 4, 50, 600]);
  });

  it('scales an axis that is not last (a transposed conv kernel [kh, kw, filters, in])', () => {
    // [1, 2, 2, 3]: kw 2, filters 2, in 3; element (b, o, i) times s[o].
    const data = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    const out = scaleAlong(data, [1, 2, 2, 3], { outputAxis: -2 }, [10, -1]);
    expect([...out]).toEqual([10, 20, 30, -4, -5, -6, 70, 80, 90, -10, -11, -12]);
  });

  it('scales the flattening of two axes (depthwise [kh, kw, in, multiplier])', () => {
    // [1, 1, 2, 2]: channel in * 2 + m.
    const out = scaleAlong(
      Float32Array.of(1, 1, 1, 1),
      [1, 1, 2, 2],
      { outputAxis: -2, outputSpan: 2 },
      [1, 2, 3, 4],
    );
    expect([...out]).toEqual([1, 2, 3, 4]);
  });

  it('refuses factors that do not match the channel count', () => {
    expect(() => scaleAlong(new Float32Array(6), [2, 3], { outputAxis: 0 }, [1, 2, 3])).toThrow(
      /3 factors for 2 output channels/,
    );
  });
});

describe('fold-batch-norm on conv2d_transpose', () => {
  it('scales the kernel along filters (axis -2), not the input channels', () => {
    // kernel [1, 1, 2, 3] (filters 2, in 3), bias [1, 2]; BN with variance 3 (so
    // sqrt(3 + 1) = 2), gamma [4, 6], beta [1, 0], mean [1, 2], epsilon 1:
    // scale = gamma / 2 = [2, 3]; shift = beta - mean * scale = [-1, -6].
    const map = new Map<string, WeightArray>([
      [weightKey('up', 'kernel'), w([1, 1, 2, 3], [1, 2, 3, 4, 5, 6])],
      [weightKey('up', 'bias'), w([2], [1, 2])],
      [weightKey('bn', 'gamma'), w([2], [4, 6])],
      [weightKey('bn', 'beta'), w([2], [1, 0])],
      [weightKey('bn', 'moving_mean'), w([2], [1, 2])],
      [weightKey('bn', 'moving_variance'), w([2], [3, 3])],
    ]);
    foldBatchNormWeights(
      new WeightTable(map),
      { name: 'up', op: 'conv2d_transpose' },
      { name: 'bn', epsilon: 1, scale: true, center: true },
    );
    expect([...map.get(weightKey('up', 'kernel'))!.data]).toEqual([2, 4, 6, 12, 15, 18]);
    // bias * scale + shift = [1 * 2 - 1, 2 * 3 - 6].
    expect([...map.get(weightKey('up', 'bias'))!.data]).toEqual([1, 0]);
    expect(map.has(weightKey('bn', 'gamma'))).toBe(false);
  });
});
