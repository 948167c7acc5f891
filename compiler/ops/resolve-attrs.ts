import type { DiagnosticCode } from '../diagnostics/codes.js';
import { formatValue, typeName, type Value } from '../value.js';
import { suggest } from '../util/did-you-mean.js';
import type { AttrValue, Attrs, OpDef, ParamSpec } from './op.js';

export interface AttrError {
  /** The argument to point at. */
  readonly param: string;
  readonly message: string;
  /** E1003 unknown argument, E1004 missing required argument, E2001 wrong type. */
  readonly code: DiagnosticCode;
  /** The value already failed (poison): report nothing, the first error was enough. */
  readonly silent?: boolean;
}

export type ResolvedAttrs = { readonly attrs: Attrs } | { readonly error: AttrError };

const didYouMean = (s: string | undefined, show = (x: string) => `'${x}'`) =>
  s === undefined ? '' : `; did you mean ${show(s)}?`;

/** `float 2.5`, `list [1, 2]`, `none`, `tensor [56, 56, 256]`. */
function describe(v: Value): string {
  const type = typeName(v);
  const text = formatValue(v);
  return v.kind === 'tensor' || v.kind === 'dim' || type === text ? type : `${type} ${text}`;
}

function convert(op: OpDef, p: ParamSpec, v: Value): AttrValue | AttrError {
  if (v.kind === 'poison') return { param: p.name, message: '', code: 'E2001', silent: true };
  const out = p.type.convert(v);
  if (out !== undefined) return out;
  const hint =
    v.kind === 'string' && p.type.choices
      ? didYouMean(suggest(v.value, p.type.choices), JSON.stringify)
      : p.typeHint
        ? `; ${p.typeHint}`
        : '';
  return {
    param: p.name,
    message: `wrong type for '${p.name}' of ${op.name}: expected ${p.type.label}, found ${describe(v)}${hint}`,
    code: 'E2001',
  };
}

const isError = (x: AttrValue | AttrError): x is AttrError =>
  x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * Checks and converts the named arguments of an op call, filling defaults in parameter order:
 * what the lowering stores on an IR node. Reports the first problem: an unknown argument, a
 * value of the wrong type, or a missing required one. Values are not range-checked here; the
 * op's shape rule does that.
 */
export function resolveAttrs(op: OpDef, given: Readonly<Record<string, Value>>): ResolvedAttrs {
  const names = op.params.map((p) => p.name);
  const unknown = Object.keys(given).find((k) => !names.includes(k));
  if (unknown !== undefined) {
    const message = `${op.name} has no argument '${unknown}'${didYouMean(suggest(unknown, names))}`;
    return { error: { param: unknown, message, code: 'E1003' } };
  }
  const attrs: Record<string, AttrValue> = {};
  for (const p of op.params) {
    if (Object.hasOwn(given, p.name)) {
      const v = convert(op, p, given[p.name]);
      if (isError(v)) return { error: v };
      attrs[p.name] = v;
    } else if (p.default !== undefined) {
      attrs[p.name] = p.default;
    } else {
      const message = `${op.name} is missing its required argument '${p.name}'`;
      return { error: { param: p.name, message, code: 'E1004' } };
    }
  }
  return { attrs };
}
