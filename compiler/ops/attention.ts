import { dimsCompatible, formatShape, unifyDim, type Dim, type Shape } from '../ir/shape.js';
import { invalid, positive } from './attrs.js';
import { causalMask, MASKED } from './causal-mask.js';
import { reshapeWeight, scalarWeight } from './onnx-weights.js';
import { GLOROT_UNIFORM, ZEROS, defineOp, OpError, type AttrsOf, type WeightSpec } from './op.js';
import type { OnnxContext } from './onnx.js';
import { boolType, floatType, intType, type ParamType } from './param-types.js';

const optionalInt: ParamType<number | null> = {
  label: 'int or none',
  convert: (v) => (v.kind === 'none' ? null : intType.convert(v)),
};

const params = [
  { name: 'num_heads', type: intType, doc: 'Number of attention heads.' },
  { name: 'key_dim', type: intType, doc: 'Size of each head for query and key.' },
  {
    name: 'value_dim',
    type: optionalInt,
    default: null,
    doc: 'Size of each head for value; none: `key_dim`.',
  },
  {
    name: 'dropout',
    type: floatType,
    default: 0,
    doc: 'Dropout rate on the attention probabilities during training, in [0, 1).',
  },
  {
    name: 'causal',
    type: boolType,
    default: false,
    doc: 'Query `i` sees keys `j <= i` only (Keras `use_causal_mask`).',
  },
  {
    name: 'bias',
    type: boolType,
    default: true,
    doc: 'Biases on the four projections (Keras `use_bias`).',
  },
] as const;

type Attrs = AttrsOf<typeof params>;

/** The sizes of one attention: queries `t` of width `dq`, keys and values `s` of `dk` / `dv`. */
interface Dims {
  readonly t: Dim;
  readonly s: Dim;
  readonly dq: number;
  readonly dk: number;
  readonly dv: number;
  readonly heads: number;
  readonly keyDim: number;
  readonly valueDim: number;
}

const ROLES = ['query', 'value', 'key'] as const;

/** The known feature size (last dim) of a `[sequence, features]` input. */
function features(x: Shape, role: string): number {
  if (x.length !== 2) {
    throw new OpError(
      `multi_head_attention expects its ${role} as [sequence, features] (rank 2), found ${formatShape(x)} (rank ${x.length})`,
      'E3004',
    );
  }
  const f = x[1];
  if (typeof f !== 'number') {
    throw new OpError(
      `multi_head_attention needs a known feature size to size its ${role} projection, but the ${role} is ${formatShape(x)}`,
      'E3004',
    );
  }
  return f;
}

/** Validates the arguments and the inputs (query, value, key: key defaults to value). */
function dims(inputs: readonly Shape[], a: Attrs): Dims {
  positive(a, 'num_heads');
  positive(a, 'key_dim');
  if (a.value_dim !== null) positive(a, 'value_dim');
  if (!(a.dropout >= 0 && a.dropout < 1)) throw invalid('dropout', 'a value in [0, 1)', a.dropout);
  const [q, v = q, k = v] = inputs;
  const [dq, dv, dk] = [q, v, k].map((x, i) => features(x, ROLES[i]));
  if (!dimsCompatible(k[0], v[0])) {
    throw new OpError(
      `multi_head_attention's key ${formatShape(k)} and value ${formatShape(v)} differ in length: ${String(k[0])} keys and ${String(v[0])} values`,
      'E3001',
      undefined,
      ['each key needs a value: both have the same sequence length'],
    );
  }
  const s = unifyDim(k[0], v[0]);
  return {
    t: q[0],
    s,
    dq,
    dk,
    dv,
    heads: a.num_heads,
    keyDim: a.key_dim,
    valueDim: a.value_dim ?? a.key_dim,
  };
}

/** `a * b * ...` as a bigint, null when a dim is unknown. */
function macs(...factors: Dim[]): bigint | null {
  let n = 1n;
  for (const f of factors) {
    if (typeof f !== 'number') return null;
    n *= BigInt(f);
  }
  return n;
}

/** Adds a macs term, null when either is unknown. */
const plus = (a: bigint | null, b: bigint | null): bigint | null =>
  a === null || b === null ? null : a + b;

/** The ONNX nodes of one input projection: `[B, n, d] -> [B, heads, n, size]` (`perm` after). */
function onnxProjection(
  c: OnnxContext<Attrs>,
  input: number,
  role: 'query' | 'key' | 'value',
  size: number,
  perm: number[],
): string {
  const x = c.inputAs(input, 'channels_last');
  const kernel = c.weight(`${role}_kernel`);
  const [d, h] = kernel.shape;
  const w = c.constant(`${role}_kernel`, reshapeWeight(kernel, [d, h * size]));
  let y = c.node('MatMul', [x, w], {}, `${role}/matmul`);
  if (c.attrs.bias) {
    const b = c.constant(`${role}_bias`, reshapeWeight(c.weight(`${role}_bias`), [h * size]));
    y = c.node('Add', [y, b], {}, `${role}/bias`);
  }
  const split = c.node('Reshape', [y, c.int64s(`${role}/shape`, [0, -1, h, size])], {}, role);
  return c.node('Transpose', [split], { perm }, `${role}/heads`);
}

/**
 * The causal mask of scores `[B, heads, t, s]` whose lengths are known at run time only: the
 * lower triangle (`Trilu`) of ones `[t, s]`, minus one, times `-MASKED` (0 where key `j <= i`
 * is visible, `MASKED` elsewhere, as `causalMask` writes it).
 */
function runTimeCausalMask<A>(c: OnnxContext<A>, scores: string): string {
  const shape = c.node('Shape', [scores], {}, 'causal/scores_shape');
  const ts = c.node(
    'Slice',
    [shape, c.int64s('causal/from', [2]), c.int64s('causal/to', [4])],
    {},
    'causal/lengths',
  );
  const zeros = c.node('ConstantOfShape', [ts], {}, 'causal/zeros');
  const ones = c.node('Add', [zeros, c.constant('causal/one', scalarWeight(1))], {}, 'causal/ones');
  const lower = c.node('Trilu', [ones], { upper: 0 }, 'causal/lower');
  const hidden = c.node(
    'Sub',
    [lower, c.constant('causal/one_', scalarWeight(1))],
    {},
    'causal/hidden',
  );
  return c.node(
    'Mul',
    [hidden, c.constant('causal/scale', scalarWeight(-MASKED))],
    {},
    'causal/mask',
  );
}

export const multiHeadAttention = defineOp({
  name: 'multi_head_attention',
  category: 'attention',
  doc: 'Keras MultiHeadAttention on `[sequence, features]` tensors, `softmax(q k^T / sqrt(key_dim)) v` per head (with the causal mask, and dropout during training), the heads projected back: `x |> multi_head_attention(...)` attends `x` to itself, `multi_head_attention(query, value)` or `(query, value, key)` attends queries `[t, dq]` to `s` values (the key defaults to the value), giving `[t, dq]`. MACs: the four projections plus `num_heads * t * s * (key_dim + value_dim)`.',
  inputs: { min: 1, max: 3 },
  params,
  weightDocs: [
    { name: 'query_kernel', shape: '[dq, num_heads, key_dim]', trainable: true },
    { name: 'query_bias', shape: '[num_heads, key_dim]', trainable: true, when: 'bias' },
    { name: 'key_kernel', shape: '[dk, num_heads, key_dim]', trainable: true },
    { name: 'key_bias', shape: '[num_heads, key_dim]', trainable: true, when: 'bias' },
    { name: 'value_kernel', shape: '[dv, num_heads, value_dim]', trainable: true },
    { name: 'value_bias', shape: '[num_heads, value_dim]', trainable: true, when: 'bias' },
    { name: 'output_kernel', shape: '[num_heads, value_dim, dq]', trainable: true },
    { name: 'output_bias', shape: '[dq]', trainable: true, when: 'bias' },
  ],
  shape(inputs, a) {
    const d = dims(inputs, a);
    return [d.t, d.dq];
  },
  weights(inputs, a) {
    const d = dims(inputs, a);
    const w: WeightSpec[] = [];
    const add = (role: string, kernel: number[], bias: number[]) => {
      w.push({ name: `${role}_kernel`, shape: kernel, trainable: true, init: GLOROT_UNIFORM });
      if (a.bias) w.push({ name: `${role}_bias`, shape: bias, trainable: true, init: ZEROS });
    };
    add('query', [d.dq, d.heads, d.keyDim], [d.heads, d.keyDim]);
    add('key', [d.dk, d.heads, d.keyDim], [d.heads, d.keyDim]);
    add('value', [d.dv, d.heads, d.valueDim], [d.heads, d.valueDim]);
    add('output', [d.heads, d.valueDim, d.dq], [d.dq]);
    return w;
  },
  macs(inputs, a) {
    const d = dims(inputs, a);
    const hk = d.heads * d.keyDim;
    const hv = d.heads * d.valueDim;
    const projections = [
      macs(d.t, d.dq, hk),
      macs(d.s, d.dk, hk),
      macs(d.s, d.dv, hv),
      macs(d.t, hv, d.dq),
    ];
    const attention = macs(d.heads, d.t, d.s, d.keyDim + d.valueDim);
    return [...projections, attention].reduce(plus, 0n);
  },
  tfjs: (c) =>
    c.custom('NetcAttention', {
      name: c.name,
      numHeads: c.attrs.num_heads,
      keyDim: c.attrs.key_dim,
      valueDim: c.attrs.value_dim ?? c.attrs.key_dim,
      dropout: c.attrs.dropout,
      causal: c.attrs.causal,
      useBias: c.attrs.bias,
    }),
  // Keras's computation in opset-17 nodes: projections as MatMul on [B, n, d] then Reshape and
  // Transpose to [B, heads, n, size]; scores, softmax and the weighted sum as batched MatMuls.
  onnx(c) {
    const d = dims(c.inputs, c.attrs);
    const [vi, ki] = [c.inputs.length > 1 ? 1 : 0, c.inputs.length - 1];
    const q = onnxProjection(c, 0, 'query', d.keyDim, [0, 2, 1, 3]);
    const k = onnxProjection(c, ki, 'key', d.keyDim, [0, 2, 3, 1]);
    const v = onnxProjection(c, vi, 'value', d.valueDim, [0, 2, 1, 3]);
    const scaled = c.node(
      'Mul',
      [q, c.constant('scale', scalarWeight(1 / Math.sqrt(d.keyDim)))],
      {},
      'scaled',
    );
    let scores = c.node('MatMul', [scaled, k], {}, 'scores');
    if (c.attrs.causal) {
      const mask =
        typeof d.t === 'number' && typeof d.s === 'number'
          ? c.constant('causal_mask', { shape: [d.t, d.s], data: causalMask(d.t, d.s) })
          : runTimeCausalMask(c, scores);
      scores = c.node('Add', [scores, mask], {}, 'causal');
    }
    const probs = c.node('Softmax', [scores], { axis: -1 }, 'probs');
    const heads = c.node('MatMul', [probs, v], {}, 'context');
    const merged = c.node(
      'Reshape',
      [
        c.node('Transpose', [heads], { perm: [0, 2, 1, 3] }, 'context/t'),
        c.int64s('context/shape', [0, -1, d.heads * d.valueDim]),
      ],
      {},
      'merged',
    );
    const wo = reshapeWeight(c.weight('output_kernel'), [d.heads * d.valueDim, d.dq]);
    const out = c.node(
      'MatMul',
      [merged, c.constant('output_kernel', wo)],
      {},
      c.attrs.bias ? 'output' : undefined,
    );
    const y = c.attrs.bias
      ? c.node('Add', [out, c.constant('output_bias', c.weight('output_bias'))])
      : out;
    return { name: y, layout: 'channels_last' };
  },
});
