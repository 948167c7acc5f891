import { expect } from 'vitest';
import type { Shape } from '../../../compiler/ir/shape.js';
import type { Value } from '../../../compiler/value.js';
import { OpError, type Attrs, type OpDef, type WeightSpec } from '../../../compiler/ops/op.js';
import { resolveAttrs } from '../../../compiler/ops/resolve-attrs.js';

/** A float that JS would otherwise read as an int, e.g. `f(1)` for the language's `1.0`. */
export const f = (value: number): Value => ({ kind: 'float', value });

export type Arg = number | boolean | string | null | Value | Arg[];

/** A plain JS value as a language value: integers are ints, other numbers floats, null none. */
export function toValue(x: Arg): Value {
  if (x === null) return { kind: 'none' };
  if (Array.isArray(x)) return { kind: 'list', items: x.map(toValue) };
  if (typeof x === 'number') return { kind: Number.isInteger(x) ? 'int' : 'float', value: x };
  if (typeof x === 'boolean') return { kind: 'bool', value: x };
  if (typeof x === 'string') return { kind: 'string', value: x };
  return x;
}

/** Converts and defaults the arguments as the lowering does; throws on an argument error. */
export function attrsOf(op: OpDef, args: Record<string, Arg> = {}): Attrs {
  const given = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, toValue(v)]));
  const r = resolveAttrs(op, given);
  if ('error' in r) throw new Error(`test setup: ${r.error.message}`);
  return r.attrs;
}

export interface Applied {
  shape: Shape;
  weights: WeightSpec[];
  params: number;
  trainable: number;
  macs: number | null;
}

const size = (w: WeightSpec): number => w.shape.reduce((p, d) => p * d, 1);

/** An exact MAC count as a number, for the hand-computed cases (all below 2^53). */
function safeNumber(n: bigint | null): number | null {
  if (n === null) return null;
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${n} MACs: compare it as a bigint`);
  return Number(n);
}

/** Runs every rule of `op` on `inputs`, as the compiler would. */
export function apply(op: OpDef, inputs: Shape[], args: Record<string, Arg> = {}): Applied {
  const attrs = attrsOf(op, args);
  const shape = op.shape(inputs, attrs);
  const weights = op.weights(inputs, attrs);
  return {
    shape,
    weights,
    params: weights.reduce((n, w) => n + size(w), 0),
    trainable: weights.filter((w) => w.trainable).reduce((n, w) => n + size(w), 0),
    macs: safeNumber(op.macs(inputs, attrs, shape)),
  };
}

/** `[name, shape, trainable]` of the weights, in creation order. */
export const weightShapes = (w: WeightSpec[]): [string, readonly number[], boolean][] =>
  w.map((x) => [x.name, x.shape, x.trainable]);

/** The OpError thrown by `fn` (failing the test when none is). */
export function opError(fn: () => unknown): OpError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(OpError);
    return e as OpError;
  }
  throw new Error('expected an OpError, but nothing was thrown');
}
