import type { DiagnosticCode } from '../diagnostics/codes.js';
import type { Limits } from './limits.js';
import { float, formatValue, int, list, str, typeName, type Value } from '../value.js';

/** A builtin rejected its arguments; `arg` is the index of the argument to point at. */
export class BuiltinError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly arg?: number,
  ) {
    super(message);
  }
}

type Builtin = (args: readonly Value[], limits: Limits) => Value;

function expectInt(args: readonly Value[], i: number, fn: string): number {
  const v = args[i];
  if (v.kind !== 'int')
    throw new BuiltinError('E2001', `${fn}() expects int arguments, found ${typeName(v)}`, i);
  return v.value;
}

function expectList(args: readonly Value[], i: number, fn: string): readonly Value[] {
  const v = args[i];
  if (v.kind !== 'list')
    throw new BuiltinError('E2001', `${fn}() expects a list, found ${typeName(v)}`, i);
  return v.items;
}

function arity(args: readonly Value[], min: number, max: number, fn: string): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new BuiltinError(
      'E1005',
      `${fn}() takes ${want} argument${max === 1 ? '' : 's'}, found ${args.length}`,
    );
  }
}

function range(args: readonly Value[], limits: Limits): Value {
  arity(args, 1, 3, 'range');
  const nums = args.map((_, i) => expectInt(args, i, 'range'));
  const [start, stop, step] =
    nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new BuiltinError('E2002', 'range() step must not be zero', 2);
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > limits.loopIterations) {
    throw new BuiltinError(
      'E4002',
      `range() of ${count.toLocaleString('en-US')} elements exceeds the limit of ${limits.loopIterations.toLocaleString('en-US')} loop iterations`,
    );
  }
  return list(Array.from({ length: count }, (_, i) => int(start + i * step)));
}

function tensorArg(args: readonly Value[], fn: string): Extract<Value, { kind: 'tensor' }> {
  arity(args, 1, 1, fn);
  const t = args[0];
  if (t.kind !== 'tensor')
    throw new BuiltinError('E2001', `${fn}() expects a tensor, found ${typeName(t)}`, 0);
  return t;
}

const dimValue = (d: number | string | null): Value =>
  typeof d === 'number' ? int(d) : { kind: 'dim', name: d };

function numbers(args: readonly Value[], fn: string): Value[] {
  const first = args[0];
  const one = args.length === 1 && first.kind === 'list';
  const items = first?.kind === 'list' && one ? [...first.items] : [...args];
  if (items.length === 0) throw new BuiltinError('E2002', `${fn}() of an empty sequence`);
  items.forEach((v, i) => {
    if (v.kind !== 'int' && v.kind !== 'float')
      throw new BuiltinError('E2001', `${fn}() expects numbers, found ${typeName(v)}`, one ? 0 : i);
  });
  return items;
}

function extreme(fn: 'min' | 'max'): Builtin {
  return (args) => {
    const items = numbers(args, fn) as { kind: 'int' | 'float'; value: number }[];
    return items.reduce((best, v) =>
      (fn === 'min' ? v.value < best.value : v.value > best.value) ? v : best,
    );
  };
}

/** The one number argument of `fn`; a list, a tensor or a second argument is an error. */
function oneNumber(args: readonly Value[], fn: string): { kind: 'int' | 'float'; value: number } {
  arity(args, 1, 1, fn);
  const v = args[0];
  if (v.kind !== 'int' && v.kind !== 'float')
    throw new BuiltinError('E2001', `${fn}() expects a number, found ${typeName(v)}`, 0);
  return v;
}

/** Python's `round`: to the nearest integer, halves to the even one (`round(2.5)` is 2). */
function roundHalfEven(x: number): number {
  const r = Math.round(x); // halves up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `ceil`, `floor`, `round`: an int, exactly (an int argument comes back unchanged). */
function rounding(fn: string, f: (x: number) => number): Builtin {
  return (args) => {
    const v = oneNumber(args, fn);
    if (v.kind === 'int') return v;
    const n = f(v.value) || 0; // no -0
    if (!Number.isSafeInteger(n)) {
      throw new BuiltinError(
        'E2005',
        `${fn}() of ${formatValue(v)} is not an integer of at most ${Number.MAX_SAFE_INTEGER}`,
        0,
      );
    }
    return int(n);
  };
}

export const builtins: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  ['range', range],
  [
    'enumerate',
    (args) => {
      arity(args, 1, 1, 'enumerate');
      return list(expectList(args, 0, 'enumerate').map((v, i) => list([int(i), v])));
    },
  ],
  [
    'zip',
    (args) => {
      arity(args, 1, Infinity, 'zip');
      const lists = args.map((_, i) => expectList(args, i, 'zip'));
      const n = lists.reduce((m, l) => Math.min(m, l.length), Infinity);
      return list(Array.from({ length: n }, (_, i) => list(lists.map((l) => l[i]))));
    },
  ],
  [
    'len',
    (args) => {
      arity(args, 1, 1, 'len');
      const v = args[0];
      if (v.kind === 'string') return int(v.value.length);
      return int(expectList(args, 0, 'len').length);
    },
  ],
  ['min', extreme('min')],
  ['max', extreme('max')],
  [
    'abs',
    (args) => {
      const v = oneNumber(args, 'abs');
      return { kind: v.kind, value: Math.abs(v.value) };
    },
  ],
  ['ceil', rounding('ceil', Math.ceil)],
  ['floor', rounding('floor', Math.floor)],
  ['round', rounding('round', roundHalfEven)],
  [
    'str',
    (args, limits) => {
      arity(args, 1, 1, 'str');
      const v = args[0];
      if (v.kind === 'string') return v;
      // Bounded: a list can share sublists, so that its text is exponentially long.
      const text = formatValue(v, limits.steps);
      if (text.length > limits.steps) {
        throw new BuiltinError(
          'E4002',
          `str() of a list longer than ${limits.steps.toLocaleString('en-US')} characters (limit: steps)`,
          0,
        );
      }
      return str(text);
    },
  ],
  [
    'int',
    (args) => {
      arity(args, 1, 1, 'int');
      const v = args[0];
      if (v.kind === 'int' || v.kind === 'float') {
        const n = Math.trunc(v.value);
        if (!Number.isSafeInteger(n)) {
          throw new BuiltinError(
            'E2005',
            `int() of ${formatValue(v)} is not an integer of at most ${Number.MAX_SAFE_INTEGER}`,
            0,
          );
        }
        return int(n);
      }
      if (v.kind === 'bool') return int(v.value ? 1 : 0);
      throw new BuiltinError('E2001', `int() expects a number, found ${typeName(v)}`, 0);
    },
  ],
  [
    'float',
    (args) => {
      arity(args, 1, 1, 'float');
      const v = args[0];
      if (v.kind === 'int' || v.kind === 'float') return float(v.value);
      throw new BuiltinError('E2001', `float() expects a number, found ${typeName(v)}`, 0);
    },
  ],
  ['shape', (args) => list(tensorArg(args, 'shape').shape.map(dimValue))],
  [
    'channels',
    (args) => {
      const t = tensorArg(args, 'channels');
      return dimValue(t.shape.length === 0 ? null : t.shape[t.shape.length - 1]);
    },
  ],
  ['rank', (args) => int(tensorArg(args, 'rank').shape.length)],
]);
