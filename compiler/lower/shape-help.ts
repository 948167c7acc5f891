import type { Shape } from '../ir/shape.js';

/** One side of `a + b` (or `-`, `*`): its source text and its shape. */
export interface Operand {
  readonly text: string;
  readonly shape: Shape;
}

/** The op that projects a tensor of this rank to other channels (channels last). */
const PROJECTION: Record<number, string> = { 1: 'dense', 2: 'conv1d', 3: 'conv2d' };

/**
 * The stride that takes `from`'s spatial dims (all but the last) to `to`'s, 1 when they agree;
 * undefined when no single integer stride does it or a dim is unknown (`?`).
 */
function strideBetween(from: Shape, to: Shape): number | undefined {
  let stride: number | undefined;
  for (let k = 0; k < from.length - 1; k++) {
    const [f, t] = [from[k], to[k]];
    // The same symbolic dim (`T`) on both sides: stride 1 along it.
    const s =
      f === t && f !== null
        ? 1
        : typeof f === 'number' && typeof t === 'number' && t > 0 && f % t === 0
          ? f / t
          : undefined;
    if (s === undefined || (stride !== undefined && stride !== s)) return undefined;
    stride = s;
  }
  return stride ?? 1;
}

const simple = (text: string): boolean => /^[A-Za-z_][A-Za-z0-9_.]*$/.test(text);

/**
 * The fix for an elementwise operation between tensors of different shapes, as a residual
 * needs it: project one operand onto the other's shape, with a 1x1 convolution (strided where
 * the other is smaller by an integer factor) or, for vectors, a dense layer. The projected
 * side is the one that can be (the larger spatially); of two that can, the shortcut: a bare
 * name, else the right-hand side. Undefined when no projection gives the other's shape.
 */
export function projectionHelp(op: string, left: Operand, right: Operand): string | undefined {
  const rank = left.shape.length;
  const projection = PROJECTION[rank];
  if (!projection || right.shape.length !== rank) return undefined;
  const plan = (from: Operand, to: Operand) => {
    const channels = to.shape[rank - 1];
    const stride = strideBetween(from.shape, to.shape);
    if (typeof channels !== 'number' || stride === undefined) return undefined;
    return { from, channels, stride };
  };
  const ofRight = plan(right, left);
  const ofLeft = plan(left, right);
  const chosen = ofRight && ofLeft && simple(left.text) && !simple(right.text) ? ofLeft : ofRight;
  const p = chosen ?? ofLeft;
  if (!p) return undefined;
  const args = `${p.channels}${projection === 'dense' ? '' : ', 1'}${p.stride > 1 ? `, stride: ${p.stride}` : ''}`;
  const call = `${projection}(${args})`;
  const what =
    projection === 'dense'
      ? `a dense layer to ${p.channels} features`
      : `a ${p.stride > 1 ? `stride-${p.stride} ` : ''}1x1 convolution to ${p.channels} channels`;
  const short = [left.text, right.text].every((t) => t.length <= 40 && !t.includes('\n'));
  if (!short) return `project operand ${p.from === left ? 1 : 2} with ${what}: |> ${call}`;
  const wrap = (t: string) => (simple(t) ? t : `(${t})`);
  // A pipe chain takes one more stage as written: `(h |> dense(2) |> dense(6))`.
  const chain = /^[A-Za-z_][A-Za-z0-9_.]*\s*\|>/.test(p.from.text);
  const projected = `(${chain ? p.from.text : wrap(p.from.text)} |> ${call})`;
  const fixed =
    p.from === left
      ? `${projected} ${op} ${wrap(right.text)}`
      : `${wrap(left.text)} ${op} ${projected}`;
  return `project ${p.from.text} with ${what}: ${fixed}`;
}
