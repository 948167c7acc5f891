import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { conv1dTranspose, conv2dTranspose } from '../../../compiler/ops/conv-transpose.js';
import { deconvCrop } from '../../../compiler/ops/deconv-geometry.js';
import { tfjsActivation } from '../../../compiler/ops/tfjs-activation.js';
import { customLayer } from '../../../runtime/layers/index.js';
import { apply, attrsOf, opError, type Arg } from './helpers.js';

/** A deterministic pseudo-random array in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

/**
 * Transposed convolution by its definition, as TensorFlow computes it (the gradient of the
 * forward convolution whose input is `out` long): input position `i`, tap `a` add into output
 * `i * s + a - before`, where `before` is the forward convolution's padding before, the smaller
 * half of `max((n - 1) * s + k - out, 0)` under "same", 0 under "valid". x `[h, w, cin]`, kernel
 * `[kh, kw, f, cin]`; returns `[oh, ow, f]`.
 */
function naive(
  x: Float32Array,
  [h, w, cin]: number[],
  kernel: Float32Array,
  [kh, kw, f]: number[],
  bias: Float32Array,
  s: number,
  padding: 'same' | 'valid',
  [oh, ow]: number[],
): Float32Array {
  const before = (n: number, k: number, out: number) =>
    padding === 'valid' ? 0 : Math.floor(Math.max((n - 1) * s + k - out, 0) / 2);
  const bh = before(h, kh, oh);
  const bw = before(w, kw, ow);
  const y = new Float32Array(oh * ow * f);
  for (let i = 0; i < oh * ow; i++) for (let o = 0; o < f; o++) y[i * f + o] = bias[o];
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++)
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++) {
          const r = i * s + a - bh;
          const c = j * s + b - bw;
          if (r < 0 || r >= oh || c < 0 || c >= ow) continue;
          for (let o = 0; o < f; o++)
            for (let ci = 0; ci < cin; ci++) {
              y[(r * ow + c) * f + o] +=
                x[(i * w + j) * cin + ci] * kernel[((a * kw + b) * f + o) * cin + ci];
            }
        }
  return y;
}

describe('conv2d_transpose', () => {
  const shape = (args: Record<string, Arg>) => apply(conv2dTranspose, [[5, 7, 3]], args).shape;

  it('sizes its output as Keras deconv_output_length', () => {
    const base = { filters: 4, kernel_size: 3, stride: 2 };
    // same: n * s; valid: n * s + max(k - s, 0).
    expect(shape({ ...base, padding: 'same' })).toEqual([10, 14, 4]);
    expect(shape({ ...base, padding: 'valid' })).toEqual([11, 15, 4]);
    // output_padding: (n - 1) * s + k - 2 * pad + p, pad = k // 2 under same.
    expect(shape({ ...base, padding: 'same', output_padding: 1 })).toEqual([10, 14, 4]);
    expect(shape({ ...base, padding: 'valid', output_padding: [1, 0] })).toEqual([12, 15, 4]);
    // A kernel shorter than the stride under valid: n * s.
    expect(shape({ filters: 4, kernel_size: 2, stride: 3, padding: 'valid' })).toEqual([15, 21, 4]);
  });

  it('has a [kh, kw, filters, in] kernel and in_h*in_w*kh*kw*in*filters MACs', () => {
    const r = apply(conv2dTranspose, [[5, 7, 3]], { filters: 4, kernel_size: [3, 2], stride: 2 });
    expect(r.weights.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [3, 2, 4, 3]],
      ['bias', [4]],
    ]);
    expect(r.macs).toBe(5 * 7 * 3 * 2 * 3 * 4);
    expect(r.params).toBe(3 * 2 * 4 * 3 + 4);
  });

  it('rejects output_padding of at least the stride, dilation > 1 and inconsistent sizes', () => {
    const run = (args: Record<string, Arg>) => () =>
      apply(conv2dTranspose, [[5, 7, 3]], { filters: 4, kernel_size: 3, stride: 2, ...args });
    expect(opError(run({ output_padding: 2 })).param).toBe('output_padding');
    expect(opError(run({ dilation: 2 })).param).toBe('dilation');
    // Even kernel, same, output_padding 0: (5 - 1) * 2 + 2 - 2 = 8, whose same conv gives 4.
    expect(opError(run({ kernel_size: 2, output_padding: 0 })).param).toBe('output_padding');
  });

  it('declares its output channels on kernel axis -2 for batch-norm folding', () => {
    expect(conv2dTranspose.linear).toEqual({ kernel: 'kernel', outputAxis: -2 });
  });

  const cases: [string, 'same' | 'valid', number | null][] = [
    ['same', 'same', null],
    ['valid', 'valid', null],
    ['same, output_padding 1', 'same', 1],
    ['valid, output_padding 1', 'valid', 1],
  ];
  it.each(cases)('tfjs matches a plain transposed convolution (%s)', (_l, padding, outPad) => {
    const [h, w, cin, f, k, s] = [5, 7, 3, 2, 3, 2];
    const args: Record<string, Arg> = { filters: f, kernel_size: k, stride: s, padding };
    if (outPad !== null) args.output_padding = outPad;
    const attrs = attrsOf(conv2dTranspose, args);
    const out = conv2dTranspose.shape([[h, w, cin]], attrs);
    const layer = conv2dTranspose.tfjs!({
      tf,
      name: 'deconv',
      attrs,
      inputs: [[h, w, cin]],
      output: out,
      activation: tfjsActivation,
      custom: customLayer,
    });
    const x = values(h * w * cin, 1);
    const kernel = values(k * k * f * cin, 2);
    const bias = values(f, 3);
    const input = tf.tensor4d(x, [1, h, w, cin]);
    layer.apply(input);
    layer.setWeights([tf.tensor4d(kernel, [k, k, f, cin]), tf.tensor1d(bias)]);
    const y = layer.apply(input) as tf.Tensor;
    expect(y.shape).toEqual([1, ...out]);
    const want = naive(x, [h, w, cin], kernel, [k, k, f], bias, s, padding, out as number[]);
    const got = y.dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
  });

  it('crops as ONNX ConvTranspose to the Keras size', () => {
    // ONNX: out = s * (n - 1) + output_padding + k - pads_begin - pads_end.
    const onnxOut = (n: number, k: number, s: number, out: number) => {
      const c = deconvCrop(n, k, s, out);
      return s * (n - 1) + c.extra + k - c.before - c.after;
    };
    for (const [n, k, s, out] of [
      [5, 3, 2, 10],
      [5, 3, 2, 11],
      [5, 3, 2, 12],
      [7, 2, 3, 21],
      [4, 1, 1, 4],
    ]) {
      expect(onnxOut(n, k, s, out)).toBe(out);
    }
    // same, 5 -> 10 with k 3, s 2: full 11, one row too many, dropped after (TF pads after).
    expect(deconvCrop(5, 3, 2, 10)).toEqual({ before: 0, after: 1, extra: 0 });
    // k 2 < s 3 under valid: full 20, one zero-input row added at the end.
    expect(deconvCrop(7, 2, 3, 21)).toEqual({ before: 0, after: 0, extra: 1 });
  });
});

describe('conv1d_transpose', () => {
  const shape = (args: Record<string, Arg>) => apply(conv1dTranspose, [[5, 3]], args).shape;

  it('sizes its output as Keras deconv_output_length', () => {
    const base = { filters: 4, kernel_size: 3, stride: 2 };
    expect(shape({ ...base, padding: 'same' })).toEqual([10, 4]); // n * s
    expect(shape({ ...base, padding: 'valid' })).toEqual([11, 4]); // n * s + max(k - s, 0)
    expect(shape({ ...base, padding: 'valid', output_padding: 1 })).toEqual([12, 4]); // 4*2+3+1
    expect(shape({ ...base, padding: 'same', output_padding: 1 })).toEqual([10, 4]); // 8+3-2+1
  });

  it('has a [k, filters, in] kernel and in_length*k*in*filters MACs; rejects dilation', () => {
    const r = apply(conv1dTranspose, [[5, 3]], { filters: 4, kernel_size: 3, stride: 2 });
    expect(r.weights.map((w) => [w.name, w.shape])).toEqual([
      ['kernel', [3, 4, 3]],
      ['bias', [4]],
    ]);
    expect(r.macs).toBe(5 * 3 * 3 * 4);
    expect(r.params).toBe(3 * 4 * 3 + 4);
    const bad = opError(() =>
      apply(conv1dTranspose, [[5, 3]], { filters: 4, kernel_size: 3, dilation: 2 }),
    );
    expect(bad.param).toBe('dilation');
    expect(conv1dTranspose.linear).toEqual({ kernel: 'kernel', outputAxis: -2 });
  });

  const cases: [string, 'same' | 'valid', number | null, number][] = [
    ['same, stride 2', 'same', null, 2],
    ['valid, stride 2', 'valid', null, 2],
    ['same, output_padding 1', 'same', 1, 2],
    ['valid, output_padding 2, stride 3', 'valid', 2, 3],
  ];
  it.each(cases)('matches a plain transposed convolution (%s)', (_l, padding, outPad, s) => {
    const [n, cin, f, k] = [7, 3, 2, 4];
    const args: Record<string, Arg> = { filters: f, kernel_size: k, stride: s, padding };
    if (outPad !== null) args.output_padding = outPad;
    const attrs = attrsOf(conv1dTranspose, args);
    const out = conv1dTranspose.shape([[n, cin]], attrs);
    const layer = conv1dTranspose.tfjs!({
      tf,
      name: 'deconv1d',
      attrs,
      inputs: [[n, cin]],
      output: out,
      activation: tfjsActivation,
      custom: customLayer,
    });
    const x = values(n * cin, 4);
    const kernel = values(k * f * cin, 5);
    const bias = values(f, 6);
    const input = tf.tensor3d(x, [1, n, cin]);
    layer.apply(input);
    layer.setWeights([tf.tensor3d(kernel, [k, f, cin]), tf.tensor1d(bias)]);
    const y = layer.apply(input) as tf.Tensor;
    expect(y.shape).toEqual([1, ...out]);
    // One row: the 2-D definition over [1, n].
    const want = naive(x, [1, n, cin], kernel, [1, k, f], bias, s, padding, [1, out[0] as number]);
    const got = y.dataSync();
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 4);
  });
});
