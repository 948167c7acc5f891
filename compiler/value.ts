import type { Shape } from './ir/shape.js';

/** A value during lowering: the language is evaluated at compile time, tensors become IR nodes. */
export type Value =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'list'; readonly items: readonly Value[] }
  | { readonly kind: 'tensor'; readonly node: number; readonly shape: Shape }
  /** A symbolic (`T`) or unknown (`?`) dimension returned by a shape query. */
  | { readonly kind: 'dim'; readonly name: string | null }
  /** The result of an expression that already failed; it silences follow-on errors. */
  | { readonly kind: 'poison' };

export type ValueKind = Value['kind'];

export const NONE: Value = { kind: 'none' };
export const POISON: Value = { kind: 'poison' };

export const int = (value: number): Value => ({ kind: 'int', value });
export const float = (value: number): Value => ({ kind: 'float', value });
export const bool = (value: boolean): Value => ({ kind: 'bool', value });
export const str = (value: string): Value => ({ kind: 'string', value });
export const list = (items: readonly Value[]): Value => ({ kind: 'list', items });

/** The name users see in type errors: `int`, `tensor [56, 56, 256]`, `list`. */
export function typeName(v: Value): string {
  switch (v.kind) {
    case 'tensor':
      return `tensor [${v.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
    case 'dim':
      return v.name === null ? 'unknown dimension' : `symbolic dimension ${v.name}`;
    default:
      return v.kind;
  }
}

/**
 * Source-like rendering for messages: `256`, `"same"`, `[1, 2]`, `true`. Lists are walked with
 * a loop, and rendering stops after `max` characters (ending in `…`): a list built in a loop
 * can be nested 100,000 deep, or share sublists so that its full text is exponentially long.
 */
export function formatValue(v: Value, max = 1000): string {
  if (v.kind !== 'list') {
    const s = formatScalar(v);
    return s.length > max ? `${s.slice(0, max)}…` : s;
  }
  let out = '[';
  const open: { items: readonly Value[]; next: number }[] = [{ items: v.items, next: 0 }];
  while (open.length > 0) {
    if (out.length > max) return `${out.slice(0, max)}…`;
    const top = open[open.length - 1];
    if (top.next === top.items.length) {
      out += ']';
      open.pop();
      continue;
    }
    if (top.next > 0) out += ', ';
    const item = top.items[top.next++];
    if (item.kind === 'list') {
      out += '[';
      open.push({ items: item.items, next: 0 });
    } else out += formatScalar(item);
  }
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

function formatScalar(v: Exclude<Value, { kind: 'list' }>): string {
  switch (v.kind) {
    case 'int':
      return String(v.value);
    case 'float':
      return Number.isInteger(v.value) ? v.value.toFixed(1) : String(v.value);
    case 'bool':
      return String(v.value);
    case 'string':
      return JSON.stringify(v.value);
    case 'none':
      return 'none';
    case 'tensor':
      return typeName(v);
    case 'dim':
      return v.name ?? '?';
    case 'poison':
      return '<error>';
  }
}
