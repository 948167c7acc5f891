import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as A from '../../grammar/ast.js';
import { parse } from '../../grammar/parse.js';
import { print } from '../../grammar/printer.js';
import { expectRoundTrip, format, parseClean, stripLocs } from './ast-utils.js';
import { programOf, randomExpr, randomPattern, rng } from './random-ast.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const kitchenSink = readFileSync(join(root, 'tests/fixtures/kitchen-sink.net'), 'utf8');
const goldenPath = join(root, 'tests/golden/kitchen-sink.formatted.net');

/** The printed form of one expression, written as the value of `x = ...`. */
function fmtExpr(source: string): string {
  const out = format(`block t() {\n  x = ${source}\n}\n`);
  return out.slice('block t() {\n  x = '.length, -'\n}\n'.length);
}

describe('kitchen sink', () => {
  it('parses without problems', () => {
    expect(parse(kitchenSink).problems).toEqual([]);
  });

  it('keeps the AST and every comment, and is idempotent', () => {
    expectRoundTrip(kitchenSink);
  });

  it('matches the golden file (vitest -u rewrites it)', async () => {
    await expect(format(kitchenSink)).toMatchFileSnapshot(goldenPath);
  });

  it('prints the golden file unchanged', () => {
    const golden = readFileSync(goldenPath, 'utf8');
    expect(format(golden)).toBe(golden);
  });
});

describe('parentheses are re-derived from precedence', () => {
  const cases: [string, string][] = [
    ['(a + b) * c', '(a + b) * c'],
    ['a + (b * c)', 'a + b * c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['(a ** b) ** c', '(a ** b) ** c'],
    ['a ** (b ** c)', 'a ** b ** c'],
    ['-(x ** 2)', '-x ** 2'],
    ['(-x) ** 2', '(-x) ** 2'],
    ['x ** (-2)', 'x ** -2'],
    ['(c ? a : b) |> f', '(c ? a : b) |> f'],
    ['c ? a : (b |> f)', 'c ? a : b |> f'],
    ['not (a and b)', 'not (a and b)'],
    ['(not a) and b', 'not a and b'],
    ['(a or b) and c', '(a or b) and c'],
    ['a or (b and c)', 'a or b and c'],
    ['(a < b) < c', '(a < b) < c'],
    ['a == (b == c)', 'a == (b == c)'],
    ['not (a == b)', 'not a == b'],
    ['a == (not b)', 'a == (not b)'],
    ['(a + b) < (c * d)', 'a + b < c * d'],
    ['-(-a)', '--a'],
    ['-(not a)', '-(not a)'],
    ['(a + b)[0]', '(a + b)[0]'],
    ['(x |> f)[0]', '(x |> f)[0]'],
    ['((x |> f) |> g)', 'x |> f |> g'],
    ['(x |> f) + 1', '(x |> f) + 1'],
    ['(c ? a : b) ? d : e', '(c ? a : b) ? d : e'],
    ['c ? (d ? a : b) : (e ? f : g)', 'c ? d ? a : b : e ? f : g'],
    ['(((a)))', 'a'],
    ['f((a), (b, c))', 'f(a, (b, c))'],
    ['a / (b * c)', 'a / (b * c)'],
    ['a // b % c', 'a // b % c'],
  ];
  it.each(cases)('%s prints as %s', (source, expected) => {
    expect(fmtExpr(source)).toBe(expected);
    expect(stripLocs(parseClean(`block t() { x = ${expected} }`))).toEqual(
      stripLocs(parseClean(`block t() { x = ${source} }`)),
    );
  });

  it('keeps `x |> f` and `x |> f()` apart', () => {
    expect(fmtExpr('x |> f')).toBe('x |> f');
    expect(fmtExpr('x |> f()')).toBe('x |> f()');
  });

  it('round-trips 2,000 random expression trees, assigned to random patterns', () => {
    const r = rng(20240611);
    for (let i = 0; i < 2000; i++) {
      const program = programOf(randomExpr(r, 6), randomPattern(r, 3));
      const printed = print(program);
      const reparsed = parse(printed);
      expect(reparsed.problems, printed).toEqual([]);
      expect(stripLocs(reparsed.program), printed).toEqual(stripLocs(program));
    }
  });
});

describe('literals', () => {
  it('keeps lists and tuples apart, including one-element tuples', () => {
    expect(fmtExpr('[ a , b , ]')).toBe('[a, b]');
    expect(fmtExpr('( a , b , )')).toBe('(a, b)');
    expect(fmtExpr('(a,)')).toBe('(a,)');
    expect(fmtExpr('[]')).toBe('[]');
  });

  it('escapes strings so that they read back the same', () => {
    expect(fmtExpr('"q\\"b\\\\s\\n\\t\\r\\0\\u{1b}\\x"')).toBe(
      '"q\\"b\\\\s\\n\\t\\r\\u{0}\\u{1b}x"',
    );
    expect(fmtExpr('"é 😀"')).toBe('"é 😀"');
  });

  it('prints floats as written when that reads back the same, integers by value', () => {
    expect(fmtExpr('[1e-3, 0.5, 2.5E+10, .25, 3.]')).toBe('[1e-3, 0.5, 2.5E+10, .25, 3.]');
    expect(fmtExpr('[007, 0, 42]')).toBe('[7, 0, 42]');
  });

  it('gives a float value without usable source text a float spelling', () => {
    const float = (value: number, raw: string): A.FloatLiteral => ({
      kind: 'Float',
      value,
      raw,
      loc: { start: 0, end: 0 },
    });
    const printed = (value: number): string => print(programOf(float(value, 'bad')));
    expect(printed(5)).toBe('block t() {\n  x = 5.0\n}\n');
    expect(printed(1e21)).toBe('block t() {\n  x = 1e21\n}\n');
    expect(printed(1e-7)).toBe('block t() {\n  x = 1e-7\n}\n');
  });
});

describe('very long chains do not overflow the stack', () => {
  it.each([
    ['+', (n: number) => Array(n).fill('a').join(' + ')],
    ['and', (n: number) => Array(n).fill('a').join(' and ')],
    ['[i]', (n: number) => `a${'[0]'.repeat(n)}`],
  ])('20,000 chained %s: kept, within 100 columns, idempotent', (_name, make) => {
    const line = `  x = ${make(20_000)}`;
    const text = `block t(a) {\n${line}\n}\n`;
    const printed = format(text);
    // The same tokens in the same order (the tree is too deep to compare recursively).
    expect(printed.replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
    expect(format(printed)).toBe(printed);
    expect(Math.max(...printed.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('20,000 chained |> break one per line', () => {
    const text = `block t(a) {\n  x = a${' |> f'.repeat(20_000)}\n}\n`;
    const lines = format(text).split('\n');
    expect(lines.length).toBe(20_000 + 4);
    expect(lines[2]).toBe('      |> f');
  });
});

describe('samples and standard library', () => {
  const files = ['samples', 'stdlib'].flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.net'))
      .map((f) => `${dir}/${f}`),
  );

  it('finds the samples and the standard library', () => {
    expect(files.filter((f) => f.startsWith('samples/')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.startsWith('stdlib/')).length).toBeGreaterThan(0);
  });

  it.each(files)(
    '%s round-trips',
    (file) => void expectRoundTrip(readFileSync(join(root, file), 'utf8')),
  );
});
