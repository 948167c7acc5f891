/**
 * Issue 13's ops on tfjs (wasm) against plain-JS references written from their definitions
 * (PyTorch / Keras formulas): gelu's tanh form, hard_swish, softmax with an additive and a
 * causal mask, matmul and einsum, transpose, squeeze / expand_dims, cropping1d / cropping2d,
 * resizing and bilinear upsampling.
 * And a model written in the language: scaled dot-product attention with a causal mask.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../api/index.js';
import { checkSource } from '../../compiler/compile.js';
import type { Shape } from '../../compiler/ir/shape.js';
import { Source } from '../../compiler/source.js';
import { maxDiff, opModel, rand, useBackend, type Arg } from './helpers.js';

beforeAll(() => useBackend('wasm'));

const tol = 1e-5;

/** Runs a one-op model on a batch (the first dim of each input). */
function run(op: string, xs: tf.Tensor[], args: Record<string, Arg> = {}): number[] {
  const model = opModel(
    op,
    xs.map((t) => t.shape.slice(1) as Shape),
    args,
  );
  try {
    const y = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
    return Array.from(y.dataSync());
  } finally {
    model.dispose();
  }
}

/** Row-major nested reads of a flat array of shape `s`. */
const at = (data: ArrayLike<number>, s: readonly number[]) => (idx: readonly number[]) =>
  data[idx.reduce((off, i, k) => off * s[k] + i, 0)];

/** Every index of shape `s`, row-major. */
function indices(s: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of s) out = out.flatMap((p) => Array.from({ length: n }, (_, i) => [...p, i]));
  return out;
}

describe('activations (PyTorch formulas)', () => {
  const grid = () => tf.linspace(-7, 7, 57).reshape([1, 57]);
  const xv = () => Array.from(grid().dataSync());

  it('gelu(approximate: "tanh") is 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))', () => {
    const f = (v: number) =>
      0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    expect(maxDiff(run('gelu', [grid()], { approximate: 'tanh' }), xv().map(f))).toBeLessThan(tol);
  });

  it('hard_swish is x * relu6(x + 3) / 6 (torch.nn.Hardswish)', () => {
    const f = (v: number) => (v * Math.min(6, Math.max(0, v + 3))) / 6;
    expect(maxDiff(run('hard_swish', [grid()]), xv().map(f))).toBeLessThan(tol);
  });

  it('hard_swish fuses into dense: same output as dense then hard_swish', () => {
    const src = (fused: boolean) =>
      fused
        ? 'model m(x: [5]) {\n  return y: x |> dense(4, activation: "hard_swish")\n}\n'
        : 'model m(x: [5]) {\n  return y: x |> dense(4) |> hard_swish\n}\n';
    const [a, b] = [true, false].map((fused) => {
      const r = checkSource(new Source('t.net', src(fused)));
      expect(r.diagnostics).toEqual([]);
      return buildModel(r.graphs[0], { seed: 3 });
    });
    const input = tf.mul(rand([3, 5], 5), 4);
    const ya = (a.predict(input) as tf.Tensor).dataSync();
    const yb = (b.predict(input) as tf.Tensor).dataSync();
    expect(maxDiff(ya, yb)).toBeLessThan(tol);
    expect(Array.from(ya).some((v) => v < 0)).toBe(true); // the negative lobe of hard swish
    a.dispose();
    b.dispose();
  });
});

/** softmax over the last axis of rows of length n. */
function softmaxRows(v: number[], n: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < v.length / n; r++) {
    const row = v.slice(r * n, (r + 1) * n);
    const m = Math.max(...row);
    const e = row.map((z) => Math.exp(z - m));
    const s = e.reduce((p, q) => p + q, 0);
    out.push(...e.map((z) => z / s));
  }
  return out;
}

describe('softmax with masks', () => {
  it('adds a [T, S] mask broadcast over heads [H, T, S], per example', () => {
    const scores = rand([2, 2, 3, 4], 11);
    const mask = tf.mul(tf.floor(tf.add(rand([2, 3, 4], 12), 1)), -1e9); // 0 or -1e9
    const s = Array.from(scores.dataSync());
    const m = at(mask.dataSync(), [2, 3, 4]);
    const shape = [2, 2, 3, 4];
    const added = indices(shape).map(([b, h, t, k]) => at(s, shape)([b, h, t, k]) + m([b, t, k]));
    const got = run('softmax', [scores, mask]);
    expect(maxDiff(got, softmaxRows(added, 4))).toBeLessThan(tol);
    // Masked entries are exactly 0.
    indices(shape).forEach(([b, , t, k], i) => {
      if (m([b, t, k]) < 0) expect(got[i]).toBe(0);
    });
  });

  it('causal: key j is invisible from query i when j > i (PyTorch is_causal)', () => {
    const scores = rand([1, 4, 4], 21);
    const s = Array.from(scores.dataSync());
    const masked = s.map((v, i) => (i % 4 > Math.floor(i / 4) ? -Infinity : v));
    const want = softmaxRows(masked, 4);
    const got = run('softmax', [scores], { causal: true });
    expect(maxDiff(got, want)).toBeLessThan(tol);
    expect(got[1]).toBe(0); // row 0 sees key 0 only
    expect(got[0]).toBeCloseTo(1, 6);
  });

  it('a mask on a non-last axis', () => {
    const scores = rand([1, 3, 2], 31);
    const mask = tf.tensor([[[0], [-1e9], [0]]]); // [1, 3, 1]: row 1 dropped
    const s = Array.from(scores.dataSync());
    const got = run('softmax', [scores, mask], { axis: 0 });
    for (let c = 0; c < 2; c++) {
      const [a, b] = [s[c], s[4 + c]];
      const ea = Math.exp(a) / (Math.exp(a) + Math.exp(b));
      expect(got[c]).toBeCloseTo(ea, 6);
      expect(got[2 + c]).toBe(0);
      expect(got[4 + c]).toBeCloseTo(1 - ea, 6);
    }
  });
});

/** A naive einsum over index tuples: out[o] = sum over the other letters of a[.] * b[.]. */
function naiveEinsum(eq: string, a: tf.Tensor, b: tf.Tensor): { shape: number[]; data: number[] } {
  const [ins, out] = eq.split('->');
  const [la, lb] = ins.split(',');
  const size = new Map<string, number>();
  [...la].forEach((ch, i) => size.set(ch, a.shape[i]));
  [...lb].forEach((ch, i) => size.set(ch, b.shape[i]));
  const all = [...new Set([...la, ...lb])];
  const sum = all.filter((ch) => !out.includes(ch));
  const ga = at(a.dataSync(), a.shape);
  const gb = at(b.dataSync(), b.shape);
  const shape = [...out].map((ch) => size.get(ch)!);
  const data = indices(shape).map((o) => {
    let acc = 0;
    for (const s of indices(sum.map((ch) => size.get(ch)!))) {
      const v = (ch: string) => (out.includes(ch) ? o[out.indexOf(ch)] : s[sum.indexOf(ch)]);
      acc += ga([...la].map(v)) * gb([...lb].map(v));
    }
    return acc;
  });
  return { shape, data };
}

describe('matrix products against a naive sum', () => {
  it.each([
    ['bqd,bkd->bqk', [2, 3, 4], [2, 5, 4]],
    ['bqk,bkd->bqd', [2, 3, 5], [2, 5, 4]],
    ['bhqd,bhkd->bhqk', [2, 2, 3, 4], [2, 2, 5, 4]],
    ['bqd,bdh->bhq', [2, 3, 4], [2, 4, 2]],
  ] as const)('einsum %s', (eq, sa, sb) => {
    const a = rand([...sa], 41);
    const b = rand([...sb], 42);
    const want = naiveEinsum(eq, a, b);
    expect(maxDiff(run('einsum', [a, b], { equation: eq }), want.data)).toBeLessThan(tol);
  });

  it('einsum with the batch implied: "qd,kd->kq"', () => {
    const a = rand([2, 3, 4], 43);
    const b = rand([2, 5, 4], 44);
    const want = naiveEinsum('bqd,bkd->bkq', a, b);
    expect(maxDiff(run('einsum', [a, b], { equation: 'qd,kd->kq' }), want.data)).toBeLessThan(tol);
  });

  it.each([
    [false, false, [2, 2, 3, 4], [2, 2, 4, 5], 'bhmk,bhkn->bhmn'],
    [false, true, [2, 3, 4], [2, 5, 4], 'bmk,bnk->bmn'],
    [true, false, [2, 4, 3], [2, 4, 5], 'bkm,bkn->bmn'],
    [true, true, [2, 4, 3], [2, 5, 4], 'bkm,bnk->bmn'],
  ] as const)('matmul transpose_a %s, transpose_b %s', (ta, tb, sa, sb, eq) => {
    const a = rand([...sa], 45);
    const b = rand([...sb], 46);
    const want = naiveEinsum(eq, a, b);
    const got = run('matmul', [a, b], { transpose_a: ta, transpose_b: tb });
    expect(maxDiff(got, want.data)).toBeLessThan(tol);
  });
});

describe('axis reshapes and cropping against index arithmetic', () => {
  it('transpose moves element [b, i, j, k] to [b, k, i, j] for perm [2, 0, 1] (and [-1, 0, 1])', () => {
    const x = rand([2, 2, 3, 4], 51);
    const g = at(x.dataSync(), [2, 2, 3, 4]);
    const want = indices([2, 4, 2, 3]).map(([b, k, i, j]) => g([b, i, j, k]));
    expect(maxDiff(run('transpose', [x], { perm: [2, 0, 1] }), want)).toBe(0);
    expect(maxDiff(run('transpose', [x], { perm: [-1, 0, 1] }), want)).toBe(0);
  });

  it('squeeze and expand_dims keep the values in order', () => {
    const x = rand([2, 1, 6], 52);
    const xs = Array.from(x.dataSync());
    expect(run('squeeze', [x], { axis: 0 })).toEqual(xs);
    expect(run('expand_dims', [x], { axis: -1 })).toEqual(xs);
  });

  it('cropping1d [2, 3] keeps rows 2..6 of 10 (Keras Cropping1D)', () => {
    const x = rand([2, 10, 3], 53);
    const g = at(x.dataSync(), [2, 10, 3]);
    const want = indices([2, 5, 3]).map(([b, i, c]) => g([b, i + 2, c]));
    expect(run('cropping1d', [x], { cropping: [2, 3] })).toEqual(want);
  });

  it('cropping2d [[1, 2], [0, 3]] (Keras Cropping2D)', () => {
    const x = rand([2, 8, 9, 2], 54);
    const g = at(x.dataSync(), [2, 8, 9, 2]);
    const want = indices([2, 5, 6, 2]).map(([b, i, j, c]) => g([b, i + 1, j, c]));
    const got = run('cropping2d', [x], {
      cropping: [
        [1, 2],
        [0, 3],
      ],
    });
    expect(got).toEqual(want);
  });
});

/**
 * PyTorch's `interpolate(mode="bilinear", align_corners=False)` (and `"nearest-exact"`), written
 * from its documented sampling rule per output pixel: source `(o + 0.5) * in / out - 0.5`,
 * clamped at 0, between the two neighbours (nearest: `floor((o + 0.5) * in / out)`).
 */
function torchResize(
  x: tf.Tensor,
  [oh, ow]: [number, number],
  mode: 'bilinear' | 'nearest',
): number[] {
  const [b, h, w, c] = x.shape;
  const g = at(x.dataSync(), x.shape);
  const src = (o: number, n: number, out: number) => {
    const s = Math.max((o + 0.5) * (n / out) - 0.5, 0);
    const lo = Math.floor(s);
    return { lo, hi: Math.min(lo + 1, n - 1), t: s - lo };
  };
  const near = (o: number, n: number, out: number) =>
    Math.min(Math.floor((o + 0.5) * (n / out)), n - 1);
  return indices([b, oh, ow, c]).map(([n, i, j, k]) => {
    if (mode === 'nearest') return g([n, near(i, h, oh), near(j, w, ow), k]);
    const y = src(i, h, oh);
    const z = src(j, w, ow);
    const row = (r: number) => g([n, r, z.lo, k]) * (1 - z.t) + g([n, r, z.hi, k]) * z.t;
    return row(y.lo) * (1 - y.t) + row(y.hi) * y.t;
  });
}

describe('resizing with half-pixel centres (Keras Resizing, PyTorch align_corners=False)', () => {
  it.each([
    [[3, 9], 'bilinear'],
    [[8, 4], 'bilinear'],
    [[8, 4], 'nearest'],
    [[2, 11], 'nearest'],
  ] as const)('resizing to %j, %s', (size, mode) => {
    const x = rand([2, 5, 7, 3], 71);
    const got = run('resizing', [x], { height: size[0], width: size[1], interpolation: mode });
    expect(maxDiff(got, torchResize(x, [size[0], size[1]], mode))).toBeLessThan(tol);
  });

  it('upsampling2d bilinear by [2, 3] is resizing to twice and three times the size', () => {
    const x = rand([1, 3, 4, 2], 72);
    const got = run('upsampling2d', [x], { size: [2, 3], interpolation: 'bilinear' });
    expect(maxDiff(got, torchResize(x, [6, 12], 'bilinear'))).toBeLessThan(tol);
  });
});

describe('preprocessing (Keras Rescaling and Normalization formulas)', () => {
  it('rescaling per channel: x * scale[c] + offset[c]', () => {
    const x = rand([2, 2, 2, 3], 81);
    const scale = [2, 0.5, -1];
    const offset = [0.1, 0.2, 0.3];
    const want = Array.from(x.dataSync()).map((v, i) => v * scale[i % 3] + offset[i % 3]);
    expect(maxDiff(run('rescaling', [x], { scale, offset }), want)).toBeLessThan(tol);
    const one = Array.from(x.dataSync()).map((v) => v / 255);
    expect(maxDiff(run('rescaling', [x], { scale: 1 / 255 }), one)).toBeLessThan(tol);
  });

  it('normalization: (x - mean) / max(sqrt(variance), 1e-7), from its own weights', () => {
    const mean = [0.485, 0.456, 0.406];
    const variance = [0.052, 0.05, 0];
    const x = rand([2, 2, 3], 82);
    const want = Array.from(x.dataSync()).map(
      (v, i) => (v - mean[i % 3]) / Math.max(Math.sqrt(variance[i % 3]), 1e-7),
    );
    // opModel seeds the weights: initialWeights gives them the declared values.
    const got = run('normalization', [x], { mean, variance });
    expect(maxDiff(got, want) / Math.max(...want.map(Math.abs))).toBeLessThan(tol);
    // Without a seed, the layer's own build writes the same values.
    const r = checkSource(
      new Source(
        'n.net',
        'model m(x: [3]) {\n  return y: x |> normalization(mean: [1, 2, 3], variance: 4)\n}\n',
      ),
    );
    const model = buildModel(r.graphs[0]);
    const w = model.layers[1].getWeights().map((t) => Array.from(t.dataSync()));
    expect(w).toEqual([[1, 2, 3], [4, 4, 4], [0]]);
    const y = (model.predict(tf.tensor2d([[3, 2, 1]])) as tf.Tensor).dataSync();
    expect(Array.from(y)).toEqual([1, 0, -1]); // (3 - 1) / 2, (2 - 2) / 2, (1 - 3) / 2
    model.dispose();
  });
});

describe('dropout variants in training (which elements share one draw)', () => {
  /** y / x in training mode, for x all ones: each entry 0 or 1 / (1 - rate). */
  function trainingMask(op: string, shape: number[], args: Record<string, Arg>): number[] {
    const model = opModel(op, [shape.slice(1) as Shape], args);
    try {
      const y = model.apply(tf.ones(shape), { training: true }) as tf.Tensor;
      return Array.from(y.dataSync());
    } finally {
      model.dispose();
    }
  }
  const kept = 1 / (1 - 0.5);

  it.each([
    ['spatial_dropout2d', [4, 3, 3, 16], {}, (i: number[]) => [i[0], i[3]]],
    ['spatial_dropout1d', [4, 5, 16], {}, (i: number[]) => [i[0], i[2]]],
    ['dropout', [4, 3, 3, 16], { noise_shape: [1, 1, 16] }, (i: number[]) => [i[0], i[3]]],
    ['drop_path', [16, 3, 4], {}, (i: number[]) => [i[0]]],
  ] as const)('%s: one draw per %s group', (op, shape, args, group) => {
    const y = trainingMask(op, [...shape], { rate: 0.5, ...(args as Record<string, Arg>) });
    expect(y.every((v) => v === 0 || Math.abs(v - kept) < 1e-6)).toBe(true);
    const seen = new Map<string, number>();
    indices(shape).forEach((idx, k) => {
      const key = JSON.stringify(group(idx));
      if (!seen.has(key)) seen.set(key, y[k]);
      expect(y[k]).toBe(seen.get(key));
    });
    // Both outcomes happen across the groups (64 or 16 draws at rate 0.5).
    const draws = [...seen.values()];
    expect(draws.some((v) => v === 0) && draws.some((v) => v > 0)).toBe(true);
  });

  it('are the identity at inference', () => {
    const x = rand([2, 3, 4], 91);
    for (const op of ['spatial_dropout1d', 'drop_path']) {
      expect(run(op, [x], { rate: 0.5 })).toEqual(Array.from(x.dataSync()));
    }
  });
});

describe('written in the language', () => {
  const source = `model attention(x: [T, 8]) {
  q = x |> dense(8, bias: false, name: "q")
  k = x |> dense(8, bias: false, name: "k")
  v = x |> dense(8, bias: false, name: "v")
  a = matmul(q, k, transpose_b: true) |> scale(0.35355339) |> softmax(causal: true)
  return y: einsum(a, v, "qk,kd->qd")
}
`;

  it('causal single-head attention matches softmax(q k^T / sqrt(d) + causal) v', () => {
    const r = checkSource(new Source('attn.net', source));
    expect(r.diagnostics).toEqual([]);
    const model = buildModel(r.graphs[0], { seed: 5 });
    const x = rand([1, 5, 8], 61);
    const y = Array.from((model.predict(x) as tf.Tensor).dataSync());
    const kernel = (name: string) => model.getLayer(name).getWeights()[0].arraySync() as number[][];
    const xs = (x.arraySync() as number[][][])[0];
    const proj = (w: number[][]) =>
      xs.map((row) => w[0].map((_, j) => row.reduce((s, xi, i) => s + xi * w[i][j], 0)));
    const [q, k, v] = ['q', 'k', 'v'].map((n) => proj(kernel(n)));
    const want: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = k.map((kj, j) =>
        j > i ? -Infinity : kj.reduce((p, kd, d) => p + kd * q[i][d], 0) * 0.35355339,
      );
      const p = softmaxRows(s, 5);
      for (let d = 0; d < 8; d++) want.push(p.reduce((acc, pj, j) => acc + pj * v[j][d], 0));
    }
    expect(maxDiff(y, want)).toBeLessThan(tol);
    model.dispose();
  });
});
