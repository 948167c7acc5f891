/**
 * stdlib/transformer.net: the docs example compiles to the hand-computed count; ViT-B/16's
 * encoder block has torchvision's count and layer names, GPT-2 small's decoder block its count
 * and a causal attention.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../compiler/package-root.js';
import { summarize } from '../../compiler/summary.js';
import { compile } from './doc-blocks.js';

/** The fenced `net` example of docs/language.md that defines `model <name>(`. */
function docModel(name: string): string {
  const doc = readFileSync(join(packageRoot(), 'docs/language.md'), 'utf8');
  const blocks = [...doc.matchAll(/^```net\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  const found = blocks.find((b) => b.includes(`model ${name}(`));
  if (!found) throw new Error(`docs/language.md has no example defining model ${name}`);
  return found;
}

function checked(text: string) {
  const { graph, errors } = compile(text);
  expect(errors).toEqual([]);
  return graph!;
}

describe('std/transformer.net', () => {
  it('the docs example (tiny_vit) has 1,929,418 params', () => {
    const graph = checked(docModel('tiny_vit'));
    expect(graph.outputs[0].shape).toEqual([10]);
    // patches 16*16*3*192 + 192 = 147,648; 4 blocks of 444,864 (torchvision
    // EncoderBlock(3, 192, 768)); layer norm 2*192; head 192*10 + 10
    expect(summarize(graph).totalParams).toBe(147_648 + 4 * 444_864 + 384 + 1_930);
  });

  it("encoder_block is torchvision's EncoderBlock(12, 768, 3072): 7,087,872 params", () => {
    const graph = checked(`import "std/transformer.net"
model m(tokens: [197, 768]) {
  return tokens |> encoder_block(12, 3072, name: "block")
}
`);
    const s = summarize(graph);
    expect(s.totalParams).toBe(7_087_872);
    const rows = s.layers.filter((l) => l.params > 0).map((l) => [l.name, l.params]);
    // torchvision's names; ln 2*768, attention 4*768*768 + 4*768, fc1 768*3072 + 3072,
    // fc2 3072*768 + 768.
    expect(rows).toEqual([
      ['block.ln_1', 1_536],
      ['block.self_attention', 2_362_368],
      ['block.ln_2', 1_536],
      ['block.mlp.fc1', 2_362_368],
      ['block.mlp.fc2', 2_360_064],
    ]);
    const attention = graph.nodes.find((n) => n.op === 'multi_head_attention')!;
    expect(attention.attrs).toMatchObject({ num_heads: 12, key_dim: 64, causal: false });
    const norms = graph.nodes.filter((n) => n.op === 'layer_norm');
    expect(norms.map((n) => n.attrs.epsilon)).toEqual([1e-6, 1e-6]);
  });

  it("decoder_block is GPT-2 small's block: causal, tanh GELU, 7,087,872 params", () => {
    const graph = checked(`import "std/transformer.net"
model m(tokens: [T, 768]) {
  return tokens |> decoder_block(12)
}
`);
    // GPT-2 small: 124,439,808 = 12 blocks + wte 50257*768 + wpe 1024*768 + ln_f 2*768.
    expect(12 * summarize(graph).totalParams + 50_257 * 768 + 1_024 * 768 + 1_536).toBe(
      124_439_808,
    );
    const attention = graph.nodes.find((n) => n.op === 'multi_head_attention')!;
    expect(attention.attrs).toMatchObject({ num_heads: 12, key_dim: 64, causal: true });
    expect(graph.nodes.find((n) => n.op === 'gelu')!.attrs.approximate).toBe('tanh');
    expect(graph.outputs[0].shape).toEqual(['T', 768]);
  });
});
