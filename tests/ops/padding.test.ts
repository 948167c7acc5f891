import { describe, expect, it } from 'vitest';
import { zeroPad1d, zeroPad2d, zeroPadChannels } from '../../compiler/ops/padding.js';
import { apply, expectOpError, shapeOf, type Arg } from './helpers.js';

describe('zero_pad2d', () => {
  it.each([
    [undefined, [226, 226, 3]],
    [3, [230, 230, 3]],
    [
      [1, 2],
      [226, 228, 3],
    ],
    [
      [
        [0, 1],
        [2, 3],
      ],
      [225, 229, 3],
    ],
  ])('padding %j on [224, 224, 3] gives %j', (padding, out) => {
    const args: Record<string, Arg> = padding === undefined ? {} : { padding };
    const r = apply(zeroPad2d, [[224, 224, 3]], args);
    expect(r.shape).toEqual(out);
    expect(r).toMatchObject({ params: 0, macs: 0 });
  });

  it('rejects negative padding and a wrong rank', () => {
    expectOpError(zeroPad2d, [[8, 8, 1]], { padding: -1 }, 'E2002', 'padding');
    expectOpError(zeroPad2d, [[8, 1]], {}, 'E3004');
  });

  it('symbolic dims padded become unknown, unpadded ones stay', () => {
    expect(
      shapeOf(zeroPad2d, [['H', 'W', 3]], {
        padding: [
          [1, 1],
          [0, 0],
        ],
      }),
    ).toEqual([null, 'W', 3]);
  });
});

describe('zero_pad1d', () => {
  it('int or [before, after]', () => {
    expect(shapeOf(zeroPad1d, [[100, 12]])).toEqual([102, 12]);
    expect(shapeOf(zeroPad1d, [[100, 12]], { padding: [3, 4] })).toEqual([107, 12]);
    expect(shapeOf(zeroPad1d, [['T', 12]], { padding: 2 })).toEqual([null, 12]);
  });
});

describe('zero_pad_channels', () => {
  it('appends channels up to the target', () => {
    const r = apply(zeroPadChannels, [[250, 32]], { channels: 64 });
    expect(r).toMatchObject({ shape: [250, 64], params: 0, macs: 0 });
    expect(shapeOf(zeroPadChannels, [['T', null]], { channels: 64 })).toEqual(['T', 64]);
    expect(shapeOf(zeroPadChannels, [[250, 64]], { channels: 64 })).toEqual([250, 64]);
  });

  it('cannot remove channels', () => {
    const e = expectOpError(zeroPadChannels, [[250, 32]], { channels: 16 }, 'E3004', 'channels');
    expect(e.message).toContain('32');
    expect(e.message).toContain('16');
    expectOpError(zeroPadChannels, [[250, 32]], { channels: 0 }, 'E2002', 'channels');
  });
});
