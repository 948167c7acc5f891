import { dimsCompatible, formatShape, unifyDim, type Shape } from '../ir/shape.js';
import { exactProduct } from './attrs.js';
import { defineOp, OpError, type AttrsOf } from './op.js';
import { boolType } from './param-types.js';

const params = [
  {
    name: 'transpose_a',
    type: boolType,
    default: false,
    doc: 'Use `a` with its last two dims swapped.',
  },
  {
    name: 'transpose_b',
    type: boolType,
    default: false,
    doc: 'Use `b` with its last two dims swapped (`q @ k^T`: `matmul(q, k, transpose_b: true)`).',
  },
] as const;

interface Dims {
  readonly lead: Shape;
  readonly m: Shape[number];
  readonly k: Shape[number];
  readonly n: Shape[number];
}

/** The batch dims and `m, k, n` of `a [..., m, k] @ b [..., k, n]`, after the transposes. */
function dims([a, b]: readonly Shape[], t: AttrsOf<typeof params>): Dims {
  if (a.length < 2 || b.length !== a.length) {
    throw new OpError(
      `matmul needs two tensors of the same rank, at least 2 ([..., rows, cols]), found ${formatShape(a)} and ${formatShape(b)}`,
      'E3004',
    );
  }
  const r = a.length;
  const [am, ak] = t.transpose_a ? [a[r - 1], a[r - 2]] : [a[r - 2], a[r - 1]];
  const [bk, bn] = t.transpose_b ? [b[r - 1], b[r - 2]] : [b[r - 2], b[r - 1]];
  const lead = a.slice(0, -2).map((d, i) => {
    if (!dimsCompatible(d, b[i])) {
      throw new OpError(
        `matmul's batch dims differ: ${formatShape(a)} and ${formatShape(b)} at dimension ${i}`,
        'E3001',
      );
    }
    return unifyDim(d, b[i]);
  });
  if (!dimsCompatible(ak, bk)) {
    const flags = `transpose_a: ${t.transpose_a}, transpose_b: ${t.transpose_b}`;
    throw new OpError(
      `matmul cannot multiply ${formatShape(a)} by ${formatShape(b)} (${flags}): inner dims ${String(ak)} and ${String(bk)} differ`,
      'E3001',
    );
  }
  return { lead, m: am, k: unifyDim(ak, bk), n: bn };
}

/** The ONNX perm swapping the last two axes of a tensor of netc rank `r` (batch first). */
const swapLast = (r: number): number[] => [...Array.from({ length: r - 1 }, (_, i) => i), r, r - 1];

export const matmul = defineOp({
  name: 'matmul',
  category: 'merging',
  doc: 'Batched matrix product of two activations, `a [..., m, k] @ b [..., k, n]` gives `[..., m, n]` (the leading dims equal), either operand optionally transposed. MACs: `batch dims * m * k * n`.',
  inputs: { min: 2, max: 2 },
  params,
  shape(inputs, a) {
    const d = dims(inputs, a);
    return [...d.lead, d.m, d.n];
  },
  weights: () => [],
  macs(inputs, a) {
    const d = dims(inputs, a);
    return exactProduct([...d.lead, d.m, d.k, d.n]);
  },
  tfjs: (c) =>
    c.custom('NetcMatMul', {
      name: c.name,
      transposeA: c.attrs.transpose_a,
      transposeB: c.attrs.transpose_b,
    }),
  onnx(c) {
    const r = c.inputs[0].length;
    const operand = (i: number, transposed: boolean, part: string) => {
      const x = c.inputAs(i, 'channels_last');
      return transposed ? c.node('Transpose', [x], { perm: swapLast(r) }, part) : x;
    };
    const a = operand(0, c.attrs.transpose_a, 'a_t');
    const b = operand(1, c.attrs.transpose_b, 'b_t');
    return { name: c.node('MatMul', [a, b]), layout: 'channels_last' };
  },
});
