import type { Dim, Shape } from '../ir/shape.js';
import { formatShape } from '../ir/shape.js';
import { OpError, type Attrs } from './op.js';

/** An attribute as messages show it: `[3, 0]`, `"same"`, `0.5`. */
export function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.map(show).join(', ')}]` : JSON.stringify(v);
}

/** Require `value > 0` (NaN fails too) for a number or each number of a list, Keras-style. */
export function positive<A>(a: A, k: keyof A & string): number {
  const v = (a as Attrs)[k];
  const list = Array.isArray(v) ? (v as number[]) : [v as number];
  if (list.some((x) => !(x > 0))) {
    throw new OpError(
      `invalid value for '${k}': expected a strictly positive value, found ${show(v)}`,
      'E2002',
      k,
    );
  }
  return list[0];
}

/** Check the input rank; `what` names the expected layout, e.g. `[length, channels]`. */
export function expectRank(shape: Shape, rank: number, what: string, op: string): void {
  if (shape.length !== rank) {
    throw new OpError(
      `${op} expects an input of rank ${rank} ${what}, found ${formatShape(shape)} (rank ${shape.length})`,
      'E3004',
    );
  }
}

/** The last (channel) dimension, which weight shapes need to be known. */
export function knownChannels(shape: Shape, op: string): number {
  const c = shape[shape.length - 1];
  if (typeof c !== 'number') {
    throw new OpError(
      `${op} needs a known channel count, but the input is ${formatShape(shape)}`,
      'E3004',
    );
  }
  return c;
}

/** The exact product of the dims (a bigint), or null when any is not a known number. */
export function exactProduct(dims: readonly Dim[]): bigint | null {
  let n = 1n;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    n *= BigInt(d);
  }
  return n;
}

export function product(dims: readonly Dim[]): number | null {
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

/** An `E2002` invalid-argument error in the house style. */
export function invalid(k: string, expected: string, found: unknown): OpError {
  return new OpError(
    `invalid value for '${k}': expected ${expected}, found ${show(found)}`,
    'E2002',
    k,
  );
}

/**
 * The axis named by attribute `k`, over the non-batch dims of a rank-`rank` input: 0 is the first,
 * negative values count from the end. Returns it as a non-negative index.
 */
export function axisIndex<A>(a: A, k: keyof A & string, rank: number): number {
  const axis = (a as Attrs)[k] as number;
  if (rank === 0) {
    throw new OpError(`the input has rank 0, so there is no axis ${axis} to use`, 'E3004', k);
  }
  if (axis < -rank || axis >= rank) {
    throw invalid(k, `an axis in [${-rank}, ${rank - 1}] for an input of rank ${rank}`, axis);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Require a rank of at least `min`. */
export function expectMinRank(shape: Shape, min: number, op: string): void {
  if (shape.length < min) {
    throw new OpError(
      `${op} expects an input of rank ${min} or more, found ${formatShape(shape)} (rank ${shape.length})`,
      'E3004',
    );
  }
}

/**
 * True when both shapes are fully known and equal: an op that keeps the row-major order
 * (reshape, flatten, channel padding) then moves nothing.
 */
export function sameKnownShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => typeof d === 'number' && d === b[i]);
}
