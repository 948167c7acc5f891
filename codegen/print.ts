/**
 * The only ways text from a `.net` source reaches a generated module: string literals
 * (`JSON.stringify`, which escapes quotes, backslashes, control characters and lone
 * surrogates; U+2028 / U+2029 escaped as well), sanitised identifiers, and `//` comments with
 * every line terminator removed. Everything else the generator prints comes from the registry
 * and runtime/layers, never from a source file.
 */

/** A JS string literal for any string. */
export function stringLiteral(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const plainKey = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * An object-literal key for `k`: bare when it is an identifier name, quoted otherwise.
 * `__proto__` is computed (`["__proto__"]`): written bare or quoted it would set the
 * prototype instead of a property.
 */
export function propertyKey(k: string): string {
  if (k === '__proto__') return `[${stringLiteral(k)}]`;
  return plainKey.test(k) ? k : stringLiteral(k);
}

/**
 * Replaces the literal of an object entry: the expression to print instead, or undefined to
 * print the value.
 */
export type EntryPrinter = (key: string, value: unknown) => string | undefined;

/** A JS expression for a JSON-like value (layer configs, shapes). */
export function valueLiteral(v: unknown, entry?: EntryPrinter): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return String(v);
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'string':
      return stringLiteral(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map((x) => valueLiteral(x, entry)).join(', ')}]`;
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) break;
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => `${propertyKey(k)}: ${entry?.(k, x) ?? valueLiteral(x, entry)}`);
      return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
    }
  }
  throw new Error(`cannot print ${typeof v} ${String(v)} as a literal`);
}

/** Words that cannot name a variable in a strict-mode module, or that would mislead. */
const reserved = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends ' +
    'false finally for function if import in instanceof new null return super switch this throw ' +
    'true try typeof var void while with yield let static implements interface package private ' +
    'protected public await arguments eval undefined NaN Infinity globalThis'
  ).split(' '),
);

/**
 * Unique JS identifiers from arbitrary names: characters outside `[A-Za-z0-9_]` become `_`, a
 * leading digit (or nothing) gets `_` in front, reserved words get `_` after; a name already
 * used (or in `taken`) gets `_2`, `_3`...
 */
export class Identifiers {
  private readonly used: Set<string>;

  constructor(taken: Iterable<string> = []) {
    this.used = new Set(taken);
  }

  make(name: string): string {
    let base = name.replace(/[^A-Za-z0-9_]/g, '_');
    if (base === '' || /^[0-9]/.test(base)) base = `_${base}`;
    if (reserved.has(base)) base += '_';
    let id = base;
    for (let k = 2; this.used.has(id); k++) id = `${base}_${k}`;
    this.used.add(id);
    return id;
  }
}

/**
 * A `//` comment line holding arbitrary text: line terminators (CR, LF, U+2028, U+2029) become
 * spaces, so the text cannot end the comment; `*\/` is escaped as well, for readers and tools
 * that treat the text as a block.
 */
export function lineComment(text: string): string {
  return `// ${text.replace(/[\r\n\u2028\u2029]/g, ' ').replace(/\*\//g, '*\\/')}`;
}
