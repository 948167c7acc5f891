/**
 * zero_pad then pooling, exported to ONNX and run in a plain onnxruntime InferenceSession (its
 * default optimizations, which fuse a Pad into the pool that reads it unless netc prevents it),
 * on negative inputs, against tfjs (Keras pads with zeros, which then win every max and count
 * in every average).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../api/index.js';
import { exportOnnx } from '../../../codegen/onnx/export.js';
import { loadOnnxRuntime } from '../../../engines/onnxruntime-loader.js';
import { graphOfText } from '../../compiler/passes/helpers.js';
import { useBackend } from '../../runtime/helpers.js';
import { attr, decode, nodesOf, ortAvailable, pseudoRandom } from './helpers.js';

beforeAll(() => useBackend('wasm'));

interface Case {
  readonly rank: 1 | 2;
  readonly kind: 'max' | 'avg';
  readonly padding: 'valid' | 'same';
  readonly stride: number;
  /** The zero_pad amount: smaller than, equal to or larger than the window (3). */
  readonly pad: number;
}

const cases: Case[] = [];
for (const rank of [1, 2] as const)
  for (const kind of ['max', 'avg'] as const)
    for (const padding of ['valid', 'same'] as const)
      for (const stride of [1, 2, 3])
        for (const pad of [1, 3, 4]) cases.push({ rank, kind, padding, stride, pad });

const sourceOf = (c: Case): string => {
  const shape = c.rank === 1 ? '[7, 2]' : '[7, 6, 2]';
  return `model m(x: ${shape}) {
  return x |> zero_pad${c.rank}d(${c.pad}) |> ${c.kind}_pool${c.rank}d(3, stride: ${c.stride}, padding: "${c.padding}")
}
`;
};

/** Values in [-3, -1): every window's real values are negative. */
const negative = (n: number): Float32Array => pseudoRandom(n, 5).map((v) => v - 2);

/** The export run in onnxruntime with default session options. */
async function onnxRun(bytes: Uint8Array, shape: number[], data: Float32Array) {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({
      [session.inputNames[0]]: new ort.Tensor('float32', data, shape),
    });
    const y = out[session.outputNames[0]];
    return { shape: y.dims.map(Number), data: y.data as Float32Array };
  } finally {
    await session.release();
  }
}

async function compare(text: string, inputShape: number[]) {
  const graph = graphOfText(text);
  const data = negative(inputShape.reduce((a, b) => a * b, 1));
  const model = buildModel(graph, { seed: 1 });
  const x = tf.tensor(data, inputShape);
  const y = model.predict(x) as tf.Tensor;
  const want = { shape: y.shape, data: y.dataSync() as Float32Array };
  tf.dispose([x, y]);
  model.dispose();
  const bytes = exportOnnx(graph, new Map());
  const got = await onnxRun(bytes, inputShape, data);
  return { want, got, bytes };
}

const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe.skipIf(!ortAvailable)('zero_pad before pooling under onnxruntime defaults', () => {
  it.each(cases)('$rank-D pad $pad, $kind pool 3, $padding, stride $stride', async (c) => {
    const shape = c.rank === 1 ? [2, 7, 2] : [2, 7, 6, 2];
    const { want, got, bytes } = await compare(sourceOf(c), shape);
    expect(got.shape).toEqual(want.shape);
    expect(maxDiff(got.data, want.data)).toBeLessThan(1e-6);
    // The pool keeps the window ONNX Runtime may not fuse the Pad into.
    const [pool] = nodesOf(decode(bytes), c.kind === 'max' ? 'MaxPool' : 'AveragePool');
    expect(attr(pool, 'pads')).toBeUndefined();
    // TensorFlow's "same" pads (ceil(n / s) - 1) * s + 3 - n in all, none on some sizes.
    const padded = shape.slice(1, -1).map((n) => n + 2 * c.pad);
    const pads = padded.map((n) => Math.max((Math.ceil(n / c.stride) - 1) * c.stride + 3 - n, 0));
    const same = c.padding === 'same' && pads.some((p) => p > 0);
    expect(attr(pool, 'auto_pad')).toBe(same ? 'SAME_UPPER' : 'VALID');
  });

  it('pads with zeros that win the max: the hand-computed case', async () => {
    // A 4x4 input of -1 padded by 1 to 6x6 (a ring of zeros), max pool 3 stride 2: the windows
    // of the 2x2 output cover rows (and columns) 0-2 and 2-4. Those in row 0 or column 0 touch
    // the ring and give 0; the last covers input rows and columns 1-3 only and gives -1. (Fused
    // into the pool, the zeros become -inf padding and every output is -1.)
    const text =
      'model m(x: [4, 4, 1]) {\n  return x |> zero_pad2d(1) |> max_pool2d(3, stride: 2)\n}\n';
    const graph = graphOfText(text);
    const got = await onnxRun(
      exportOnnx(graph, new Map()),
      [1, 4, 4, 1],
      new Float32Array(16).fill(-1),
    );
    expect(got.shape).toEqual([1, 2, 2, 1]);
    expect([...got.data]).toEqual([0, 0, 0, -1]);
  });

  it('averages padding of at least the window: the hand-computed case', async () => {
    // A 2x2 input of -1 padded by 3 to 8x8 sits on rows and columns 3-4. Windows of 2, stride 2,
    // cover rows (and columns) 0-1, 2-3, 4-5, 6-7: rows 3 and 4 fall in windows 1 and 2, so the
    // outputs (1|2, 1|2) hold one -1 and three zeros each, -1/4; the rest are 0.
    const text =
      'model m(x: [2, 2, 1]) {\n  return x |> zero_pad2d(3) |> avg_pool2d(2, stride: 2)\n}\n';
    const graph = graphOfText(text);
    const got = await onnxRun(
      exportOnnx(graph, new Map()),
      [1, 2, 2, 1],
      new Float32Array(4).fill(-1),
    );
    expect(got.shape).toEqual([1, 4, 4, 1]);
    const expected = new Array(16).fill(0);
    for (const [i, j] of [
      [1, 1],
      [1, 2],
      [2, 1],
      [2, 2],
    ])
      expected[i * 4 + j] = -0.25;
    expect([...got.data]).toEqual(expected);
  });

  it('leaves a Pad before a convolution to ONNX Runtime (zero padding fuses exactly)', async () => {
    const text =
      'model m(x: [5, 5, 2]) {\n  return x |> zero_pad2d(3) |> conv2d(2, 2, padding: "valid", bias: false)\n}\n';
    const graph = graphOfText(text);
    const model = buildModel(graph, { seed: 2 });
    const data = negative(2 * 5 * 5 * 2);
    const x = tf.tensor(data, [2, 5, 5, 2]);
    const y = model.predict(x) as tf.Tensor;
    const want = y.dataSync() as Float32Array;
    const kernel = model.getLayer(graph.nodes[2].name).getWeights()[0];
    const weights = new Map([
      [
        `${graph.nodes[2].name}/kernel`,
        { shape: kernel.shape, data: kernel.dataSync() as Float32Array },
      ],
    ]);
    const bytes = exportOnnx(graph, weights);
    const got = await onnxRun(bytes, [2, 5, 5, 2], data);
    expect(maxDiff(got.data, want)).toBeLessThan(1e-5);
    expect(nodesOf(decode(bytes), 'Pad')).toHaveLength(1);
    expect(attr(nodesOf(decode(bytes), 'Conv')[0], 'pads')).toEqual([0, 0, 0, 0]);
    tf.dispose([x, y]);
    model.dispose();
  });
});
