import type { BinaryOperator } from '../../grammar/ast.js';
import { bool, float, formatValue, int, list, str, typeName, type Value } from '../value.js';

/** A failure of a scalar operation; the evaluator adds the location. */
export class ArithmeticError extends Error {
  constructor(
    readonly code: 'E2001' | 'E2003' | 'E2005' | 'E4002',
    message: string,
  ) {
    super(message);
  }
}

type Num = { kind: 'int' | 'float'; value: number };
const isNum = (v: Value): v is Num => v.kind === 'int' || v.kind === 'float';

/** Every number the language computes is finite, and every int a safe integer. */
function checked(n: number, both: boolean, op: string): Value {
  if (!both) {
    if (!Number.isFinite(n)) {
      throw new ArithmeticError(
        'E2005',
        `float overflow: the result of '${op}' is not a finite number`,
      );
    }
    return float(n);
  }
  if (!Number.isSafeInteger(n)) {
    throw new ArithmeticError(
      'E2005',
      `integer overflow: the result of '${op}' exceeds ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  return int(n);
}

function divisor(b: Num, op: string, a: Num): number {
  if (b.value === 0)
    throw new ArithmeticError(
      'E2003',
      `division by zero in ${formatValue(a)} ${op} ${formatValue(b)}`,
    );
  return b.value;
}

function numeric(op: BinaryOperator, a: Num, b: Num): Value {
  const ints = a.kind === 'int' && b.kind === 'int';
  switch (op) {
    case '+':
      return checked(a.value + b.value, ints, op);
    case '-':
      return checked(a.value - b.value, ints, op);
    case '*':
      return checked(a.value * b.value, ints, op);
    case '/':
      return checked(a.value / divisor(b, op, a), false, op);
    case '//':
      return checked(Math.floor(a.value / divisor(b, op, a)), ints, op);
    case '%': {
      const d = divisor(b, op, a);
      return checked(a.value - d * Math.floor(a.value / d), ints, op);
    }
    case '**': {
      if (a.value === 0 && b.value < 0) divisor({ kind: 'int', value: 0 }, op, a);
      const r = a.value ** b.value;
      if (ints && b.value < 0) return checked(r, false, op);
      if (Number.isNaN(r))
        throw new ArithmeticError(
          'E2001',
          `${formatValue(a)} ** ${formatValue(b)} is not a real number`,
        );
      return checked(r, ints, op);
    }
    default:
      return compare(op, a.value, b.value);
  }
}

function compare(op: BinaryOperator, a: number | string, b: number | string): Value {
  switch (op) {
    case '<':
      return bool(a < b);
    case '<=':
      return bool(a <= b);
    case '>':
      return bool(a > b);
    case '>=':
      return bool(a >= b);
    default:
      throw new ArithmeticError('E2001', `operator '${op}' is not defined here`);
  }
}

/**
 * Structural equality. Lists are compared with a loop (they can be nested 100,000 deep) and at
 * most `budget` items are visited (lists that share sublists can be exponentially large);
 * `charge` is told how many, so that the evaluator can count them as steps.
 */
export function valuesEqual(
  a: Value,
  b: Value,
  budget = 2_000_000,
  charge?: (items: number) => void,
): boolean {
  const pending: [Value, Value][] = [[a, b]];
  let visited = 0;
  while (pending.length > 0) {
    const [x, y] = pending.pop()!;
    if (x === y && x.kind === 'list') continue; // like Python: a list equals itself
    if (isNum(x) && isNum(y)) {
      if (x.value !== y.value) return false;
      continue;
    }
    if (x.kind !== y.kind) return false;
    switch (x.kind) {
      case 'list': {
        const items = (y as typeof x).items;
        if (x.items.length !== items.length) return false;
        visited += items.length;
        charge?.(items.length);
        if (visited > budget) {
          throw new ArithmeticError(
            'E4002',
            `comparing these lists visits more than ${budget.toLocaleString('en-US')} items (limit: steps)`,
          );
        }
        for (let i = items.length - 1; i >= 0; i--) pending.push([x.items[i], items[i]]);
        break;
      }
      case 'tensor':
        if (x.node !== (y as typeof x).node) return false;
        break;
      case 'dim':
        // Two unknown dims may differ; two uses of one symbolic name are the same size.
        if (x.name === null || x.name !== (y as typeof x).name) return false;
        break;
      case 'none':
      case 'poison':
        break;
      default:
        if ((x as { value: unknown }).value !== (y as { value: unknown }).value) return false;
    }
  }
  return true;
}

/** Scalar binary operators (everything except `and`/`or`, which short-circuit, and tensors). */
export function binaryScalar(
  op: BinaryOperator,
  a: Value,
  b: Value,
  charge?: (items: number) => void,
): Value {
  if (op === '==') return bool(valuesEqual(a, b, undefined, charge));
  if (op === '!=') return bool(!valuesEqual(a, b, undefined, charge));
  if (isNum(a) && isNum(b)) return numeric(op, a, b);
  if (a.kind === 'string' && b.kind === 'string') {
    if (op === '+') return str(a.value + b.value);
    if (op !== '-' && op !== '*' && op !== '/' && op !== '//' && op !== '%' && op !== '**')
      return compare(op, a.value, b.value);
  }
  if (a.kind === 'list' && b.kind === 'list' && op === '+') return list([...a.items, ...b.items]);
  const hint =
    a.kind === 'dim' || b.kind === 'dim' ? ' (the dimension is not known at compile time)' : '';
  throw new ArithmeticError(
    'E2001',
    `operator '${op}' is not defined for ${typeName(a)} and ${typeName(b)}${hint}`,
  );
}
