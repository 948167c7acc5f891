/**
 * `einsum` equations between two tensors, as netc runs them: parsed, checked, and planned as
 * transposes around one batched matrix product. No imports: the op (compiler/ops/einsum.ts)
 * and the runtime layer (runtime/layers/einsum.ts) share it.
 *
 * An equation names every axis of each operand and of the output by a letter (`"bqd,bkd->bqk"`).
 * Written with one letter per non-batch dim (`"qd,kd->qk"`), the batch is implied; written with
 * one more, the first letter of every operand and of the output is the batch (Keras style).
 */

/** A parsed equation: the operands and output with their batch letter first. */
export interface EinsumPlan {
  /** The equation with the batch letter written out, as ONNX's Einsum takes it. */
  readonly equation: string;
  readonly a: string;
  readonly b: string;
  readonly out: string;
  /** Letters in both operands and the output (the batch first). */
  readonly batch: string;
  /** Letters of `a` only and the output; of `b` only and the output; of both operands only. */
  readonly freeA: string;
  readonly freeB: string;
  readonly contracted: string;
  /** Transposes: `a` to `[batch, freeA, contracted]`, `b` to `[batch, contracted, freeB]`. */
  readonly permA: readonly number[];
  readonly permB: readonly number[];
  /** From `[batch, freeA, freeB]` to the output's order. */
  readonly permOut: readonly number[];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Parses `equation` for operands of netc ranks `ranks`; a message when it is not supported. */
export function planEinsum(
  equation: string,
  ranks: readonly [number, number],
): EinsumPlan | string {
  const compact = equation.replace(/\s+/g, '');
  const m = /^([A-Za-z]*),([A-Za-z]*)->([A-Za-z]*)$/.exec(compact);
  if (!m) {
    return `expected two operands and an explicit output, 'ab,bc->ac' (letters only, no '...'), found '${equation}'`;
  }
  let [a, b, out] = [m[1], m[2], m[3]];
  for (const [what, s] of [
    ['the first operand', a],
    ['the second operand', b],
    ['the output', out],
  ] as const) {
    const dup = [...s].find((ch, i) => s.indexOf(ch) !== i);
    if (dup)
      return `letter '${dup}' appears twice in ${what} '${s}' (traces and diagonals are not supported)`;
  }
  if (a.length === ranks[0] && b.length === ranks[1]) {
    const free = [...LETTERS].find((ch) => !compact.includes(ch));
    if (!free) return 'every letter is used, none is left for the batch';
    [a, b, out] = [free + a, free + b, free + out];
  } else if (a.length !== ranks[0] + 1 || b.length !== ranks[1] + 1) {
    return `the operands have ${ranks[0]} and ${ranks[1]} non-batch dims, so they need ${ranks[0]} and ${ranks[1]} letters (or one more each, the batch first), found '${a}' and '${b}'`;
  } else if (a[0] !== b[0] || out[0] !== a[0]) {
    return `with a batch letter, both operands and the output start with it, found '${a}', '${b}' and '${out}'`;
  }
  for (const ch of out) {
    if (!a.includes(ch) && !b.includes(ch)) return `output letter '${ch}' is in neither operand`;
  }
  for (const [s, other] of [
    [a, b],
    [b, a],
  ]) {
    const lone = [...s].find((ch) => !other.includes(ch) && !out.includes(ch));
    if (lone) return `letter '${lone}' is summed over one operand only, which is not supported`;
  }
  const pick = (s: string, f: (ch: string) => boolean) => [...s].filter(f).join('');
  const batch = pick(a, (ch) => b.includes(ch) && out.includes(ch));
  const contracted = pick(a, (ch) => b.includes(ch) && !out.includes(ch));
  const freeA = pick(a, (ch) => !b.includes(ch));
  const freeB = pick(b, (ch) => !a.includes(ch));
  const perm = (from: string, to: string) => [...to].map((ch) => from.indexOf(ch));
  const mid = batch + freeA + freeB;
  return {
    equation: `${a},${b}->${out}`,
    a,
    b,
    out,
    batch,
    freeA,
    freeB,
    contracted,
    permA: perm(a, batch + freeA + contracted),
    permB: perm(b, batch + contracted + freeB),
    permOut: perm(mid, out),
  };
}
