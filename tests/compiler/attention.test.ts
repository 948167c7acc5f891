/**
 * `multi_head_attention` in the language: self-attention through a pipe, cross attention with a
 * second (and third) input, ViT-B/16's attention counted as torchvision counts it, and located
 * diagnostics for inputs and arguments that do not fit.
 */
import { describe, expect, it } from 'vitest';
import { summarize } from '../../compiler/summary.js';
import { compile } from './doc-blocks.js';

describe('multi_head_attention', () => {
  it("counts ViT-B/16's attention as torchvision does: 2,362,368 params", () => {
    const { graph, errors } = compile(`model m(tokens: [197, 768]) {
  return tokens |> multi_head_attention(num_heads: 12, key_dim: 64)
}
`);
    expect(errors).toEqual([]);
    expect(graph!.outputs[0].shape).toEqual([197, 768]);
    const s = summarize(graph!);
    // nn.MultiheadAttention(768, 12): in_proj 3 * 768 * 768 + 3 * 768, out_proj 768 * 768 + 768.
    expect(s.totalParams).toBe(2_362_368);
    // 4 projections 4 * 197 * 768 * 768 = 464,781,312; 12 heads * 197 * 197 * (64 + 64) = 59,610,624.
    expect(s.macs).toBe(524_391_936n);
  });

  it('attends queries to a context of another length and width (cross attention)', () => {
    const { graph, errors } = compile(`model m(text: [T, 64], image: [49, 32]) {
  return multi_head_attention(text, image, num_heads: 4, key_dim: 16, value_dim: 8)
}
`);
    expect(errors).toEqual([]);
    expect(graph!.outputs[0].shape).toEqual(['T', 64]);
    // q 64*4*16 + 64, k and v 32*4*16 + 64 and 32*4*8 + 32, out 4*8*64 + 64
    expect(summarize(graph!).totalParams).toBe(4_160 + 2_112 + 1_056 + 2_112);
  });

  it.each([
    [
      'key and value of different lengths',
      'model m(q: [4, 8], v: [5, 8], k: [6, 8]) {\n  return multi_head_attention(q, v, k, num_heads: 2, key_dim: 4)\n}\n',
      ['E3001', 2, 10],
      "multi_head_attention's key [6, 8] and value [5, 8] differ in length: 6 keys and 5 values",
    ],
    [
      'a bad argument, at the argument',
      'model m(x: [4, 8]) {\n  return x |> multi_head_attention(num_heads: 0, key_dim: 4)\n}\n',
      ['E2002', 2, 36],
      "multi_head_attention: invalid value for 'num_heads': expected a strictly positive value, found 0",
    ],
    [
      'an image instead of tokens',
      'model m(x: [7, 7, 8]) {\n  return x |> multi_head_attention(num_heads: 2, key_dim: 4)\n}\n',
      ['E3004', 2, 15],
      'multi_head_attention expects its query as [sequence, features] (rank 2), found [7, 7, 8] (rank 3)',
    ],
    [
      'a missing argument',
      'model m(x: [4, 8]) {\n  return x |> multi_head_attention(num_heads: 2)\n}\n',
      ['E1004', 2, 15],
      "multi_head_attention is missing its required argument 'key_dim'",
    ],
  ])('reports %s', (_what, text, where, message) => {
    const { errors } = compile(text);
    expect(errors.map((e) => e.slice(0, 3))).toEqual([where]);
    if (message) expect(errors[0][3]).toBe(message);
  });
});
