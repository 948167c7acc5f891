import { describe, expect, it } from 'vitest';
import type * as A from '../../grammar/ast.js';
import { MAX_NESTING, MAX_TOKENS, parse } from '../../grammar/parse.js';
import { netLexer } from '../../grammar/tokens.js';
import { parseClean, stripLocs } from './ast-utils.js';
import { rng } from './random-ast.js';

/** The AST (without locations) of the value in `block t() { x = <source> }`. */
function exprOf(source: string): unknown {
  const block = parseClean(`block t() { x = ${source} }`).items[0] as A.Definition;
  return stripLocs((block.body[0] as A.AssignStatement).value);
}

const name = (n: string) => ({ kind: 'Name', name: n });
const int = (value: number) => ({ kind: 'Integer', value, raw: String(value) });
const bin = (operator: string, left: unknown, right: unknown) => ({
  kind: 'Binary',
  operator,
  left,
  right,
});
const call = (callee: string, args: unknown[] = [], parens = true) => ({
  kind: 'Call',
  callee: { kind: 'Identifier', name: callee },
  args: args.map((value) => ({ kind: 'Argument', value })),
  parens,
});

describe('constructs', () => {
  it('imports', () => {
    const program = parseClean('import "std/resnet.net"\nimport "./blocks.net"');
    expect(stripLocs(program.items)).toEqual([
      { kind: 'Import', path: { kind: 'String', value: 'std/resnet.net' } },
      { kind: 'Import', path: { kind: 'String', value: './blocks.net' } },
    ]);
  });

  it('blocks with params and defaults', () => {
    const [block] = parseClean('block conv(x, filters, kernel = 3, pad = "same",) { return x }')
      .items as A.Definition[];
    expect(block.kind).toBe('Block');
    expect(block.name.name).toBe('conv');
    expect(block.params.map((p) => [p.name.name, p.default?.kind])).toEqual([
      ['x', undefined],
      ['filters', undefined],
      ['kernel', 'Integer'],
      ['pad', 'String'],
    ]);
  });

  it('models with shaped inputs', () => {
    const [model] = parseClean('model m(image: [?, T, 3], n: [] = 2) { return image }')
      .items as A.Definition[];
    expect(model.kind).toBe('Model');
    expect(stripLocs(model.params[0].shape)).toEqual({
      kind: 'ShapeType',
      dims: [{ kind: 'DimUnknown' }, { kind: 'DimName', name: 'T' }, { kind: 'DimSize', value: 3 }],
    });
    expect(stripLocs(model.params[1])).toMatchObject({ shape: { dims: [] }, default: int(2) });
  });

  it('for with tuple patterns', () => {
    const [block] = parseClean('block b() { for i, (a, (c, d)) in xs { y = a } }')
      .items as A.Definition[];
    const loop = block.body[0] as A.ForStatement;
    expect(loop.kind).toBe('For');
    const ident = (n: string) => ({ kind: 'Identifier', name: n });
    const tuple = (...items: unknown[]) => ({ kind: 'TuplePattern', items });
    expect(stripLocs(loop.pattern)).toEqual(
      tuple(ident('i'), tuple(ident('a'), tuple(ident('c'), ident('d')))),
    );
    expect(stripLocs(loop.iterable)).toEqual(name('xs'));
    expect(loop.body.map((s) => s.kind)).toEqual(['Assign']);
  });

  it('if / else if / else', () => {
    const [block] = parseClean('block b() { if a { x = 1 } else if b { x = 2 } else { x = 3 } }')
      .items as A.Definition[];
    const first = block.body[0] as A.IfStatement;
    expect(stripLocs(first.condition)).toEqual(name('a'));
    const second = first.otherwise as A.IfStatement;
    expect(second.kind).toBe('If');
    expect(stripLocs(second.condition)).toEqual(name('b'));
    expect(Array.isArray(second.otherwise)).toBe(true);
    expect((second.otherwise as A.Statement[]).map((s) => s.kind)).toEqual(['Assign']);
  });

  it('named and unnamed return values', () => {
    const [block] = parseClean('block b() { return logits: a, b }').items as A.Definition[];
    expect(stripLocs(block.body[0])).toEqual({
      kind: 'Return',
      values: [
        { kind: 'ReturnValue', name: { kind: 'Identifier', name: 'logits' }, value: name('a') },
        { kind: 'ReturnValue', value: name('b') },
      ],
    });
  });

  it('literals, lists, tuples, calls and indexing', () => {
    expect(exprOf('[1, 0.5, 1e-3, "s\\n", true, false, none]')).toEqual({
      kind: 'List',
      tuple: false,
      items: [
        int(1),
        { kind: 'Float', value: 0.5, raw: '0.5' },
        { kind: 'Float', value: 0.001, raw: '1e-3' },
        { kind: 'String', value: 's\n' },
        { kind: 'Boolean', value: true },
        { kind: 'Boolean', value: false },
        { kind: 'None' },
      ],
    });
    expect(exprOf('(a, b)')).toEqual({ kind: 'List', tuple: true, items: [name('a'), name('b')] });
    expect(exprOf('(a,)')).toEqual({ kind: 'List', tuple: true, items: [name('a')] });
    expect(exprOf('(a)')).toEqual(name('a'));
    expect(exprOf('x[-1]')).toEqual({
      kind: 'Index',
      target: name('x'),
      index: { kind: 'Unary', operator: '-', operand: int(1) },
    });
    expect(exprOf('f(1, axis: -1)')).toMatchObject({
      kind: 'Call',
      args: [{ value: int(1) }, { name: { name: 'axis' } }],
    });
  });
});

describe('precedence', () => {
  it.each<[string, unknown]>([
    ['a + b * c', bin('+', name('a'), bin('*', name('b'), name('c')))],
    ['a * b + c', bin('+', bin('*', name('a'), name('b')), name('c'))],
    ['a - b - c', bin('-', bin('-', name('a'), name('b')), name('c'))],
    ['a or b and c', bin('or', name('a'), bin('and', name('b'), name('c')))],
    ['a ** b ** c', bin('**', name('a'), bin('**', name('b'), name('c')))],
    ['-2 ** 2', { kind: 'Unary', operator: '-', operand: bin('**', int(2), int(2)) }],
    ['not a == b', { kind: 'Unary', operator: 'not', operand: bin('==', name('a'), name('b')) }],
    ['a + b < c', bin('<', bin('+', name('a'), name('b')), name('c'))],
    [
      'x |> f(1) |> g',
      {
        kind: 'Pipe',
        input: { kind: 'Pipe', input: name('x'), call: call('f', [int(1)]) },
        call: call('g', [], false),
      },
    ],
    [
      'c ? a : b |> f',
      {
        kind: 'Conditional',
        condition: name('c'),
        then: name('a'),
        otherwise: { kind: 'Pipe', input: name('b'), call: call('f', [], false) },
      },
    ],
    [
      'a + b |> f',
      { kind: 'Pipe', input: bin('+', name('a'), name('b')), call: call('f', [], false) },
    ],
  ])('%s', (source, expected) => {
    expect(exprOf(source)).toEqual(expected);
  });

  it('rejects chained comparisons', () => {
    const source = 'block t() { x = a < b < c }';
    const { problems, program } = parse(source);
    expect(problems[0]).toMatchObject({
      code: 'E0002',
      message: "expected '}', found '<'",
      loc: { start: source.lastIndexOf('<') },
    });
    expect(program.items).toEqual([]);
  });
});

describe('error recovery', () => {
  const source = [
    'block ok1(x) {\n  return x\n}\n',
    'block bad1(x) {\n  y = conv2d(x, 64 {\n  return y\n}\n',
    'block ok2(x) { return x }\n',
    'model bad2(x: [3, 3) {\n  return x\n}\n',
    'block bad3(x) {\n  y = x +\n  return y\n}\n',
    'model ok3(x: [?, 3]) { return ok2(x) }\n',
  ].join('\n');

  it('reports each error once, where it is, and keeps the valid definitions', () => {
    const { program, problems } = parse(source);
    const found = problems.map((p) => [p.code, p.message, source.slice(p.loc.start, p.loc.end)]);
    expect(found).toEqual([
      ['E0002', "expected ')', found '{'", '{'],
      ['E0002', "expected ']', found ')'", ')'],
      ['E0002', "expected an expression, found 'return'", 'return'],
    ]);
    expect(problems[0].loc.start).toBe(source.indexOf('64 {') + 3);
    const names = program.items.map((item) => (item.kind === 'Import' ? 'import' : item.name.name));
    expect(names).toEqual(['ok1', 'ok2', 'ok3']);
  });
});

describe('limits and bad input', () => {
  const timed = (text: string) => {
    const start = performance.now();
    const result = parse(text);
    return { ...result, ms: performance.now() - start };
  };

  it('100,000 nested parentheses: one E0003, quickly, without throwing', () => {
    const { problems, program } = timed(
      `block t() { x = ${'('.repeat(100_000)}a${')'.repeat(100_000)} }`,
    );
    expect(problems.map((p) => p.code)).toEqual(['E0003']);
    expect(problems[0].message).toContain(`nesting depth ${MAX_NESTING}`);
    expect(program.items).toEqual([]);
  });

  it(`accepts nesting up to ${MAX_NESTING} levels`, () => {
    const depth = MAX_NESTING - 1; // the body's braces are one level
    expect(parse(`block t() { x = ${'('.repeat(depth)}a${')'.repeat(depth)} }`).problems).toEqual(
      [],
    );
    expect(
      parse(`block t() { x = ${'('.repeat(depth + 1)}a${')'.repeat(depth + 1)} }`).problems.map(
        (p) => p.code,
      ),
    ).toEqual(['E0003']);
  });

  it.each([
    ['**', `a${' ** a'.repeat(20_000)}`],
    ['prefix -', `${'-'.repeat(100_000)}a`],
    ['not', `${'not '.repeat(20_000)}a`],
    ['? : in the else branch', `${'c ? a : '.repeat(20_000)}a`],
    ['? : in the then branch', `${'c ? '.repeat(20_000)}a${' : a'.repeat(20_000)}`],
  ])('a 20,000-deep chain of %s: one E0003, no throw', (_what, value) => {
    const { problems } = timed(`block t(a, c) { x = ${value} }`);
    expect(problems.map((p) => p.code)).toEqual(['E0003']);
  });

  it('accepts chains within the limit', () => {
    const n = MAX_NESTING - 2;
    const elseIfs = `if a { x = 1 }${' else if a { x = 1 }'.repeat(n)}`;
    for (const body of [`x = a${' ** a'.repeat(n)}`, `x = ${'c ? a : '.repeat(n)}a`, elseIfs]) {
      expect(parse(`block t(a, c) { ${body} return x }`).problems).toEqual([]);
    }
  });

  it('a 20,000-long else-if chain: one E0003, no throw', () => {
    const { problems } = timed(
      `block t(a) { if a { x = 1 }${' else if a { x = 1 }'.repeat(20_000)} return x }`,
    );
    expect(problems.map((p) => p.code)).toEqual(['E0003']);
  });

  it('a 1 MB line of a + a + ... is rejected by the token limit, located at the first token over it', () => {
    const text = `block t(a) { x = ${Array(250_000).fill('a').join(' + ')} }`;
    const { problems } = parse(text);
    expect(problems.map((p) => p.code)).toEqual(['E4002']);
    expect(problems[0].message).toContain(
      `limit of ${MAX_TOKENS.toLocaleString('en-US')} tokens per file`,
    );
    // Exactly MAX_TOKENS tokens come before the reported one.
    expect(netLexer.tokenize(text.slice(0, problems[0].loc.start)).tokens).toHaveLength(MAX_TOKENS);
  });

  it('a 40,000-term chain a + a + ... parses (left-associative chains are built iteratively)', () => {
    const terms = 40_000;
    const { problems, program } = timed(`block t(a) { x = ${Array(terms).fill('a').join(' + ')} }`);
    expect(problems).toEqual([]);
    let node = ((program.items[0] as A.Definition).body[0] as A.AssignStatement).value;
    let depth = 0;
    for (; node.kind === 'Binary'; node = node.left) depth++;
    expect(depth).toBe(terms - 1);
  });

  it('an unterminated string: E0004 at the quote', () => {
    const source = 'block t() {\n  x = "abc\n}\n';
    const { problems } = parse(source);
    expect(problems[0].code).toBe('E0004');
    expect(problems[0].loc.start).toBe(source.indexOf('"'));
  });

  it('an unexpected character: E0001 where it is', () => {
    const source = 'block t() { x = a $ b }';
    const { problems } = parse(source);
    expect(problems[0]).toMatchObject({
      code: 'E0001',
      message: "unexpected character '$'",
      loc: { start: source.indexOf('$') },
    });
  });

  it('binary junk: E0001 problems, never a throw', () => {
    const r = rng(99);
    for (let round = 0; round < 20; round++) {
      const bytes = Array.from({ length: 4000 }, () =>
        String.fromCharCode(Math.floor(r() * 256)),
      ).join('');
      const { problems } = parse(bytes);
      expect(problems.some((p) => p.code === 'E0001')).toBe(true);
      expect(problems.every((p) => /^E000[1-4]$/.test(p.code))).toBe(true);
      expect(problems.length).toBeLessThanOrEqual(50);
    }
  });
});
