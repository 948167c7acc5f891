import { expect } from 'vitest';
import type * as A from '../../grammar/ast.js';
import { parse } from '../../grammar/parse.js';
import { print } from '../../grammar/printer.js';

/** A copy of an AST without `loc`, `operatorLoc` and the program's `comments`. */
export function stripLocs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripLocs);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'loc' && key !== 'operatorLoc' && key !== 'comments') out[key] = stripLocs(value);
  }
  return out;
}

/** The comments' texts as a sorted multiset (trailing whitespace is not kept by the printer). */
export function commentTexts(program: A.Program): string[] {
  return program.comments.map((c) => c.text.trimEnd()).sort();
}

/** Parse `text`, failing the test on any syntax problem. */
export function parseClean(text: string): A.Program {
  const { program, problems } = parse(text);
  expect(problems).toEqual([]);
  return program;
}

/** Format `text` as `netc fmt` does. */
export function format(text: string): string {
  return print(parseClean(text), text);
}

/** Formatting keeps the AST and every comment, and formatting the result changes nothing. */
export function expectRoundTrip(text: string): string {
  const program = parseClean(text);
  const printed = print(program, text);
  const reparsed = parseClean(printed);
  expect(stripLocs(reparsed)).toEqual(stripLocs(program));
  expect(commentTexts(reparsed)).toEqual(commentTexts(program));
  expect(print(reparsed, printed)).toBe(printed);
  return printed;
}
