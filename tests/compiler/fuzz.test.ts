/**
 * Property-based fuzzing of the whole front end (`checkSource`): arbitrary text, token soup,
 * and mutations of real sources. Every run uses a fixed seed, so CI is deterministic; a failure
 * prints the seed and path to replay it (`fc.assert(..., { seed, path })`). For a longer hunt:
 * `NETC_FUZZ_SEED=7 NETC_FUZZ_SCALE=20 npx vitest run tests/compiler/fuzz.test.ts`.
 *
 * Properties: nothing throws; every diagnostic is located inside its file (line >= 1, column
 * >= 1, within the file's lines) and renders in every output format; `ok` agrees with the
 * errors; a clean result has one graph per model; the same input gives the same diagnostics.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSource, type CheckResult } from '../../compiler/compile.js';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import {
  diagnosticJson,
  formatDiagnostic,
  githubAnnotation,
} from '../../compiler/diagnostics/format.js';
import type { Limits } from '../../compiler/lower/limits.js';
import type { Shape } from '../../compiler/ir/shape.js';
import { getOp } from '../../compiler/ops/registry.js';
import { Source } from '../../compiler/source.js';

/** Fixed by default; NETC_FUZZ_SEED and NETC_FUZZ_SCALE (a run-count multiplier) explore further. */
const SEED = Number(process.env.NETC_FUZZ_SEED ?? 42);
const SCALE = Number(process.env.NETC_FUZZ_SCALE ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Small limits for random programs, so that a run that loops costs milliseconds, not seconds. */
const smallLimits: Limits = {
  loopIterations: 1000,
  nodes: 5000,
  steps: 50_000,
  callDepth: 16,
  files: 8,
};

/** Imports resolve only inside the repository (samples, stdlib); anything else is missing. */
function readFile(path: string): string {
  if (!path.startsWith(`${ROOT}/`))
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return readFileSync(path, 'utf8');
}

function located(d: Diagnostic): string | undefined {
  const { source, start, end } = d.span;
  const text = source.text;
  if (!(
    Number.isInteger(start) &&
    Number.isInteger(end) &&
    0 <= start &&
    start <= end &&
    end <= text.length
  )) {
    return `span ${start}-${end} outside ${source.path} (${text.length} chars)`;
  }
  const lines = text.split('\n');
  for (const [what, offset] of [
    ['start', start],
    ['end', end],
  ] as const) {
    const { line, column } = source.position(offset);
    if (!(
      line >= 1 &&
      column >= 1 &&
      line <= lines.length &&
      column <= lines[line - 1].length + 1
    )) {
      return `${what} ${line}:${column} outside ${source.path} (${lines.length} lines)`;
    }
  }
  return undefined;
}

/** The invariants every check result must satisfy. Returns the result for further checks. */
function checkInvariants(
  path: string,
  text: string,
  options: { limits?: Limits } = {},
): CheckResult {
  let r: CheckResult;
  try {
    r = checkSource(new Source(path, text), { readFile, ...options });
  } catch (e) {
    throw new Error(`checkSource threw ${(e as Error)?.stack ?? String(e)}`);
  }
  for (const d of r.diagnostics) {
    const problem = located(d);
    if (problem) throw new Error(`${d.code} '${d.message}': ${problem}`);
    for (const n of d.notes)
      if (n.span && located({ ...d, span: n.span }))
        throw new Error(`note of ${d.code} badly located`);
    for (const f of d.expansion)
      if (located({ ...d, span: f.span })) throw new Error(`expansion of ${d.code} badly located`);
    expect(d.message.length).toBeGreaterThan(0);
    formatDiagnostic(d, { color: true });
    JSON.stringify(diagnosticJson(d));
    expect(githubAnnotation(d)).not.toMatch(/[\r\n]/);
  }
  const hasErrors = r.diagnostics.some((d) => d.severity === 'error');
  expect(r.ok).toBe(!hasErrors);
  const models = r.program.own.filter((ref) => ref.def.kind === 'Model').length;
  expect(r.graphs.length).toBeLessThanOrEqual(models);
  if (r.ok) expect(r.graphs.length).toBe(models); // lowering terminated for every model
  for (const g of r.graphs) {
    g.nodes.forEach((n, i) => {
      expect(n.id).toBe(i);
      for (const input of n.inputs) expect(input).toBeLessThan(i); // topological order
    });
  }
  return r;
}

const summary = (r: CheckResult): string[] =>
  r.diagnostics.map(
    (d) => `${d.code}@${d.span.source.path}:${d.span.start}-${d.span.end} ${d.message}`,
  );

// ---------------------------------------------------------------------------------------------
// (a) arbitrary text

describe('arbitrary text', () => {
  const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
  const languageChar = fc.constantFrom(
    ...'(){}[]"#\\\n\r\t =+-*/%<>!?:,.|_aAzZ09'.split(''),
    'model',
    'block',
    ' x ',
  );
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'binary-ascii', maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 100 }),
    fc.string({
      unit: fc.oneof(languageChar, loneSurrogate, fc.string({ unit: 'binary', maxLength: 1 })),
      maxLength: 300,
    }),
  );

  it('checkSource never throws and every diagnostic is located in the text', () => {
    fc.assert(
      fc.property(text, (t) => {
        checkInvariants('/fuzz/arbitrary.net', t);
      }),
      { seed: SEED, numRuns: runs(600) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (b) token soup

const KEYWORDS = [
  'block',
  'model',
  'import',
  'for',
  'in',
  'if',
  'else',
  'return',
  'and',
  'or',
  'not',
  'true',
  'false',
  'none',
];
const NAMES = [
  'x',
  'y',
  'z',
  'i',
  'j',
  'b',
  'm',
  '_t',
  'image',
  'filters',
  'stride',
  'groups',
  'name',
  'axis',
  'padding',
];
const CALLEES_BUILTIN = [
  'range',
  'enumerate',
  'zip',
  'len',
  'min',
  'max',
  'abs',
  'ceil',
  'floor',
  'round',
  'str',
  'int',
  'float',
  'shape',
  'channels',
  'rank',
];
const OPS = [
  'conv2d',
  'dense',
  'relu',
  'softmax',
  'batch_norm',
  'max_pool2d',
  'global_avg_pool2d',
  'concat',
  'add',
  'flatten',
  'reshape',
  'dropout',
  'zero_pad2d',
  'embedding',
  'input',
];
const NUMBERS = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '32',
  '64',
  '1000',
  '100000',
  '1000000000000',
  '99999999999999999999',
  '0.5',
  '1.',
  '.5',
  '1e3',
  '2E-2',
  '007',
];
const STRINGS = [
  '"same"',
  '"valid"',
  '"x.net"',
  '"std/resnet.net"',
  '"a\\"b"',
  '"\\u{1F600}"',
  '""',
  '"\\n"',
  '"unterminated',
  '"x\u0000y"',
];
const PUNCT = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
  '?',
  '|>',
  '#',
  '# comment\n',
  '.',
  '!',
  '@',
  '$',
  '~',
  '\\',
  ';',
  "'",
];

const token = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...KEYWORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...NAMES, ...CALLEES_BUILTIN, ...OPS) },
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom(...STRINGS) },
  { weight: 5, arbitrary: fc.constantFrom(...PUNCT) },
);
const gap = fc.constantFrom(' ', ' ', ' ', '\n', '  ', '\t', '', '\r\n');
const soup = fc
  .array(fc.tuple(token, gap), { maxLength: 120 })
  .map((parts) => parts.map(([t, g]) => t + g).join(''));

/** Half of the soups are poured into a model body, so that lowering sees them too. */
const program = fc.oneof(
  soup,
  soup.map((s) => `model m(x: [8, 8, 4]) {\n${s}\n  return x\n}\n`),
  fc
    .tuple(soup, soup)
    .map(
      ([a, s]) =>
        `block b(x, n = 2) {\n${a}\n  return x\n}\nmodel m(x: [8, 8, 4]) {\n  y = b(x)\n${s}\n  return y\n}\n`,
    ),
);

describe('token soup', () => {
  it('checkSource never throws, diagnostics are located, and results are deterministic', () => {
    fc.assert(
      fc.property(program, (t) => {
        const first = checkInvariants('/fuzz/soup.net', t, { limits: smallLimits });
        const again = checkSource(new Source('/fuzz/soup.net', t), {
          readFile,
          limits: smallLimits,
        });
        expect(summary(again)).toEqual(summary(first));
      }),
      { seed: SEED, numRuns: runs(500) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// (b') random well-formed programs: every one must parse, so the fuzzing reaches lowering

const LEAVES = [
  'x',
  'v',
  'n',
  'l',
  's',
  't',
  'k',
  '0',
  '1',
  '2',
  '3',
  '8',
  '32',
  '-1',
  '0.5',
  'true',
  'false',
  'none',
  '"same"',
  '"valid"',
  '"relu"',
  '[]',
  '[1, 2]',
  '[[0, 1], [1, 0]]',
];
const BINARY = ['+', '-', '*', '/', '//', '%', '**', '==', '!=', '<', '<=', '>', '>=', 'and', 'or'];
const CALLEES = [...OPS, ...CALLEES_BUILTIN, 'b'];
const ARG_NAMES = [
  'stride',
  'padding',
  'groups',
  'bias',
  'axis',
  'name',
  'activation',
  'units',
  'k',
  'rate',
  'shape',
];

const { expression } = fc.letrec<{ expression: string; argument: string }>((tie) => ({
  expression: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    fc.constantFrom(...LEAVES),
    fc
      .tuple(tie('expression'), fc.constantFrom(...BINARY), tie('expression'))
      .map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc.tuple(fc.constantFrom('-', '+', 'not '), tie('expression')).map(([o, a]) => `(${o}(${a}))`),
    fc
      .tuple(tie('expression'), tie('expression'), tie('expression'))
      .map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
    fc
      .tuple(
        tie('expression'),
        fc.constantFrom(...CALLEES),
        fc.array(tie('argument'), { maxLength: 3 }),
      )
      .map(([a, f, args]) => `(${a} |> ${f}${args.length ? `(${args.join(', ')})` : ''})`),
    fc
      .tuple(fc.constantFrom(...CALLEES), fc.array(tie('argument'), { maxLength: 3 }))
      .map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.array(tie('expression'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.tuple(tie('expression'), tie('expression')).map(([a, i]) => `(${a})[${i}]`),
  ),
  argument: fc.oneof(
    tie('expression'),
    fc.tuple(fc.constantFrom(...ARG_NAMES), tie('expression')).map(([n, e]) => `${n}: ${e}`),
  ),
}));

const { statements } = fc.letrec<{ statements: string[]; statement: string }>((tie) => ({
  statement: fc.oneof(
    { maxDepth: 2, depthSize: 'small' },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom('x', 'v', 'n', 'l', 't', 'y', 'z'), expression)
        .map(([n, e]) => `${n} = ${e}`),
    },
    fc
      .tuple(fc.constantFrom('i', '(i, j)', 'k'), expression, tie('statements'))
      .map(([p, e, body]) => `for ${p} in ${e} {\n${body.join('\n')}\n}`),
    fc
      .tuple(expression, tie('statements'))
      .map(([p, body]) => `for i in range(${p}) {\n${body.join('\n')}\n}`),
    fc
      .tuple(expression, tie('statements'), fc.option(tie('statements')))
      .map(([c, a, b]) => `if ${c} {\n${a.join('\n')}\n}${b ? ` else {\n${b.join('\n')}\n}` : ''}`),
    expression.map((e) => `return ${e}`),
  ),
  statements: fc.array(tie('statement'), { maxLength: 4 }),
}));

const wellFormed = fc.tuple(statements, statements, expression, expression).map(
  ([blockBody, modelBody, ret, modelRet]) => `block b(t, k = 2) {
${blockBody.join('\n')}
  return ${ret}
}
model m(x: [8, 8, 4], v: [16], n = 3) {
  l = [1, 2, 3]
  s = "same"
  t = x |> conv2d(4, 3, padding: "same")
${modelBody.join('\n')}
  return ${modelRet}
}
`,
);

describe('random well-formed programs', () => {
  it('always parse, and lower to a graph or located errors without throwing', () => {
    let graphs = 0;
    fc.assert(
      fc.property(wellFormed, (t) => {
        const r = checkInvariants('/fuzz/well-formed.net', t, { limits: smallLimits });
        const syntax = r.diagnostics.filter((d) => d.code.startsWith('E0'));
        expect(syntax.map((d) => `${d.code} ${d.message}`)).toEqual([]);
        graphs += r.graphs.length;
      }),
      { seed: SEED, numRuns: runs(400) },
    );
    expect(graphs).toBeGreaterThan(0); // some programs are also valid all the way through
  });
});

// ---------------------------------------------------------------------------------------------
// (c) mutations of real sources

/** tests/fixtures/sources under a virtual directory; samples at their real path, so imports resolve. */
function corpus(): { path: string; text: string }[] {
  const fixtures = join(ROOT, 'tests/fixtures/sources');
  const out = readdirSync(fixtures)
    .filter((n) => n.endsWith('.net'))
    .sort()
    .map((name) => ({
      path: `/virtual/fixtures/${name}`,
      text: readFileSync(join(fixtures, name), 'utf8'),
    }));
  const samples = join(ROOT, 'samples');
  if (existsSync(samples)) {
    for (const f of readdirSync(samples)
      .filter((n) => n.endsWith('.net'))
      .sort()) {
      const path = join(samples, f);
      out.push({ path, text: readFileSync(path, 'utf8') });
    }
  }
  return out;
}

/** Tokens with the whitespace and comments between them, so that joining gives the text back. */
const TOKEN =
  /\s+|#[^\n]*|"(?:[^"\\\n]|\\.)*"?|\d+\.?\d*(?:[eE][+-]?\d+)?|[A-Za-z_]\w*|\|>|\*\*|\/\/|[=!<>]=|[^]/gu;
const split = (text: string): string[] => text.match(TOKEN) ?? [];

type Mutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'swap'; at: number; length: number; other: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace'; at: number; text: string };

const position = fc.nat({ max: 1_000_000 });
const span = fc.integer({ min: 1, max: 12 });
const insertion = fc.oneof(
  fc.constantFrom(
    ...PUNCT,
    ...KEYWORDS,
    ...NUMBERS,
    ...STRINGS,
    ' ',
    '\n',
    '\u0000',
    '\uFFFD',
    '\u00e9',
    '\u{1F600}',
    '\ud800',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: position, length: span }),
  fc.record({ kind: fc.constant('duplicate' as const), at: position, length: span }),
  fc.record({ kind: fc.constant('swap' as const), at: position, length: span, other: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, text: insertion }),
  fc.record({ kind: fc.constant('replace' as const), at: position, text: insertion }),
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let tokens = split(text);
  for (const m of mutations) {
    if (tokens.length === 0) tokens = [''];
    const at = m.at % tokens.length;
    switch (m.kind) {
      case 'delete':
        tokens.splice(at, m.length);
        break;
      case 'duplicate':
        tokens.splice(at, 0, ...tokens.slice(at, at + m.length));
        break;
      case 'swap': {
        const a = tokens.slice(at, at + m.length);
        const rest = [...tokens.slice(0, at), ...tokens.slice(at + m.length)];
        const to = rest.length === 0 ? 0 : m.other % (rest.length + 1);
        tokens = [...rest.slice(0, to), ...a, ...rest.slice(to)];
        break;
      }
      case 'insert':
        tokens.splice(at, 0, m.text);
        break;
      case 'replace':
        tokens[at] = m.text;
        break;
    }
  }
  return tokens.join('');
}

describe('mutated real sources', () => {
  const sources = corpus();

  it('the tokenizer used for mutations gives every source back unchanged', () => {
    for (const s of sources) expect(split(s.text).join('')).toBe(s.text);
  });

  it('checkSource never throws, diagnostics are located, and lowering terminates', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: sources.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (which, mutations) => {
          const { path, text } = sources[which];
          const r = checkInvariants(path, mutate(text, mutations));
          const syntax = r.diagnostics.some(
            (d) => d.code.startsWith('E0') && d.span.source === r.source,
          );
          // A syntactically valid mutant was lowered to the end: a graph or an error per model.
          if (!syntax && r.ok)
            expect(r.graphs.length).toBe(
              r.program.own.filter((d) => d.def.kind === 'Model').length,
            );
        },
      ),
      { seed: SEED, numRuns: runs(250) },
    );
  });

  it('most single mutations still parse (the mutator is not just a syntax-error generator)', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.nat({ max: sources.length - 1 }), mutation, (which, m) => {
        const r = checkInvariants(sources[which].path, mutate(sources[which].text, [m]));
        if (!r.diagnostics.some((d) => d.code.startsWith('E0'))) parsed++;
      }),
      { seed: SEED, numRuns: runs(60) },
    );
    expect(parsed).toBeGreaterThan(5);
  });
});

// ---------------------------------------------------------------------------------------------
// Differential check of the linear shape-compatibility scans of add/concat against the
// straightforward pairwise definition (first incompatible pair by j, then i).

function pairwise(
  inputs: readonly Shape[],
  compatible: (a: Shape, b: Shape) => boolean,
): [number, number] | undefined {
  for (let j = 1; j < inputs.length; j++)
    for (let i = 0; i < j; i++) if (!compatible(inputs[i], inputs[j])) return [i, j];
  return undefined;
}

describe('merging ops agree with the pairwise definition', () => {
  const dim = fc.constantFrom<number | string | null>(1, 2, 3, null, 'T', 'U');
  const dimOk = (a: number | string | null, b: number | string | null): boolean =>
    a === null || b === null || a === b;
  const label = (inputs: readonly Shape[], k: number): string =>
    `[${inputs[k].map((d) => (d === null ? '?' : String(d))).join(', ')}]${inputs.length > 2 ? ` (input ${k + 1})` : ''}`;

  it('add broadcasts as the per-dimension definition says, and reports the first clash', () => {
    // Mixed ranks, aligned on the last dimension. Along one aligned dimension the sizes other
    // than 1 and unknown must be one value; the result is it, else unknown if any, else 1.
    const mixed = fc.array(fc.array(dim, { minLength: 1, maxLength: 3 }), {
      minLength: 2,
      maxLength: 7,
    });
    const at = (s: Shape, axis: number, rank: number) => s[axis - (rank - s.length)];
    fc.assert(
      fc.property(mixed, (inputs) => {
        const run = () => getOp('add')!.shape(inputs, {});
        // Dimensions are numbered in the result, whose rank is the largest.
        const rank = Math.max(...inputs.map((s) => s.length));
        const broadcast = (some: readonly Shape[]) => {
          return Array.from({ length: rank }, (_, axis) => {
            const dims = some.map((s) => at(s, axis, rank));
            const values = [...new Set(dims.filter((d) => d !== 1 && d != null))];
            const want = values[0] ?? (dims.includes(null) ? null : 1);
            return { dims, values, want };
          });
        };
        for (let j = 2; j <= inputs.length; j++) {
          const axes = broadcast(inputs.slice(0, j));
          const axis = axes.findIndex((a) => a.values.length > 1);
          if (axis >= 0) {
            const i = axes[axis].dims.findIndex((d) => d === axes[axis].values[0]);
            expect(run).toThrow(
              `${label(inputs, i)} with ${label(inputs, j - 1)}: dimension ${axis} is`,
            );
            return;
          }
        }
        expect(run()).toEqual(broadcast(inputs).map((a) => a.want));
      }),
      { seed: SEED, numRuns: runs(400) },
    );
  });

  it('concat reports the same first mismatch', () => {
    const sameRank = fc.integer({ min: 1, max: 3 }).chain((rank) =>
      fc.tuple(
        fc.array(fc.array(dim, { minLength: rank, maxLength: rank }), {
          minLength: 2,
          maxLength: 7,
        }),
        fc.nat({ max: rank - 1 }),
      ),
    );
    fc.assert(
      fc.property(sameRank, ([inputs, axis]) => {
        const bad = pairwise(inputs, (a, b) => a.every((d, k) => k === axis || dimOk(d, b[k])));
        const run = () => getOp('concat')!.shape(inputs, { axis });
        if (!bad) expect(run).not.toThrow();
        else expect(run).toThrow(`${label(inputs, bad[0])} and ${label(inputs, bad[1])}`);
      }),
      { seed: SEED, numRuns: runs(400) },
    );
  });
});
