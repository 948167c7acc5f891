import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, depthwiseConv2d, separableConv2d } from '../../compiler/ops/conv.js';
import { apply, attrsOf, expectOpError, shapeOf, weightShapes } from './helpers.js';

describe('conv2d contract', () => {
  it('3x3 16->32 with bias: 4,640 params', () => {
    const r = apply(conv2d, [[32, 32, 16]], { filters: 32, kernel_size: 3 });
    expect(r.shape).toEqual([32, 32, 32]);
    expect(weightShapes(r.weights)).toEqual([
      ['kernel', [3, 3, 16, 32], true],
      ['bias', [32], true],
    ]);
    // Keras: 3*3*16*32 + 32 = 4,608 + 32
    expect(r.params).toBe(4_640);
    expect(r.trainable).toBe(4_640);
    // 32*32 positions * 32 filters * 3*3*16 taps = 1,024 * 32 * 144
    expect(r.macs).toBe(4_718_592);
  });

  it('without bias only has a kernel', () => {
    const r = apply(conv2d, [[8, 8, 3]], { filters: 4, kernel_size: 1, bias: false });
    expect(weightShapes(r.weights)).toEqual([['kernel', [1, 1, 3, 4], true]]);
    expect(r.params).toBe(12); // 1*1*3*4
  });

  it.each([
    // TF 'same': ceil(n / stride)
    [7, 4],
    [8, 4],
    [224, 112],
    [1, 1],
  ])('"same" stride 2, kernel 3: %i -> %i', (n, out) => {
    const s = shapeOf(conv2d, [[n, n, 3]], { filters: 8, kernel_size: 3, stride: 2 });
    expect(s).toEqual([out, out, 8]);
  });

  it.each([
    // 'valid': floor((n - k) / s) + 1
    [299, 3, 2, 149], // (296 / 2) + 1
    [32, 3, 1, 30],
    [224, 7, 2, 109], // floor(217 / 2) + 1
  ])('"valid": %i with kernel %i stride %i -> %i', (n, k, s, out) => {
    const shape = shapeOf(conv2d, [[n, n, 3]], {
      filters: 8,
      kernel_size: k,
      stride: s,
      padding: 'valid',
    });
    expect(shape).toEqual([out, out, 8]);
  });

  it('explicit padding adds zeros before the window', () => {
    // 224 + 3 + 3 = 230; floor((230 - 7) / 2) + 1 = 112
    const s = shapeOf(conv2d, [[224, 224, 3]], {
      filters: 64,
      kernel_size: 7,
      stride: 2,
      padding: 3,
    });
    expect(s).toEqual([112, 112, 64]);
  });

  it('dilation widens the window under valid', () => {
    // effective kernel (3-1)*2+1 = 5: 32 - 5 + 1 = 28
    const s = shapeOf(conv2d, [[32, 32, 8]], {
      filters: 8,
      kernel_size: 3,
      dilation: 2,
      padding: 'valid',
    });
    expect(s).toEqual([28, 28, 8]);
  });

  it('grouped: 256 -> 256, groups 32, 3x3', () => {
    const r = apply(conv2d, [[56, 56, 256]], {
      filters: 256,
      kernel_size: 3,
      groups: 32,
      bias: false,
    });
    expect(weightShapes(r.weights)).toEqual([['kernel', [3, 3, 8, 256], true]]);
    // Keras: 3*3*(256/32)*256 = 9*8*256
    expect(r.params).toBe(18_432);
    // 56*56 positions * 256 filters * 9 * 8 taps = 3,136 * 18,432
    expect(r.macs).toBe(57_802_752);
  });

  it('groups that do not divide the input channels list the divisors', () => {
    const e = expectOpError(
      conv2d,
      [[28, 28, 48]],
      { filters: 64, kernel_size: 3, groups: 32 },
      'E3002',
      'groups',
    );
    expect(e.message).toContain('48');
    expect(e.notes.join('\n')).toContain('1, 2, 3, 4, 6, 8, 12, 16, 24, 48');
  });

  it('kernel larger than the input under valid is E3003', () => {
    const e = expectOpError(
      conv2d,
      [[3, 3, 8]],
      { filters: 8, kernel_size: 5, padding: 'valid' },
      'E3003',
      'kernel_size',
    );
    expect(e.message).toContain('5');
    expect(e.message).toContain('3');
  });

  it('bad arguments point at the argument', () => {
    expectOpError(conv2d, [[8, 8, 3]], { filters: 0, kernel_size: 3 }, 'E2002', 'filters');
    const e = expectOpError(
      conv2d,
      [[8, 8, 3]],
      { filters: 4, kernel_size: [3, 0] },
      'E2002',
      'kernel_size',
    );
    expect(e.message).toBe(
      "invalid value for 'kernel_size': expected a strictly positive value, found [3, 0]",
    );
    expectOpError(
      conv2d,
      [[8, 8, 3]],
      { filters: 4, kernel_size: 3, stride: 2, dilation: 2 },
      'E2002',
      'dilation',
    );
    expectOpError(conv2d, [[8, 3]], { filters: 4, kernel_size: 3 }, 'E3004');
  });

  it('unknown and symbolic dims propagate', () => {
    const a = { filters: 8, kernel_size: 3 };
    expect(shapeOf(conv2d, [['H', null, 3]], a)).toEqual(['H', null, 8]);
    expect(shapeOf(conv2d, [['H', 'W', 3]], { ...a, stride: 2 })).toEqual([null, null, 8]);
    expect(apply(conv2d, [[null, 8, 3]], a).macs).toBeNull();
  });

  it('warns about stride 2 "same" on an odd size', () => {
    const attrs = attrsOf(conv2d, { filters: 8, kernel_size: 3, stride: 2 });
    expect(conv2d.warnings?.([[7, 8, 3]], attrs)).toHaveLength(1);
    expect(conv2d.warnings?.([[8, 8, 3]], attrs)).toEqual([]);
  });
});

describe('conv1d, depthwise and separable contracts', () => {
  it('conv1d on [1000, 12], kernel 16, 32 filters', () => {
    const r = apply(conv1d, [[1000, 12]], { filters: 32, kernel_size: 16 });
    expect(r.shape).toEqual([1000, 32]);
    expect(weightShapes(r.weights)).toEqual([
      ['kernel', [16, 12, 32], true],
      ['bias', [32], true],
    ]);
    expect(r.params).toBe(6_176); // 16*12*32 + 32 = 6,144 + 32
    expect(r.macs).toBe(6_144_000); // 1,000 positions * 6,144
  });

  it('conv1d with [before, after] padding', () => {
    // 1000 + 7 + 8 = 1015; (1015 - 16) / 1 + 1 = 1000
    expect(shapeOf(conv1d, [[1000, 12]], { filters: 4, kernel_size: 16, padding: [7, 8] })).toEqual(
      [1000, 4],
    );
  });

  it('depthwise 3x3 on 32 channels: 320 params', () => {
    const r = apply(depthwiseConv2d, [[112, 112, 32]], { kernel_size: 3 });
    expect(r.shape).toEqual([112, 112, 32]);
    expect(weightShapes(r.weights)).toEqual([
      ['depthwise_kernel', [3, 3, 32, 1], true],
      ['bias', [32], true],
    ]);
    expect(r.params).toBe(320); // 3*3*32*1 + 32
    expect(r.macs).toBe(3_612_672); // 112*112*32 outputs * 9 taps
  });

  it('separable 3x3, 32 -> 64: 2,400 params', () => {
    const r = apply(separableConv2d, [[16, 16, 32]], { filters: 64, kernel_size: 3 });
    expect(r.shape).toEqual([16, 16, 64]);
    // Keras: depthwise 3*3*32 = 288, pointwise 32*64 = 2,048, bias 64
    expect(r.params).toBe(2_400);
    // 256 positions * (32*9 + 32*64) = 256 * 2,336
    expect(r.macs).toBe(598_016);
  });
});
