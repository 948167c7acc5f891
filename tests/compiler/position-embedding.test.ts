/**
 * position_embedding (issue 13): a symbolic sequence length keeps its name through the op and
 * the table is sized by sequence_length alone; a known length past it is located at the call;
 * the example of docs/language.md compiles.
 */
import { describe, expect, it } from 'vitest';
import { expectedWeights } from '../../compiler/weights-check.js';
import { summarize } from '../../compiler/summary.js';
import { compile, docExample } from './doc-blocks.js';

describe('position_embedding', () => {
  it('keeps a symbolic T, its table [sequence_length, width] counted once', () => {
    const { graph, errors } = compile(`
model m(ids: [T]) {
  x = ids |> embedding(50, 16, name: "wte")
  return x + (x |> position_embedding(12, name: "wpe"))
}
`);
    expect(errors).toEqual([]);
    expect(graph!.outputs[0].shape).toEqual(['T', 16]);
    expect(expectedWeights(graph!).map((w) => [w.key, w.spec.shape])).toEqual([
      ['wte/embeddings', [50, 16]],
      ['wpe/embeddings', [12, 16]],
    ]);
    expect(summarize(graph!).totalParams).toBe(50 * 16 + 12 * 16);
  });

  it('locates a known length past sequence_length at the call', () => {
    const { errors } = compile(`
model m(x: [13, 4]) {
  return x + (x |> position_embedding(12))
}
`);
    expect(errors.map((e) => e.slice(0, 3))).toEqual([['E3001', 3, 20]]);
    expect(errors[0][3]).toContain('the sequence has 13 steps, more than sequence_length 12');
  });

  it('compiles the example of docs/language.md', () => {
    const { graph, errors } = compile(docExample('tiny_gpt'));
    expect(errors).toEqual([]);
    expect(graph!.outputs[0].shape).toEqual(['T', 16]);
    // wte 100*16, wpe 32*16, layer norm 2*16.
    expect(summarize(graph!).totalParams).toBe(1600 + 512 + 32);
  });
});
