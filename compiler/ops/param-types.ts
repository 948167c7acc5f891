import type { Value } from '../value.js';
import type { AttrValue } from './op.js';

/**
 * The type of an op parameter: a label for docs and errors, and a conversion from a language
 * value to an IR attribute that returns undefined when the value has the wrong type.
 */
export interface ParamType<T extends AttrValue = AttrValue> {
  readonly label: string;
  /** The accepted strings of an enum type, for did-you-mean suggestions. */
  readonly choices?: readonly string[];
  convert(v: Value): T | undefined;
}

/** `"same"`, `"valid"`, or explicit `[before, after]` zeros per spatial axis. */
export type Padding = 'same' | 'valid' | [number, number][];

const isInt = (v: Value): v is { kind: 'int'; value: number } => v.kind === 'int';

export const intType: ParamType<number> = {
  label: 'int',
  convert: (v) => (isInt(v) ? v.value : undefined),
};

export const floatType: ParamType<number> = {
  label: 'float',
  convert: (v) => (v.kind === 'int' || v.kind === 'float' ? v.value : undefined),
};

export const boolType: ParamType<boolean> = {
  label: 'bool',
  convert: (v) => (v.kind === 'bool' ? v.value : undefined),
};

export function enumType<const C extends readonly string[]>(choices: C): ParamType<C[number]> {
  const is = (s: string): s is C[number] => choices.includes(s);
  return {
    label: choices.map((c) => JSON.stringify(c)).join(' | '),
    choices,
    convert: (v) => (v.kind === 'string' && is(v.value) ? v.value : undefined),
  };
}

/** A list of ints of a given length range. */
export function intListType(minLength = 1, maxLength = Infinity): ParamType<number[]> {
  return {
    label: '[int, ...]',
    convert(v) {
      if (v.kind !== 'list' || v.items.length < minLength || v.items.length > maxLength)
        return undefined;
      return v.items.every(isInt) ? v.items.map((i) => (i as { value: number }).value) : undefined;
    },
  };
}

/** An int, or a list of `n` ints (one per spatial axis); always stored as a list of `n`. */
export function intOrTupleType(n: number): ParamType<number[]> {
  return {
    label: n === 1 ? 'int' : `int or [${Array(n).fill('int').join(', ')}]`,
    convert(v) {
      if (isInt(v)) return Array(n).fill(v.value);
      if (v.kind === 'list' && v.items.length === n && v.items.every(isInt)) {
        return v.items.map((i) => (i as { value: number }).value);
      }
      return undefined;
    },
  };
}

/**
 * Padding for `n` spatial axes: `"same"`, `"valid"`, an int (both sides of every axis), a list
 * of `n` ints (both sides per axis), or a list of `n` `[before, after]` pairs. Numbers are stored
 * as a list of `n` pairs.
 */
export function paddingType(n: number): ParamType<Padding>;
export function paddingType(n: number, modes: false): ParamType<[number, number][]>;
export function paddingType(n: number, modes = true): ParamType<Padding> {
  const pairs = intPairsType(n);
  return {
    choices: modes ? ['same', 'valid'] : undefined,
    label: `${modes ? '"same" | "valid" | ' : ''}${n === 1 ? 'int | [before, after]' : `int | [int x ${n}] | [[before, after] x ${n}]`}`,
    convert(v) {
      if (modes && v.kind === 'string' && (v.value === 'same' || v.value === 'valid'))
        return v.value;
      return pairs.convert(v);
    },
  };
}

function intPairsType(n: number): ParamType<[number, number][]> {
  return {
    label: 'padding',
    convert(v) {
      if (isInt(v)) return Array.from({ length: n }, (): [number, number] => [v.value, v.value]);
      if (v.kind !== 'list' || v.items.length !== n) {
        // A single [before, after] pair is accepted for one axis.
        if (n === 1 && v.kind === 'list' && v.items.length === 2 && v.items.every(isInt)) {
          const [before, after] = v.items.map((i) => (i as { value: number }).value);
          return [[before, after]];
        }
        return undefined;
      }
      const out: [number, number][] = [];
      for (const item of v.items) {
        if (isInt(item)) out.push([item.value, item.value]);
        else if (item.kind === 'list' && item.items.length === 2 && item.items.every(isInt)) {
          const [before, after] = item.items.map((i) => (i as { value: number }).value);
          out.push([before, after]);
        } else return undefined;
      }
      return out;
    },
  };
}

/** Like `intOrTupleType`, or `none` (stored as null) for "derive it from another argument". */
export function optionalIntOrTupleType(n: number): ParamType<number[] | null> {
  const base = intOrTupleType(n);
  return {
    label: `${base.label} or none`,
    convert: (v) => (v.kind === 'none' ? null : base.convert(v)),
  };
}

function dimOf(v: Value): number | string | null | undefined {
  if (v.kind === 'int' || v.kind === 'string') return v.value;
  if (v.kind === 'none') return null;
  if (v.kind === 'dim') return v.name;
  return undefined;
}

/** A shape: a list of dims, each an int, a symbolic name (string or dim) or none (unknown). */
export const dimListType: ParamType<(number | string | null)[]> = {
  label: '[int | string | none, ...]',
  convert(v) {
    if (v.kind !== 'list') return undefined;
    const dims = v.items.map(dimOf);
    return dims.some((d) => d === undefined) ? undefined : (dims as (number | string | null)[]);
  },
};

/** Any string (an einsum equation); the op checks its content. */
export const stringType: ParamType<string> = {
  label: 'string',
  convert: (v) => (v.kind === 'string' ? v.value : undefined),
};

/** A float, or a list of floats (one per channel); always stored as a list (`[v]` for one). */
export const floatOrListType: ParamType<number[]> = {
  label: 'float or [float, ...]',
  convert(v) {
    if (v.kind === 'int' || v.kind === 'float') return [v.value];
    if (v.kind !== 'list' || v.items.length === 0) return undefined;
    const out: number[] = [];
    for (const i of v.items) {
      if (i.kind !== 'int' && i.kind !== 'float') return undefined;
      out.push(i.value);
    }
    return out;
  },
};
