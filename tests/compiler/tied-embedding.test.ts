/**
 * Tied embeddings (`embedding(..., reverse: true, shares: "wte")`, issue 13): the summary counts
 * the matrix once and the reverse application's MACs; misuse is located (code, line, column);
 * the example of docs/language.md compiles.
 */
import { describe, expect, it } from 'vitest';
import { expectedWeights } from '../../compiler/weights-check.js';
import { summarize } from '../../compiler/summary.js';
import { compile, docExample } from './doc-blocks.js';

describe('embedding(reverse: true)', () => {
  it('shares the lookup matrix, counted once, and maps [T, width] to [T, vocab]', () => {
    const { graph, errors } = compile(`
model lm(ids: [8]) {
  h = ids |> embedding(50, 16, name: "wte") |> layer_norm
  return h |> embedding(50, 16, reverse: true, shares: "wte")
}
`);
    expect(errors).toEqual([]);
    expect(graph!.outputs[0].shape).toEqual([8, 50]);
    expect(expectedWeights(graph!).map((w) => w.key)).toEqual([
      'wte/embeddings',
      'layer_norm_0/gamma',
      'layer_norm_0/beta',
    ]);
    const s = summarize(graph!);
    expect(s.totalParams).toBe(50 * 16 + 2 * 16);
    const row = s.layers.find((l) => l.name === 'embedding_0')!;
    expect([row.params, row.shares, row.macs]).toEqual([0, 'wte', 8n * 16n * 50n]);
  });

  it('has a matrix of its own without shares:', () => {
    const { graph, errors } = compile(`
model m(x: [3, 4]) {
  return x |> embedding(7, 4, reverse: true)
}
`);
    expect(errors).toEqual([]);
    expect(graph!.outputs[0].shape).toEqual([3, 7]);
    expect(summarize(graph!).totalParams).toBe(28);
  });

  it('locates misuse', () => {
    const { errors } = compile(`
model m(ids: [8], ids2: [8, 16]) {
  h = ids |> embedding(50, 16, name: "wte")
  a = h |> embedding(50, 8, reverse: true)
  b = h |> embedding(40, 16, reverse: true, shares: "wte")
  c = ids2 |> embedding(50, 16, shares: "wte")
  d = ids2 |> embedding(50, 16, reverse: true, shares: "wte")
  e = h |> dense(4, name: "proj")
  f = h |> embedding(50, 16, reverse: true, shares: "proj")
  return a, b, d, f
}
`);
    expect(errors.filter((e) => String(e[0]).startsWith('E'))).toEqual([
      [
        'E3001',
        4,
        29,
        'embedding(reverse: true) maps [..., output_dim] vectors to [..., input_dim]: expected a last dim of 8, found [8, 16]',
      ],
      ['E1010', 5, 45, "embedding 'input_dim' is 40 here but 50 in wte, whose weights it shares"],
      [
        'E1010',
        7,
        48,
        'embedding applies to ids and, with reverse: true, to vectors of the same rank (2 without the batch); one shared embedding needs them to differ',
      ],
      ['E1010', 9, 45, 'proj is a dense, not a embedding: only the same layer can share weights'],
    ]);
  });

  it('compiles the example of docs/language.md, the matrix counted once', () => {
    const { graph, errors } = compile(docExample('tiny_lm'));
    expect(errors).toEqual([]);
    expect(graph!.outputs[0].shape).toEqual([16, 100]);
    // wte 100*32, dense 32*32 + 32, layer norm 2*32.
    expect(summarize(graph!).totalParams).toBe(3200 + 1056 + 64);
  });
});
