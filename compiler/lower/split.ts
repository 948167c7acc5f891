import type * as A from '../../grammar/ast.js';
import { formatShape } from '../ir/shape.js';
import { int, typeName, type Value } from '../value.js';
import type { Arg, Args } from './args.js';
import { LowerError } from './lower-error.js';

/** The functions that cut a tensor into a list of `slice` layers (issue 13). */
export const splitFunctions: ReadonlySet<string> = new Set(['split', 'chunk']);

/**
 * `split(x, sizes, axis: -1)` and `chunk(x, n, axis: -1)`: the parts of `x` along `axis`, which
 * the caller emits as consecutive `slice` layers, for destructuring (`q, k, v = chunk(x, 3)`). `split` takes one
 * size (every part has it, the last one the rest, as torch.split) or every part's size (they
 * add up to the axis); `chunk` takes a count of equal parts, which must divide the axis.
 */
/** The tensor, the axis and each part's `[start, stop)`, for the caller to emit as slices. */
export interface SplitPlan {
  readonly tensor: Extract<Value, { kind: 'tensor' }>;
  readonly axis: number;
  readonly parts: readonly (readonly [number, number])[];
}

export function splitPlan(call: A.CallExpression, args: Args): SplitPlan | 'poison' {
  const fn = call.callee.name;
  const what = fn === 'chunk' ? 'a count of parts' : 'a size or a list of sizes';
  const [x, n, extra] = args.positional;
  if (extra)
    throw new LowerError('E1005', `${fn} takes a tensor and ${what}, then axis:`, extra.loc);
  for (const [k, a] of args.named) {
    if (k !== 'axis') {
      throw new LowerError('E1003', `${fn} has no argument '${k}'`, a.name?.loc ?? a.loc, [
        { message: `${fn}(x, ${fn === 'chunk' ? 'n' : 'sizes'}, axis: -1) takes only axis` },
      ]);
    }
  }
  if (!x || (x.value.kind !== 'tensor' && x.value.kind !== 'poison')) {
    const found = x ? `, found ${typeName(x.value)}` : '';
    throw new LowerError('E1004', `${fn} needs an input tensor${found}`, x?.loc ?? call.loc, [
      { message: `write it as x |> ${fn}(...) or ${fn}(x, ...)` },
    ]);
  }
  if (!n) throw new LowerError('E1004', `${fn} needs ${what} after its tensor`, call.loc);
  const axisArg = args.named.get('axis');
  if ([x, n, axisArg].some((a) => a?.value.kind === 'poison')) return 'poison';
  const t = x.value as Extract<Value, { kind: 'tensor' }>;
  const axis = axisOf(fn, t.shape, axisArg, call.loc);
  const size = t.shape[axis];
  if (typeof size !== 'number') {
    throw new LowerError(
      'E3004',
      `${fn}: axis ${axis} of ${formatShape(t.shape)} has no size known at compile time`,
      axisArg?.loc ?? x.loc,
    );
  }
  const sizes = fn === 'chunk' ? chunkSizes(n, size, axis) : splitSizes(n, size, axis);
  const parts: [number, number][] = [];
  let start = 0;
  for (const s of sizes) {
    parts.push([start, start + s]);
    start += s;
  }
  return { tensor: t, axis, parts };
}

function axisOf(fn: string, shape: readonly unknown[], arg: Arg | undefined, loc: A.Loc): number {
  const rank = shape.length;
  const v = arg?.value ?? int(-1);
  if (v.kind !== 'int') {
    throw new LowerError('E2001', `${fn}: axis must be an int, found ${typeName(v)}`, arg!.loc);
  }
  if (rank === 0 || v.value < -rank || v.value >= rank) {
    throw new LowerError(
      'E2002',
      `invalid value for 'axis': expected an axis in [${-rank}, ${rank - 1}] for an input of rank ${rank}, found ${v.value}`,
      arg?.loc ?? loc,
    );
  }
  return v.value < 0 ? v.value + rank : v.value;
}

function chunkSizes(n: Arg, size: number, axis: number): number[] {
  const v = n.value;
  if (v.kind !== 'int') {
    throw new LowerError(
      'E2001',
      `chunk: the count of parts must be an int, found ${typeName(v)}`,
      n.loc,
    );
  }
  if (v.value < 1 || size % v.value !== 0) {
    throw new LowerError(
      'E2002',
      `chunk: ${v.value} equal parts do not divide axis ${axis} of size ${size}`,
      n.loc,
      [{ message: 'split(x, [a, b, ...]) takes parts of different sizes' }],
    );
  }
  return Array<number>(v.value).fill(size / v.value);
}

function splitSizes(n: Arg, size: number, axis: number): number[] {
  const v = n.value;
  if (v.kind === 'int') {
    if (v.value < 1) {
      throw new LowerError(
        'E2002',
        `split: the part size must be 1 or more, found ${v.value}`,
        n.loc,
      );
    }
    const count = Math.ceil(size / v.value);
    return Array.from({ length: count }, (_, i) => Math.min(v.value, size - i * v.value));
  }
  if (v.kind !== 'list' || v.items.length === 0 || v.items.some((i) => i.kind !== 'int')) {
    throw new LowerError(
      'E2001',
      `split: expected a part size or a list of sizes (ints), found ${typeName(v)}`,
      n.loc,
    );
  }
  const sizes = v.items.map((i) => (i as { value: number }).value);
  const total = sizes.reduce((p, q) => p + q, 0);
  if (sizes.some((s) => s < 1) || total !== size) {
    throw new LowerError(
      'E2002',
      `split: the sizes [${sizes.join(', ')}] must be 1 or more and add up to ${size}, the size of axis ${axis}, found ${sizes.some((s) => s < 1) ? 'a size below 1' : `a total of ${total}`}`,
      n.loc,
    );
  }
  return sizes;
}
