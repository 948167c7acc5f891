/**
 * A fuzzer for the command line: hostile `.net` sources (random ASTs from the grammar's
 * generator, byte-level mutations of them and of a valid model, control and bidi characters,
 * long names) under hostile file names, through `check` (text, github, json), `fmt --check`,
 * `fmt` and `summary`, in-process. Every run ends with exit status 0, 1 or 2, never an internal
 * compiler error or a stack trace, and nothing it prints holds a raw control, bidi or invisible
 * character (JSON stays valid); `fmt`'s result is formatted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { print } from '../../grammar/printer.js';
import { programOf, randomExpr, rng } from '../grammar/random-ast.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  out: string;
  err: string;
}

async function netc(args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    color: false,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Controls (except LF), DEL, C1, bidi controls, zero-width and other invisible characters. */
const RAW_UNSAFE =
  /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u;
/** A JavaScript stack frame: `    at f (file.ts:1:2)`. */
const STACK_FRAME = /^\s+at .*:\d+:\d+\)?$/m;

/** The properties every run has. */
function expectSane(r: Run, what: string): void {
  expect([0, 1, 2], `${what}: exit status`).toContain(r.code);
  const all = `${r.out}\n${r.err}`;
  expect(all, what).not.toContain('internal compiler error');
  expect(all, what).not.toMatch(STACK_FRAME);
  expect(all, what).not.toMatch(RAW_UNSAFE);
}

const VALID = `import "lib.net"

block unit(x, filters = 8) {
  y = x |> conv2d(filters, 3, name: "conv") |> batch_norm |> relu
  return y
}

model m(image: [32, 32, 3], n = 2) {
  x = image
  for i in range(n) {
    x = unit(x, filters: 8 * (i + 1))
  }
  return logits: x |> global_avg_pool2d |> dense(10)
}
`;

/** Characters a mutation inserts: structure, quotes, controls, bidi, invisible, astral. */
const HOSTILE = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '"',
  '#',
  '\n',
  '|>',
  ',',
  ':',
  '=',
  '\\',
  '\0',
  '\x1b[31m',
  '\x1b]0;t\x07',
  '\r',
  '\x7f',
  '\x85',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\u2028',
  '😀',
  '\ud800',
  'model',
  'block',
  'return',
  'x'.repeat(300),
];

/** A source: a printed random AST, or the valid model, or a long name; then mutations. */
const sourceArb = fc
  .record({
    base: fc.oneof(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }).map((seed) => {
        const e = randomExpr(rng(seed), 4);
        const block = print(programOf(e));
        return `${block}\nmodel m(x: [4]) {\n  y = x |> dense(3)\n  return y\n}\n`;
      }),
      fc.constant(VALID),
      fc
        .integer({ min: 81, max: 5000 })
        .map(
          (n) => `model m(x: [4]) {\n  ${'v'.repeat(n)} = 1\n  return x |> ${'f'.repeat(n)}\n}\n`,
        ),
    ),
    mutations: fc.array(
      fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        kind: fc.constantFrom('insert', 'delete', 'duplicate', 'byte'),
        text: fc.constantFrom(...HOSTILE),
        length: fc.integer({ min: 1, max: 20 }),
        byte: fc.integer({ min: 0, max: 255 }),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ base, mutations }) => {
    let s = base;
    for (const m of mutations) {
      const i = Math.floor(m.at * s.length);
      if (m.kind === 'insert') s = s.slice(0, i) + m.text + s.slice(i);
      else if (m.kind === 'delete') s = s.slice(0, i) + s.slice(i + m.length);
      else if (m.kind === 'duplicate') s = s.slice(0, i + m.length) + s.slice(i);
      else s = s.slice(0, i) + String.fromCharCode(m.byte) + s.slice(i + 1);
    }
    return s;
  });

/** File names: plain, with a newline and a forged workflow command, bidi, ESC, long. */
const NAMES = [
  'plain.net',
  'x\n::error file=x.net::FORGED.net',
  'evil\u202egnp.net',
  'esc\x1b[2Jape.net',
  `${'n'.repeat(200)}.net`,
];

let counter = 0;
/** Writes `text` (as UTF-8, or raw bytes for some cases) under a hostile name. */
function writeCase(text: string, name: string, raw: boolean): string {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, raw ? Buffer.from(text, 'latin1') : text);
  return path;
}

describe('netc on hostile sources and file names', () => {
  it('check (text, github, json), fmt --check, fmt and summary stay sane', async () => {
    await fc.assert(
      fc.asyncProperty(
        sourceArb,
        fc.constantFrom(...NAMES),
        fc.boolean(),
        async (text, name, raw) => {
          const path = writeCase(text, name, raw);
          for (const format of ['text', 'github', 'json']) {
            const r = await netc(['check', '--format', format, path]);
            expectSane(r, `check --format ${format}`);
            if (format === 'json' && r.code !== 2) expect(() => JSON.parse(r.out)).not.toThrow();
            if (format === 'github' && r.out !== '') {
              for (const line of r.out.split('\n')) expect(line).toMatch(/^::(error|warning) /);
            }
          }
          const summary = await netc(['summary', path]);
          expectSane(summary, 'summary');
          const checked = await netc(['fmt', '--check', path]);
          expectSane(checked, 'fmt --check');
          const formatted = await netc(['fmt', path]);
          expectSane(formatted, 'fmt');
          if (formatted.code === 0) {
            // What fmt wrote is formatted, and says so.
            const again = await netc(['fmt', '--check', path]);
            expect(again.code, readFileSync(path, 'utf8')).toBe(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  }, 120_000);

  it('hostile arguments: unknown flags, values with controls, missing files, stay sane', async () => {
    const good = writeCase('model m(x: [4]) {\n  return x |> dense(2)\n}\n', 'ok.net', false);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('check', 'summary', 'fmt', 'compile', 'bogus\u202e', '--\x1b[2J'),
        fc.array(
          fc.oneof(
            fc.constantFrom(
              '--format',
              'github',
              'json',
              '--model',
              '--depth',
              '--check',
              '--target',
              good,
              join(dir, 'missing\n::error::x.net'),
              dir,
            ),
            fc.string({ unit: 'binary', maxLength: 12 }),
          ),
          { maxLength: 4 },
        ),
        async (command, args) => {
          const r = await netc([command, ...args.filter((a) => !a.includes('\0'))]);
          expectSane(r, `${command} ${args.join(' ')}`);
        },
      ),
      { numRuns: 150 },
    );
  });
});
