/**
 * Files of very many tensors: the safetensors checks are linear (120,000 tensors take well under
 * the test timeout, where a quadratic check took 19 s) and every message that lists tensors
 * stays short ("and 119,990 more").
 */
import { describe, expect, it } from 'vitest';
import { checkWeights, summarize, WeightMismatchError } from '../../compiler/weights-check.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  SafetensorsError,
  type NamedTensor,
} from '../../io/safetensors.js';
import { graphOfText } from '../compiler/passes/helpers.js';
import { le64 } from './helpers.js';

const N = 120_000;

const tensors = (n: number): NamedTensor[] =>
  Array.from({ length: n }, (_, i) => ({ name: `t${i}`, shape: [1], data: Float32Array.of(i) }));

/** A safetensors file with the given header text and `dataBytes` zero bytes of data. */
function withHeader(header: string, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + dataBytes);
  out.set(le64(json.length));
  out.set(json, 8);
  return out;
}

function safetensorsError(bytes: Uint8Array): string {
  try {
    decodeSafetensors(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    return (error as Error).message;
  }
  throw new Error('expected a SafetensorsError');
}

describe('summarize', () => {
  it('lists the first ten, cuts long names, and counts the rest with separators', () => {
    const items = Array.from({ length: 120_000 }, (_, i) => `w${i}`);
    const out = summarize(items);
    expect(out).toHaveLength(11);
    expect(out.slice(0, 2)).toEqual(['w0', 'w1']);
    expect(out[10]).toBe('and 119,990 more');
    expect(summarize(['x'.repeat(200)])).toEqual([`${'x'.repeat(80)}…`]);
    expect(summarize(['a', 'b'])).toEqual(['a', 'b']);
  });
});

describe(`safetensors files of ${N.toLocaleString('en-US')} tensors`, () => {
  it('decode, every tensor in header order', () => {
    const { tensors: read } = decodeSafetensors(encodeSafetensors(tensors(N)));
    expect(read.size).toBe(N);
    expect([...read.get(`t${N - 1}`)!.data]).toEqual([N - 1]);
  });

  it('duplicate names: found in one pass, a short message', () => {
    const entries = Array.from(
      { length: N },
      (_, i) =>
        `"t${i % (N / 2)}":{"dtype":"F32","shape":[1],"data_offsets":[${4 * i},${4 * i + 4}]}`,
    );
    const message = safetensorsError(withHeader(`{${entries.join(',')}}`, 4 * N));
    expect(message).toBe(
      `duplicate tensor names in header: t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, and ${(N / 2 - 10).toLocaleString('en-US')} more`,
    );
  });

  it('all at the same offsets: overlap named once', () => {
    const entries = Array.from(
      { length: N },
      (_, i) => `"t${i}":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}`,
    );
    expect(safetensorsError(withHeader(`{${entries.join(',')}}`, 4))).toBe(
      "tensors 't0' and 't1' overlap in the data section",
    );
  });

  it('that are no weights of the model: a short mismatch message', () => {
    const graph = graphOfText('model m(x: [4]) {\n  return x |> dense(3)\n}');
    const { tensors: read } = decodeSafetensors(encodeSafetensors(tensors(N)));
    let error: unknown;
    try {
      checkWeights(graph, read);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WeightMismatchError);
    const mismatch = error as WeightMismatchError;
    expect(mismatch.unexpected).toHaveLength(N);
    expect(mismatch.message).toBe(
      [
        'weights do not match the model:',
        '  missing (2): dense_0/kernel, dense_0/bias',
        `  unexpected (${N}): t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, and 119,990 more`,
      ].join('\n'),
    );
  });

  it('a long tensor name is quoted cut short', () => {
    const name = 'n'.repeat(1_000_000);
    const message = safetensorsError(
      withHeader(`{"${name}":{"dtype":"F99","shape":[1],"data_offsets":[0,4]}}`, 4),
    );
    expect(message.length).toBeLessThan(200);
    expect(message).toMatch(/^tensor 'n+…': unsupported dtype "F99"/);
  });
});
