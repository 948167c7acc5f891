/** The pure helpers of the ONNX lowerings, on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import { attribute } from '../../../codegen/onnx/attributes.js';
import { onnx } from '../../../codegen/onnx/proto.js';
import {
  featureShape,
  layoutAxes,
  layoutPerm,
  onnxAxis,
  spatialAxes,
} from '../../../compiler/ops/onnx-layout.js';
import { reshapeWeight, transposeWeight } from '../../../compiler/ops/onnx-weights.js';
import { kernelPerm, onnxPads } from '../../../compiler/ops/onnx-window.js';

const w = (kernel: number[], stride: number[], dilation: number[], padding: unknown) => ({
  kernel,
  stride,
  dilation,
  padding: padding as 'same',
});

describe('onnxPads', () => {
  it('TensorFlow "same": total (ceil(n/s) - 1) * s + (k - 1) * d + 1 - n, the odd zero after', () => {
    expect(onnxPads([224, 224], w([3, 3], [2, 2], [1, 1], 'same'))).toEqual([0, 0, 1, 1]);
    expect(onnxPads([225, 225], w([3, 3], [2, 2], [1, 1], 'same'))).toEqual([1, 1, 1, 1]);
    expect(onnxPads([224, 224], w([7, 7], [2, 2], [1, 1], 'same'))).toEqual([2, 2, 3, 3]);
    expect(onnxPads([7, 8], w([7, 1], [2, 1], [1, 1], 'same'))).toEqual([3, 0, 3, 0]);
    expect(onnxPads([10], w([4], [3], [1], 'same'))).toEqual([1, 2]); // out 4: 9 + 4 - 10
    expect(onnxPads([5, 5], w([3, 3], [1, 1], [2, 2], 'same'))).toEqual([2, 2, 2, 2]);
    expect(onnxPads([4, 4], w([1, 1], [2, 2], [1, 1], 'same'))).toEqual([0, 0, 0, 0]);
    // A window wider than the padded stride leaves nothing to pad (total clamps at 0).
    expect(onnxPads([9], w([1], [4], [1], 'same'))).toEqual([0, 0]);
  });

  it('stride 1 needs no size; stride > 1 of an unknown size gives null (auto_pad)', () => {
    expect(onnxPads([null, 'T'], w([3, 4], [1, 1], [1, 1], 'same'))).toEqual([1, 1, 1, 2]);
    expect(onnxPads([null, 32], w([3, 3], [2, 2], [1, 1], 'same'))).toBeNull();
  });

  it('"valid" and explicit pairs', () => {
    expect(onnxPads([9, 9], w([3, 3], [2, 2], [1, 1], 'valid'))).toEqual([0, 0, 0, 0]);
    expect(
      onnxPads(
        [9, 9],
        w(
          [3, 3],
          [1, 1],
          [1, 1],
          [
            [1, 2],
            [0, 3],
          ],
        ),
      ),
    ).toEqual([1, 0, 2, 3]);
  });
});

describe('layouts', () => {
  it('maps netc axes to ONNX axes', () => {
    // [H, W, C] channels-first is [N, C, H, W].
    expect([0, 1, 2].map((a) => onnxAxis(a, 3, 'channels_first'))).toEqual([2, 3, 1]);
    expect([0, 1, 2].map((a) => onnxAxis(a, 3, 'channels_last'))).toEqual([1, 2, 3]);
    expect(onnxAxis(0, 1, 'channels_first')).toBe(1);
    expect(layoutAxes(3, 'channels_first')).toEqual([0, 3, 1, 2]);
    expect(layoutAxes(2, 'channels_first')).toEqual([0, 2, 1]);
    expect(spatialAxes(3, 'channels_first')).toEqual([2, 3]);
    expect(spatialAxes(3, 'channels_last')).toEqual([1, 2]);
  });

  it('gives the Transpose perms between layouts', () => {
    expect(layoutPerm(3, 'channels_last', 'channels_first')).toEqual([0, 3, 1, 2]);
    expect(layoutPerm(3, 'channels_first', 'channels_last')).toEqual([0, 2, 3, 1]);
    expect(layoutPerm(2, 'channels_last', 'channels_first')).toEqual([0, 2, 1]);
    expect(layoutPerm(4, 'channels_first', 'channels_last')).toEqual([0, 2, 3, 4, 1]);
    expect(layoutPerm(3, 'channels_last', 'channels_last')).toEqual([0, 1, 2, 3]);
  });

  it('shapes per-feature constants to broadcast along their axis', () => {
    expect(featureShape(8, 2, 3, 'channels_first')).toEqual([8, 1, 1]);
    expect(featureShape(8, 2, 3, 'channels_last')).toEqual([8]);
    expect(featureShape(5, 1, 3, 'channels_first')).toEqual([5]);
    expect(featureShape(6, 0, 3, 'channels_first')).toEqual([6, 1]);
  });
});

describe('weights', () => {
  it('transposes arrays like numpy.transpose', () => {
    // [2, 3] -> [3, 2]
    const m = { shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) };
    expect(transposeWeight(m, [1, 0])).toEqual({
      shape: [3, 2],
      data: Float32Array.of(1, 4, 2, 5, 3, 6),
    });
    // A Keras kernel [kh=1, kw=2, in=2, out=3] -> [out, in, kh, kw]: value = 100 kw + 10 in + out.
    const data = new Float32Array(12);
    for (let kw = 0; kw < 2; kw++)
      for (let ci = 0; ci < 2; ci++)
        for (let co = 0; co < 3; co++) data[(kw * 2 + ci) * 3 + co] = 100 * kw + 10 * ci + co;
    const t = transposeWeight({ shape: [1, 2, 2, 3], data }, kernelPerm(2));
    expect(t.shape).toEqual([3, 2, 1, 2]);
    expect(Array.from(t.data)).toEqual([0, 100, 10, 110, 1, 101, 11, 111, 2, 102, 12, 112]);
    expect(kernelPerm(1)).toEqual([2, 1, 0]);
    expect(transposeWeight({ shape: [], data: Float32Array.of(7) }, [])).toEqual({
      shape: [],
      data: Float32Array.of(7),
    });
    expect(() => reshapeWeight(m, [4])).toThrow('cannot reshape [2, 3] to [4]');
  });
});

describe('attributes', () => {
  const { AttributeType } = onnx.AttributeProto;
  it('numbers are INT(S); floats are written as such', () => {
    expect(attribute('group', 32)).toMatchObject({ type: AttributeType.INT, i: 32 });
    expect(attribute('pads', [0, 1])).toMatchObject({ type: AttributeType.INTS, ints: [0, 1] });
    expect(attribute('alpha', { float: 1 })).toMatchObject({ type: AttributeType.FLOAT, f: 1 });
    expect(attribute('scales', { floats: [1, 2] })).toMatchObject({ type: AttributeType.FLOATS });
    expect(attribute('mode', 'linear')).toMatchObject({ type: AttributeType.STRING });
    expect(() => attribute('alpha', 0.5)).toThrow('attribute alpha: 0.5 is not an integer');
  });
});

describe('transposeWeight beyond rank 4', () => {
  it('agrees with the index formula on a rank-5 array', () => {
    const shape = [2, 3, 1, 4, 2];
    const n = 48;
    const data = Float32Array.from({ length: n }, (_, i) => i);
    const perm = [4, 0, 3, 1, 2];
    const t = transposeWeight({ shape, data }, perm);
    expect(t.shape).toEqual([2, 2, 4, 3, 1]);
    const strides = [24, 8, 8, 2, 1];
    let i = 0;
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 2; b++)
        for (let c = 0; c < 4; c++)
          for (let d = 0; d < 3; d++) {
            // output index (a, b, c, d, 0) reads input axes (b, d, 0, c, a)
            expect(t.data[i++]).toBe(
              b * strides[0] + d * strides[1] + c * strides[3] + a * strides[4],
            );
          }
    expect(() => transposeWeight({ shape, data }, [0, 0, 1, 2, 3])).toThrow('is not a permutation');
  });
});
