import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from '../../grammar/parse.js';
import { print } from '../../grammar/printer.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = readFileSync(join(root, 'docs/language.md'), 'utf8');
const parserSource = readFileSync(join(root, 'grammar/parser.ts'), 'utf8');

/** The contents of each fenced block of `language` in the document. */
function fenced(language: string): string[] {
  return [...doc.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map(
    (m) => m[1],
  );
}

/** `name = definition` productions, whitespace removed so that layout does not matter. */
function productions(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*([a-zA-Z]+)\s*=\s*([\s\S]*?)\s*;\s*$/gm))
    out.set(m[1], m[2].replace(/\s+/g, ''));
  return out;
}

describe('docs/language.md', () => {
  const examples = fenced('net');

  it('has examples', () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  it.each(examples.map((text, i) => [i + 1, text.split('\n')[0], text]))(
    'example %i (%s) parses and is formatted',
    (_i, _first, text) => {
      const { program, problems } = parse(text);
      expect(problems).toEqual([]);
      expect(print(program, text)).toBe(text);
    },
  );

  it('gives the grammar of the parser', () => {
    const [ebnf] = fenced('ebnf');
    const documented = productions(ebnf.replace(/\n\s+\|/g, ' |'));
    const comments = [...parserSource.matchAll(/\/\*\* ([a-zA-Z]+ = .*) \*\//g)]
      .map((m) => `${m[1]} ;`)
      .join('\n');
    const implemented = productions(comments);
    expect(implemented.size).toBeGreaterThan(25);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(implemented));
  });
});
