import { formatDim, formatShape, type Dim, type Shape } from '../ir/shape.js';
import { OpError } from './op.js';

/**
 * NumPy broadcasting over the non-batch dimensions (the batch is always shared): shapes are
 * aligned on their last dimension, a shorter one gains leading 1s, and along each dimension the
 * sizes must be equal or one of them 1 (which stretches). An unknown size (`?`) matches anything
 * (checked at run time); a symbolic size matches itself and 1.
 */

/** The largest rank, without spreading (a merge can have 100,000s of operands). */
const maxRank = (inputs: readonly Shape[]): number =>
  inputs.reduce((m, s) => Math.max(m, s.length), 0);

/** The broadcast of two dims, or undefined when they clash. */
function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === null) return b;
  if (b === null) return a;
  return a === b ? a : undefined;
}

/** The operands right-aligned, one line each, and a caret line under the failing dimension. */
function alignedNotes(inputs: readonly Shape[], i: number, j: number, axis: number): string[] {
  const rank = maxRank(inputs);
  const cell = (s: Shape, k: number): string => {
    const at = k - (rank - s.length);
    return at < 0 ? '' : formatDim(s[at]);
  };
  const width = Array.from({ length: rank }, (_, k) =>
    Math.max(...[i, j].map((n) => cell(inputs[n], k).length)),
  );
  const labels = [i, j].map((n) => `input ${n + 1}: `);
  const row = (s: Shape): string => {
    const cells = width.map((w, k) => cell(s, k).padStart(w));
    const first = cells.findIndex((c) => c.trim() !== '');
    // Leading blanks for missing dims, then the shape as formatShape writes it.
    return (
      cells
        .slice(0, first)
        .map((c) => ' '.repeat(c.length + 2))
        .join('') +
      '[' +
      cells.slice(first).join(', ') +
      ']'
    );
  };
  const lines = [i, j].map((n, k) => labels[k] + row(inputs[n]));
  const col = labels[0].length + 1 + width.slice(0, axis).reduce((s, w) => s + w + 2, 0);
  const a = inputs[i][axis - (rank - inputs[i].length)];
  const b = inputs[j][axis - (rank - inputs[j].length)];
  const caret = `${' '.repeat(col)}${'^'.repeat(width[axis])} dimension ${axis}: ${formatDim(a)} and ${formatDim(b)}`;
  return [
    'shapes aligned on their last dimension (the batch is not shown):',
    ...lines,
    caret,
    'sizes must be equal, or one of them 1 (NumPy broadcasting)',
  ];
}

/**
 * The broadcast shape of `inputs`; throws E3001 naming the first pair that clashes (operands
 * numbered from 1 when there are more than two) and the dimension, counted from 0 in the output.
 */
export function broadcastShapes(op: string, inputs: readonly Shape[]): Shape {
  const rank = maxRank(inputs);
  const out: Dim[] = Array<Dim>(rank).fill(1);
  // The input that set each output dim, for the error.
  const from: number[] = Array<number>(rank).fill(0);
  inputs.forEach((s, j) => {
    const pad = rank - s.length;
    s.forEach((d, k) => {
      const axis = k + pad;
      const b = broadcastDim(out[axis], d);
      if (b === undefined) {
        const i = from[axis];
        const label = (n: number) =>
          formatShape(inputs[n]) + (inputs.length > 2 ? ` (input ${n + 1})` : '');
        throw new OpError(
          `${op} cannot broadcast ${label(i)} with ${label(j)}: dimension ${axis} is ${formatDim(out[axis])} and ${formatDim(d)}`,
          'E3001',
          undefined,
          alignedNotes(inputs, i, j, axis),
        );
      }
      if (b !== out[axis]) from[axis] = j;
      out[axis] = b;
    });
  });
  return out;
}

/** True when every input has the output's shape (no dimension stretches, no rank grows). */
export function sameShapes(inputs: readonly Shape[]): boolean {
  const rank = inputs[0].length;
  if (inputs.some((s) => s.length !== rank)) return false;
  // Along each dimension: a 1 in one operand and anything else in another stretches.
  return inputs[0].every((_, k) => {
    const ones = inputs.filter((s) => s[k] === 1).length;
    return ones === 0 || ones === inputs.length;
  });
}
