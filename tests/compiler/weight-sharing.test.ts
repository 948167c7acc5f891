/**
 * Weight sharing in the language (`shares:`): which nodes own weights, what the summary counts,
 * and the E1010 diagnostics (code, line, column) for calls that cannot share.
 */
import { describe, expect, it } from 'vitest';
import { dumpNode } from '../../compiler/ir/dump.js';
import { expectedWeights } from '../../compiler/weights-check.js';
import { summarize } from '../../compiler/summary.js';
import { compile, docExample } from './doc-blocks.js';

const ENCODER = `block encoder(x, width = 16) {
  return x |> conv2d(8, 3) |> batch_norm |> relu |> global_avg_pool2d |> dense(width)
}
`;

describe('shares:', () => {
  it('makes a second block instance use the first one’s weights, counted once', () => {
    const { graph, errors } = compile(`${ENCODER}
model siamese(left: [16, 16, 3], right: [16, 16, 3]) {
  a = left |> encoder(name: "enc")
  b = right |> encoder(shares: "enc")
  return a - b
}
`);
    expect(errors).toEqual([]);
    const byName = new Map(graph!.nodes.map((n) => [n.name, n]));
    const owner = (name: string) => {
      const s = byName.get(name)!.shares;
      return s === undefined ? undefined : graph!.nodes[s].name;
    };
    expect(owner('encoder_0.conv2d_0')).toBe('enc.conv2d_0');
    expect(owner('encoder_0.batch_norm_0')).toBe('enc.batch_norm_0');
    expect(owner('encoder_0.dense_0')).toBe('enc.dense_0');
    expect(owner('encoder_0.relu_0')).toBeUndefined(); // no weights, nothing shared
    expect(owner('enc.conv2d_0')).toBeUndefined();
    // Hand count of one encoder: conv 3*3*3*8 + 8 = 224, BN 4*8 = 32, dense 8*16 + 16 = 144.
    const s = summarize(graph!);
    expect(s.totalParams).toBe(224 + 32 + 144);
    expect(s.trainableParams).toBe(224 + 16 + 144);
    expect(expectedWeights(graph!).map((w) => w.key)).toEqual([
      'enc.conv2d_0/kernel',
      'enc.conv2d_0/bias',
      'enc.batch_norm_0/gamma',
      'enc.batch_norm_0/beta',
      'enc.batch_norm_0/moving_mean',
      'enc.batch_norm_0/moving_variance',
      'enc.dense_0/kernel',
      'enc.dense_0/bias',
    ]);
    const row = s.layers.find((l) => l.name === 'encoder_0.dense_0')!;
    expect([row.params, row.shares]).toEqual([0, 'enc.dense_0']);
    const folded = summarize(graph!, 1).layers.find((l) => l.name === 'encoder_0')!;
    expect([folded.params, folded.shares]).toEqual([0, 'enc']);
  });

  it('shares one op’s weights, and chains to the first owner', () => {
    const { graph, errors } = compile(`
model tied(a: [10], b: [10], c: [10]) {
  x = a |> dense(4, name: "proj")
  y = b |> dense(4, name: "again", shares: "proj")
  z = c |> dense(4, shares: "again")
  return x + y + z
}
`);
    expect(errors).toEqual([]);
    const ids = new Map(graph!.nodes.map((n) => [n.name, n.id]));
    expect(graph!.nodes[ids.get('again')!].shares).toBe(ids.get('proj'));
    expect(graph!.nodes[ids.get('dense_0')!].shares).toBe(ids.get('proj'));
    expect(dumpNode(graph!, graph!.nodes[ids.get('again')!])).toBe(
      'again = dense(b) -> [4]  units=4 bias=true activation="linear" shares=proj',
    );
    expect(summarize(graph!).totalParams).toBe(10 * 4 + 4);
  });

  it('reports every call that cannot share, at its shares: argument', () => {
    const { errors } = compile(`${ENCODER}
block other(x) {
  return x |> dense(16)
}

model bad(a: [16, 16, 3], b: [16, 16, 5], v: [10]) {
  e = a |> encoder(name: "enc")
  w = a |> encoder(width: 32, shares: "enc")
  f = b |> encoder(shares: "enc")
  g = a |> encoder(shares: "nope")
  h = v |> dense(3, name: "d")
  i = v |> dense(3, activation: "relu", shares: "d")
  j = v |> relu(shares: "d")
  k = e |> other(shares: "enc")
  l = e |> dense(4, shares: "enc")
  return v
}
`);
    expect(errors.filter((e) => String(e[0]).startsWith('E'))).toEqual([
      [
        'E1010',
        11,
        31,
        "dense 'units' is 32 here but 16 in enc.dense_0, whose weights it shares (layer encoder_0.dense_0)",
      ],
      [
        'E1010',
        12,
        20,
        "conv2d weight 'kernel' would be [3, 3, 5, 8] here but is [3, 3, 3, 8] in enc.conv2d_0, whose weights it shares (layer encoder_1.conv2d_0)",
      ],
      ['E1010', 13, 20, "no earlier instance named 'nope' in this block to share weights with"],
      [
        'E1010',
        15,
        41,
        `dense 'activation' is "relu" here but "linear" in d, whose weights it shares`,
      ],
      ['E1010', 16, 17, 'relu has no weights to share'],
      ['E1010', 17, 18, "'enc' is an instance of block 'encoder', not of 'other'"],
      ['E1010', 18, 21, "'enc' is an instance of block 'encoder', not a dense layer"],
    ]);
  });

  it('refuses shares: with a value that is no layer name', () => {
    const { errors } = compile(`
model m(v: [10]) {
  x = v |> dense(3, name: "d")
  return v |> dense(3, shares: 1)
}
`);
    expect(errors.filter((e) => String(e[0]).startsWith('E'))).toEqual([
      ['E2001', 4, 24, "'shares' must be a string, found int"],
    ]);
  });

  it('compiles the example of docs/language.md, one tower counted', () => {
    const { graph, errors } = compile(docExample('tower'));
    expect(errors).toEqual([]);
    // tower: conv 3*3*3*16 + 16 = 448, BN 4*16 = 64, dense 16*32 + 32 = 544; head 32 + 1.
    expect(summarize(graph!).totalParams).toBe(448 + 64 + 544 + 33);
  });
});
