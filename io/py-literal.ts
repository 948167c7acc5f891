/**
 * A parser for the small subset of Python literal syntax found in `.npy` headers: dicts, tuples,
 * lists, strings, integers, floats, True, False and None.
 */

export type PyValue = string | number | boolean | null | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

export class PyLiteralError extends Error {
  override name = 'PyLiteralError';
}

/** The deepest nesting of dicts, tuples and lists the parser accepts (a `.npy` header nests two). */
export const MAX_PY_LITERAL_DEPTH = 32;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  parseAll(): PyValue {
    const value = this.value();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected text after the literal');
    return value;
  }

  private fail(message: string): never {
    throw new PyLiteralError(`${message} at offset ${this.pos}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }

  private peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  private expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected '${char}'`);
    this.pos++;
  }

  private value(): PyValue {
    const c = this.peek();
    if (c === '{' || c === '(' || c === '[') {
      if (this.depth === MAX_PY_LITERAL_DEPTH)
        this.fail(`nested deeper than ${MAX_PY_LITERAL_DEPTH} levels`);
      this.depth++;
      const value =
        c === '{' ? this.dict() : c === '(' ? this.sequence('(', ')') : this.sequence('[', ']');
      this.depth--;
      return value;
    }
    if (c === "'" || c === '"') return this.string();
    if (/[-+0-9.]/.test(c)) return this.number();
    return this.keyword();
  }

  private dict(): PyDict {
    const result: PyDict = new Map();
    this.expect('{');
    while (this.peek() !== '}') {
      const key = this.value();
      if (typeof key !== 'string') this.fail('dict keys must be strings');
      if (result.has(key)) this.fail(`duplicate key '${key}'`);
      this.expect(':');
      result.set(key, this.value());
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.expect('}');
    return result;
  }

  private sequence(open: string, close: string): PyValue[] {
    const items: PyValue[] = [];
    this.expect(open);
    while (this.peek() !== close) {
      items.push(this.value());
      if (this.peek() !== ',') break;
      this.pos++;
    }
    this.expect(close);
    return items;
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    while (this.pos < this.text.length && this.text[this.pos] !== quote) {
      const c = this.text[this.pos++];
      out += c === '\\' ? (this.text[this.pos++] ?? '') : c;
    }
    if (this.pos >= this.text.length) this.fail('unterminated string');
    this.pos++;
    return out;
  }

  private number(): number {
    const match = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[lL]?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('bad number');
    this.pos += match[0].length;
    return Number(match[0].replace(/[lL]$/, ''));
  }

  private keyword(): boolean | null {
    for (const [word, value] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    this.fail('unexpected token');
  }
}

/** Parses `text` as a Python literal; throws `PyLiteralError` on malformed input. */
export function parsePyLiteral(text: string): PyValue {
  return new Parser(text).parseAll();
}
