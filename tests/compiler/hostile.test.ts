/**
 * Hostile and degenerate inputs: each must end in located diagnostics (or none), never in an
 * exception, a stack overflow or a hang. Times are not asserted (benchmarks do that); the
 * per-test timeout is only a hang guard.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSource, type CheckOptions, type CheckResult } from '../../compiler/compile.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import {
  diagnosticJson,
  formatDiagnostic,
  githubAnnotation,
} from '../../compiler/diagnostics/format.js';
import { defaultLimits } from '../../compiler/lower/limits.js';
import { Source } from '../../compiler/source.js';
import { MAX_NESTING, MAX_SYNTAX_ERRORS, MAX_TOKENS } from '../../grammar/parse.js';
import { rng } from '../grammar/random-ast.js';

/** Hang guard only: generous, because CI machines are slow and test files run in parallel. */
const GUARD = 10_000;

const FILE = '/virtual/hostile.net';

function check(text: string, options: CheckOptions = {}, path = FILE): CheckResult {
  return checkSource(new Source(path, text), options);
}

function where(d: Diagnostic): { file: string; line: number; column: number; code: string } {
  const { line, column } = d.span.source.position(d.span.start);
  return { file: d.span.source.path, line, column, code: d.code };
}

/** 1-based line and column of the `nth` occurrence of `needle` in `text`. */
function at(text: string, needle: string, nth = 0): { line: number; column: number } {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`'${needle}' occurs fewer than ${nth + 1} times`);
  }
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** Diagnostics as short strings (a failing toEqual on raw diagnostics would print whole sources). */
function listed(r: CheckResult): string[] {
  return r.diagnostics.map((d) => {
    const w = where(d);
    return `${w.code} ${w.file}:${w.line}:${w.column} ${d.message.slice(0, 200)}`;
  });
}

function errors(r: CheckResult): Diagnostic[] {
  return r.diagnostics.filter((d) => d.severity === 'error');
}

/** The only error of a result, with its location. */
function theError(r: CheckResult): ReturnType<typeof where> & { message: string; d: Diagnostic } {
  const found = errors(r);
  expect(
    found.map((d) => `${d.code} ${d.message}`),
    'expected exactly one error',
  ).toHaveLength(1);
  return { ...where(found[0]), message: found[0].message, d: found[0] };
}

/** Every diagnostic renders in every output format, clipped to a sane size. */
function renders(r: CheckResult): void {
  for (const d of r.diagnostics) {
    const text = formatDiagnostic(d);
    expect(text.length).toBeLessThan(20_000);
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(() => JSON.stringify(diagnosticJson(d))).not.toThrow();
    expect(githubAnnotation(d)).toMatch(/^::(error|warning) file=/);
  }
}

const MB = 1 << 20;

describe('empty and blank files', () => {
  it(
    'an empty file is fine: ok, no diagnostics, no graphs',
    () => {
      const r = check('');
      expect(r.ok).toBe(true);
      expect(listed(r)).toEqual([]);
      expect(r.graphs).toHaveLength(0);
    },
    GUARD,
  );

  it(
    'whitespace only (spaces, tabs, CR LF, form feed, BOM) is fine',
    () => {
      const r = check('\uFEFF  \t\r\n\f\n\n   \t  \r\n');
      expect(r.ok).toBe(true);
      expect(listed(r)).toEqual([]);
      expect(r.graphs).toHaveLength(0);
    },
    GUARD,
  );

  it(
    'whitespace the lexer does not know (vertical tab, no-break space) is a located E0001',
    () => {
      const text = '\n\n  \u00a0 \v\n';
      const r = check(text);
      const first = errors(r)[0];
      expect(where(first)).toEqual({ file: FILE, line: 3, column: 3, code: 'E0001' });
      expect(first.message).toContain('\\u{a0}');
      renders(r);
    },
    GUARD,
  );
});

describe('binary junk', () => {
  it(
    'random bytes with NULs and invalid UTF-8 give located E0001 errors',
    () => {
      const rand = rng(1);
      const bytes = Buffer.alloc(64 * 1024);
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
      bytes[0] = 0x00;
      bytes[1] = 0xff; // never valid in UTF-8
      bytes[2] = 0xfe;
      for (let i = 3; i < bytes.length; i += 97) bytes[i] = 0x00;
      const text = bytes.toString('utf8');
      expect(text).toContain('\ufffd');
      const r = check(text);
      expect(r.ok).toBe(false);
      expect(r.graphs).toHaveLength(0);
      const first = r.diagnostics[0];
      expect(where(first)).toEqual({ file: FILE, line: 1, column: 1, code: 'E0001' });
      expect(first.message).toContain('\\u{0}');
      expect(errors(r).length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS);
      renders(r);
    },
    GUARD,
  );

  it(
    'a NUL in the middle of a valid model is one located E0001',
    () => {
      const text = 'model m(x: [4]) {\n  y = x\0\n  return y\n}\n';
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, line: 2, column: 8, code: 'E0001' });
    },
    GUARD,
  );
});

describe('huge lines', () => {
  it(
    `a 1 MB single line 'y = 1 + 1 + ...' in a model stops at the token limit, located`,
    () => {
      const head = 'model m(x: [4]) { y = 1';
      const text = `${head}${' + 1'.repeat(MB / 4)} return x }`;
      expect(text.length).toBeGreaterThan(MB);
      expect(text).not.toContain('\n');
      const e = theError(check(text));
      // Tokens of `head`: model m ( x : [ 4 ] ) { y = 1 (13); then '+', '1' alternate, 4 chars apart.
      const k = MAX_TOKENS - 13; // 0-based index of the first token past the limit, within the chain
      const offset = head.length + Math.floor(k / 2) * 4 + (k % 2 === 0 ? 1 : 3);
      expect(e).toMatchObject({ file: FILE, line: 1, column: offset + 1, code: 'E4002' });
      expect(e.message).toContain('tokens');
      // The excerpt of a 1 MB line is clipped around the column.
      expect(formatDiagnostic(e.d).length).toBeLessThan(1000);
    },
    GUARD,
  );

  it(
    'a 1 MB identifier at top level is one located E0002, and its excerpt is clipped',
    () => {
      const text = `# junk\n${'a'.repeat(MB)}`;
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, line: 2, column: 1, code: 'E0002' });
      expect(e.message.length).toBeLessThan(200);
      expect(formatDiagnostic(e.d).length).toBeLessThan(1000);
    },
    GUARD,
  );

  it(
    'a 1 MB variable name is legal (an unused-variable warning, clipped)',
    () => {
      const name = `v${'x'.repeat(MB)}`;
      const r = check(`model m(x: [4]) {\n  ${name} = 1\n  return x\n}\n`);
      expect(r.ok).toBe(true);
      expect(r.graphs).toHaveLength(1);
      expect(r.diagnostics.map(where)).toEqual([{ file: FILE, line: 2, column: 3, code: 'W0001' }]);
      // The message names the variable in full; the source excerpt under it is clipped.
      const [, source, carets] = formatDiagnostic(r.diagnostics[0]).split('\n');
      expect(source.length).toBeLessThan(200);
      expect(carets.length).toBeLessThan(200);
    },
    GUARD,
  );

  it(
    'a 1 MB string literal is legal',
    () => {
      const r = check(`model m(x: [4]) {\n  _s = "${'z'.repeat(MB)}"\n  return x\n}\n`);
      expect(r.ok).toBe(true);
      expect(listed(r)).toEqual([]);
    },
    GUARD,
  );

  it(
    'a 1 MB string passed where an int is expected: the message is clipped',
    () => {
      const text = `model m(x: [4]) {\n  s = "${'z'.repeat(MB)}"\n  return x |> dense(s)\n}\n`;
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, ...at(text, 's)'), code: 'E2001' });
      expect(e.message.length).toBeLessThan(5000);
    },
    GUARD,
  );
});

describe('deep nesting', () => {
  it(
    '100,000 nested parentheses: E0003 at the first bracket past the limit',
    () => {
      const head = 'model m(x: [4]) {\n  y = ';
      const text = `${head}${'('.repeat(100_000)}x${')'.repeat(100_000)}\n  return y\n}\n`;
      const e = theError(check(text));
      // The body's '{' is one level, so the paren that makes MAX_NESTING + 1 is number MAX_NESTING.
      expect(e).toMatchObject({ file: FILE, line: 2, column: 7 + MAX_NESTING - 1, code: 'E0003' });
      expect(e.message).toContain(`nesting depth ${MAX_NESTING}`);
    },
    GUARD,
  );

  it(
    '100,000 nested list brackets: E0003',
    () => {
      const text = `model m(x: [4]) {\n  y = ${'['.repeat(100_000)}${']'.repeat(100_000)}\n  return x\n}\n`;
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, line: 2, column: 7 + MAX_NESTING - 1, code: 'E0003' });
    },
    GUARD,
  );

  it(
    "a chain of 100,000 prefix '-': E0003",
    () => {
      const text = `model m(x: [4]) {\n  y = ${'-'.repeat(100_000)}x\n  return y\n}\n`;
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, line: 2, column: 7 + MAX_NESTING - 1, code: 'E0003' });
    },
    GUARD,
  );

  it(
    "chains of 'not', '**' and '? :' 10,000 long: E0003",
    () => {
      for (const expr of [
        `${'not '.repeat(10_000)}true`,
        Array(10_000).fill('2').join(' ** '),
        `${'true ? 1 : '.repeat(10_000)}0`,
        `${'true ? '.repeat(10_000)}1${' : 0'.repeat(10_000)}`,
      ]) {
        const r = check(`model m(x: [4]) {\n  y = ${expr}\n  return x\n}\n`);
        expect(where(theError(r).d)).toMatchObject({ file: FILE, line: 2, code: 'E0003' });
      }
    },
    GUARD,
  );

  it(
    "10,000 'else if' branches: E0003",
    () => {
      const text = `model m(x: [4]) {\n  if true { y = 1 }${' else if true { y = 1 }'.repeat(10_000)}\n  return x\n}\n`;
      expect(where(theError(check(text)).d)).toMatchObject({ file: FILE, line: 2, code: 'E0003' });
    },
    GUARD,
  );
});

describe('long left-associative chains lower without deep recursion', () => {
  const N = 20_000;

  it(
    `a ${N.toLocaleString('en-US')}-term tensor chain 'a + a + ...' lowers (adds, unused check)`,
    () => {
      const text = `model m(a: [4]) {\n  y = ${Array(N).fill('a').join(' + ')}\n  return y\n}\n`;
      const r = check(text);
      expect(listed(r)).toEqual([]);
      expect(r.graphs).toHaveLength(1);
      expect(r.graphs[0].nodes).toHaveLength(N); // the input and N - 1 adds
    },
    GUARD,
  );

  it(
    `an error at the end of a ${N.toLocaleString('en-US')}-term chain is located at its operator`,
    () => {
      const text = `model m(a: [4]) {\n  y = ${Array(N).fill('a').join(' + ')} + "s"\n  return y\n}\n`;
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, ...at(text, '+ "s"'), code: 'E2001' });
    },
    GUARD,
  );

  it(
    `scalar chains of ${N.toLocaleString('en-US')} terms ('+', 'and', '|>', '[0]') lower`,
    () => {
      const bodies = [
        `n = ${Array(N).fill('1').join(' + ')}\n  y = x |> dense(n - ${N - 1})`,
        `b = ${Array(N).fill('true').join(' and ')}\n  y = b ? x : x`,
        `b = ${Array(N).fill('false').join(' or ')}\n  y = b ? x : x`,
        `y = x${' |> relu'.repeat(N)}`,
        `l = 1\n  for i in range(${N}) {\n    l = [l]\n  }\n  y = x |> dense(l${'[0]'.repeat(N)})`,
      ];
      for (const body of bodies) {
        const r = check(`model m(x: [4]) {\n  ${body}\n  return y\n}\n`);
        expect(listed(r), body.slice(0, 40)).toEqual([]);
        expect(r.graphs).toHaveLength(1);
      }
    },
    GUARD,
  );

  it(
    'a 20,000-item list literal and a 20,000-argument call',
    () => {
      const items = Array(20_000).fill('1').join(', ');
      const r = check(
        `model m(x: [4]) {\n  n = len([${items}]) + max(${items})\n  return x |> dense(n)\n}\n`,
      );
      expect(listed(r)).toEqual([]);
      expect(r.graphs[0].outputs[0].shape).toEqual([20_001]);
    },
    GUARD,
  );
});

describe('did-you-mean stays cheap', () => {
  it(
    'two 400,000-character names that differ in one letter: no suggestion, no quadratic blow-up',
    () => {
      const a = 'a'.repeat(400_000);
      const b = `${'a'.repeat(399_999)}b`;
      const text = `model m(x: [4]) {\n  ${a} = 1\n  return x |> dense(${b})\n}\n`;
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, line: 3, column: 21, code: 'E1001' });
      expect(e.d.notes).toEqual([]);
    },
    GUARD,
  );

  it(
    '5,000 undefined names in a scope of 5,000 variables: every one reported, with suggestions',
    () => {
      const n = 5000;
      const defs = Array.from({ length: n }, (_, i) => `  v${String(i).padStart(5, '0')} = 1`);
      const uses = Array.from({ length: n }, (_, i) => `  _y${i} = w${String(i).padStart(5, '0')}`);
      const text = `model m(x: [4]) {\n${defs.join('\n')}\n${uses.join('\n')}\n  return x\n}\n`;
      const r = check(text);
      const undefinedNames = errors(r).filter((d) => d.code === 'E1001');
      expect(undefinedNames).toHaveLength(n);
      expect(where(undefinedNames[0])).toEqual({
        file: FILE,
        line: n + 2,
        column: 9,
        code: 'E1001',
      });
      expect(undefinedNames[0].notes.map((x) => x.message)).toEqual(["did you mean 'v00000'?"]);
    },
    GUARD,
  );
});

describe('lowering limits', () => {
  it(
    'a loop of 10^12 iterations: E4002 at the range() call',
    () => {
      const text = 'model m(x: [4]) {\n  for i in range(1000000000000) {}\n  return x\n}\n';
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, ...at(text, 'range('), code: 'E4002' });
      expect(e.message).toContain('100,000');
    },
    GUARD,
  );

  it(
    'a loop over a literal list of more than the loop limit: E4002',
    () => {
      const text = 'model m(x: [4]) {\n  for i in range(60000) + range(60000) {}\n  return x\n}\n';
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, ...at(text, 'range('), code: 'E4002' });
    },
    GUARD,
  );

  it(
    'nested loops whose product exceeds the step limit: E4002 naming the steps limit',
    () => {
      const text = [
        'model m(x: [4]) {',
        '  for i in range(100000) {',
        '    for j in range(100000) {',
        '      y = i',
        '    }',
        '  }',
        '  return x',
        '}',
        '',
      ].join('\n');
      const e = theError(check(text));
      expect(e.file).toBe(FILE);
      expect(e.code).toBe('E4002');
      expect(e.message).toContain(`${defaultLimits.steps.toLocaleString('en-US')} steps`);
      expect([3, 4]).toContain(e.line); // inside the inner loop
    },
    GUARD,
  );

  it(
    'nested loops with an empty body still count steps: E4002 at the inner loop',
    () => {
      const text = [
        'model m(x: [4]) {',
        '  l = range(100000)',
        '  for i in l {',
        '    for j in l {}',
        '  }',
        '  return x',
        '}',
        '',
      ].join('\n');
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, line: 4, column: 5, code: 'E4002' });
      expect(e.message).toContain('steps');
    },
    GUARD,
  );

  it.each([
    ['range', '_r = range(100000)'],
    ['enumerate', '_r = enumerate(l)'],
    ['zip', '_r = zip(l, l)'],
    ['max', '_r = max(l)'],
    ['str', '_r = str(l)'],
    ['==', '_r = l == k'],
    ['string <', '_r = s < t'],
    ['concat', '_r = concat(xs)'],
    ['reshape with a long list argument', '_r = x |> dense(len(l)) |> reshape(l)'],
  ])(
    'a loop of 100,000 that calls %s on big values is charged: E4002, not a hang',
    (_what, body) => {
      const setup = [
        'l = range(100000)',
        'k = range(100000)',
        `s = "${'a'.repeat(50_000)}"`,
        `t = "${'a'.repeat(50_000)}b"`,
        'xs = [x]',
        'for n in range(16) {',
        '    xs = xs + xs',
        '  }',
      ];
      const text = `model m(x: [4]) {\n  ${setup.join('\n  ')}\n  for i in range(100000) {\n    ${body}\n  }\n  return x\n}\n`;
      const r = check(text);
      const e = errors(r).find((d) => d.code === 'E4002');
      expect(e, JSON.stringify(listed(r))).toBeDefined();
      expect(where(e!)).toMatchObject({ file: FILE, line: setup.length + 3 }); // the call
      expect(e!.message).toContain('steps');
    },
    GUARD,
  );

  it(
    "'l = l + l' in a loop is charged by size: E4002 steps, not an out-of-memory crash",
    () => {
      for (const init of ['[1]', '"ab"']) {
        const text = `model m(x: [4]) {\n  l = ${init}\n  for i in range(64) {\n    l = l + l\n  }\n  return x\n}\n`;
        const e = theError(check(text));
        expect(e).toMatchObject({ file: FILE, line: 4, column: 11, code: 'E4002' });
        expect(e.message).toContain('steps');
      }
    },
    GUARD,
  );

  it(
    'a list nested 100,000 deep can be printed, compared and passed to a block',
    () => {
      const text = [
        'block b(x, l) {',
        '  return x + 1',
        '}',
        'model m(x: [4]) {',
        '  l = [1]',
        '  k = [1]',
        '  for i in range(100000) {',
        '    l = [l]',
        '    k = [k]',
        '  }',
        '  s = len(str(l))',
        '  same = l == k',
        '  return b(x, l) |> dense(same ? s : 0)',
        '}',
        '',
      ].join('\n');
      const r = check(text);
      const e = theError(r);
      // The error is inside the block; the expansion note shows the (clipped) nested list.
      expect(e).toMatchObject({ file: FILE, line: 2, column: 12, code: 'E2001' });
      expect(e.d.expansion[0].call.length).toBeLessThan(2000);
      renders(r);
    },
    GUARD,
  );

  it(
    'lists that share sublists (exponentially large when expanded): str() and == hit E4002',
    () => {
      const setup =
        'l = [1]\n  k = [1]\n  for i in range(200) {\n    l = [l, l]\n    k = [k, k]\n  }';
      const str = `model m(x: [4]) {\n  ${setup}\n  s = str(l)\n  return x\n}\n`;
      expect(theError(check(str))).toMatchObject({ file: FILE, ...at(str, 'l)'), code: 'E4002' });
      const eq = `model m(x: [4]) {\n  ${setup}\n  s = l == k\n  return x\n}\n`;
      expect(theError(check(eq))).toMatchObject({ file: FILE, ...at(eq, '=='), code: 'E4002' });
      // The same list compared with itself is equal at once (like Python).
      const self = `model m(x: [4]) {\n  ${setup}\n  _s = l == l\n  _k = k\n  return x\n}\n`;
      expect(listed(check(self))).toEqual([]);
    },
    GUARD,
  );

  it(
    'concat and add of 131,072 tensors finish (no quadratic shape check), errors keep few notes',
    () => {
      const grow = 'l = [x]\n  for i in range(17) {\n    l = l + l\n  }';
      const ok = check(`model m(x: [4]) {\n  ${grow}\n  return concat(l), add(l)\n}\n`);
      expect(listed(ok)).toEqual([]);
      expect(ok.graphs[0].outputs.map((o) => o.shape)).toEqual([[4 * 131_072], [4]]);
      const text = `model m(x: [4], y: [5, 1]) {\n  ${grow}\n  return concat(l + [y])\n}\n`;
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, ...at(text, 'concat('), code: 'E3001' });
      expect(e.message).toContain('(input 131073)');
      expect(e.d.notes.length).toBeLessThan(20);
    },
    GUARD,
  );

  it(
    'a model that expands to more than 200,000 nodes: E4002 at the call that overflows',
    () => {
      const text = [
        'model m(x: [4]) {',
        '  for i in range(1000) {',
        '    for j in range(1000) {',
        '      x = relu(x)',
        '    }',
        '  }',
        '  return x',
        '}',
        '',
      ].join('\n');
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, ...at(text, 'relu('), code: 'E4002' });
      expect(e.message).toContain(defaultLimits.nodes.toLocaleString('en-US'));
    },
    GUARD,
  );

  it(
    'a block that calls itself: E4001 at the recursive call',
    () => {
      const text = 'block f(x) {\n  return f(x)\n}\nmodel m(x: [4]) {\n  return f(x)\n}\n';
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, line: 2, column: 10, code: 'E4001' });
      expect(e.message).toContain('f → f');
    },
    GUARD,
  );

  it(
    'mutual recursion: E4001 where the cycle closes',
    () => {
      const text =
        'block f(x) {\n  return g(x)\n}\nblock g(x) {\n  return f(x)\n}\nmodel m(x: [4]) {\n  return f(x)\n}\n';
      const e = theError(check(text));
      expect(e).toMatchObject({ file: FILE, line: 5, column: 10, code: 'E4001' });
      expect(e.message).toContain('f → g → f');
    },
    GUARD,
  );

  it(
    'a chain of 100 blocks each calling the next: E4002 call depth, located',
    () => {
      const lines = Array.from({ length: 100 }, (_, i) =>
        i === 99 ? `block b${i}(x) { return relu(x) }` : `block b${i}(x) { return b${i + 1}(x) }`,
      );
      const text = `${lines.join('\n')}\nmodel m(x: [4]) { return b0(x) }\n`;
      const e = theError(check(text));
      const depth = defaultLimits.callDepth;
      // The model's frame plus b0 .. b(depth-2) fill the limit; b(depth-2) calling b(depth-1) fails.
      expect(e).toMatchObject({ file: FILE, ...at(text, `b${depth - 1}(x) }`), code: 'E4002' });
      expect(e.message).toContain(`${depth} deep`);
      expect(e.d.expansion.length).toBe(depth - 1);
      renders(check(text));
    },
    GUARD,
  );
});

describe('imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'an import of a missing file: E1008 at the path',
    () => {
      const path = join(dir, 'main.net');
      const text = 'import "no/such/file.net"\nmodel m(x: [4]) { return x }\n';
      const e = theError(check(text, {}, path));
      expect(e).toMatchObject({ file: path, line: 1, column: 8, code: 'E1008' });
      expect(e.message).toContain('no such file');
    },
    GUARD,
  );

  it(
    'an import of a directory or a non-.net file: E1008',
    () => {
      const path = join(dir, 'main.net');
      writeFileSync(join(dir, 'notes.txt'), 'hello');
      const text =
        'import "."\nimport "notes.txt"\nimport "sub.net"\nmodel m(x: [4]) { return x }\n';
      writeFileSync(join(dir, 'sub.net'), ''); // fine, for comparison
      const r = check(text, {}, path);
      expect(errors(r).map(where)).toEqual([
        { file: path, line: 1, column: 8, code: 'E1008' },
        { file: path, line: 2, column: 8, code: 'E1008' },
      ]);
    },
    GUARD,
  );

  it(
    'an import cycle terminates and definitions from both files resolve',
    () => {
      const a = join(dir, 'a.net');
      const b = join(dir, 'b.net');
      writeFileSync(
        a,
        'import "b.net"\nblock from_a(x) { return relu(x) }\nmodel m(x: [4]) { return from_b(x) }\n',
      );
      writeFileSync(b, 'import "a.net"\nblock from_b(x) { return from_a(x) }\n');
      const r = check(readFileSync(a, 'utf8'), {}, a);
      expect(listed(r)).toEqual([]);
      expect(r.graphs).toHaveLength(1);
      expect(r.graphs[0].nodes.map((n) => n.op)).toEqual(['input', 'relu']);
    },
    GUARD,
  );

  it(
    'a file that imports itself terminates',
    () => {
      const self = join(dir, 'self.net');
      const text = 'import "self.net"\nimport "./self.net"\nmodel m(x: [4]) { return x }\n';
      writeFileSync(self, text);
      const r = check(text, {}, self);
      expect(listed(r)).toEqual([]);
      expect(r.graphs).toHaveLength(1);
    },
    GUARD,
  );

  it(
    'a syntax error inside an imported file is located in that file',
    () => {
      const lib = join(dir, 'broken.net');
      writeFileSync(lib, 'block ok(x) { return x }\n\nblock bad(x) {\n  return x +\n}\n');
      const main = join(dir, 'uses-broken.net');
      const r = check('import "broken.net"\nmodel m(x: [4]) { return ok(x) }\n', {}, main);
      const e = theError(r);
      expect(e).toMatchObject({ file: lib, line: 5, column: 1, code: 'E0002' });
    },
    GUARD,
  );

  it(
    'a limit hit inside a block of an imported file is located in that file, with its expansion',
    () => {
      const lib = join(dir, 'slow-lib.net');
      const libText = [
        '# a library',
        'block deep(x) {',
        '  for i in range(100000) {',
        '    for j in range(100000) {',
        '      y = i',
        '    }',
        '  }',
        '  return x',
        '}',
        '',
      ].join('\n');
      writeFileSync(lib, libText);
      const main = join(dir, 'uses-slow.net');
      const text = 'import "slow-lib.net"\nmodel m(x: [4]) {\n  return deep(x)\n}\n';
      const e = theError(check(text, {}, main));
      expect(e.file).toBe(lib);
      expect(e.code).toBe('E4002');
      expect([4, 5]).toContain(e.line);
      expect(e.d.expansion.map((f) => [f.call, f.span.source.path])).toEqual([['deep()', main]]);
      expect(where({ ...e.d, span: e.d.expansion[0].span })).toMatchObject({ line: 3, column: 10 });
    },
    GUARD,
  );

  it(
    'a long import chain stops at the file limit with a located E1008',
    () => {
      const files = new Map<string, string>();
      const n = defaultLimits.files + 10;
      for (let i = 0; i < n; i++) files.set(`/chain/f${i}.net`, `import "f${i + 1}.net"\n`);
      files.set(`/chain/f${n}.net`, '');
      const readFile = (p: string): string => {
        const text = files.get(p);
        if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
        return text;
      };
      const r = checkSource(new Source('/chain/f0.net', files.get('/chain/f0.net')!), { readFile });
      const e = theError(r);
      expect(e.code).toBe('E1008');
      expect(e.message).toContain(`${defaultLimits.files} files`);
      expect(e.line).toBe(1);
      expect(e.column).toBe(8);
    },
    GUARD,
  );
});

describe('strings and many errors', () => {
  it(
    'an unterminated string: E0004 at the opening quote',
    () => {
      const text = 'model m(x: [4]) {\n  y = x |> conv2d(3, 3, padding: "same)\n  return y\n}\n';
      const r = check(text);
      const first = errors(r)[0];
      expect(where(first)).toEqual({ file: FILE, ...at(text, '"same'), code: 'E0004' });
      renders(r);
    },
    GUARD,
  );

  it(
    'an unterminated string at the very end of the file: E0004',
    () => {
      const text = 'model m(x: [4]) {\n  return x\n}\n"';
      expect(where(errors(check(text))[0])).toEqual({
        file: FILE,
        line: 4,
        column: 1,
        code: 'E0004',
      });
    },
    GUARD,
  );

  it(
    'a string containing every control character (except line breaks) is legal and printed safely',
    () => {
      const controls = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i))
        .filter((c) => c !== '\n' && c !== '\r')
        .join('');
      const text = `model m(x: [4]) {\n  s = "${controls}\x7f\u2028\u2029\x1b[2J"\n  return x |> dense(s)\n}\n`;
      const r = check(text);
      const e = theError(r);
      expect(e).toMatchObject({ file: FILE, line: 3, code: 'E2001' });
      renders(r);
      // The warning-free variant: the string is simply accepted.
      const clean = check(`model m(x: [4]) {\n  _s = "${controls}\x7f"\n  return x\n}\n`);
      expect(listed(clean)).toEqual([]);
    },
    GUARD,
  );

  it(
    'a model with 100 syntax errors: reporting is capped, every report located, no exception',
    () => {
      const lines = Array.from({ length: 100 }, (_, i) => `  y${i} = = )`);
      const text = `model m(x: [4]) {\n${lines.join('\n')}\n  return x\n}\n`;
      const r = check(text);
      const errs = errors(r);
      expect(errs.length).toBeGreaterThan(1);
      expect(errs.length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS);
      expect(where(errs[0])).toEqual({ file: FILE, ...at(text, '= )'), code: 'E0002' });
      errs.forEach((d, i) => expect(where(d).line).toBe(i + 2));
      expect(r.graphs).toHaveLength(0);
      renders(r);
    },
    GUARD,
  );

  it(
    '100,000 tokens of junk statements stop after the error cap',
    () => {
      const text = `model m(x: [4]) {\n${'  a b c d\n'.repeat(20_000)}}\n`;
      const r = check(text);
      expect(errors(r).length).toBeLessThanOrEqual(MAX_SYNTAX_ERRORS);
      expect(where(errors(r)[0])).toEqual({ file: FILE, line: 2, column: 5, code: 'E0002' });
    },
    GUARD,
  );
});
