/**
 * Every `.net` file of samples/ and stdlib/ is in `netc fmt`'s canonical form: formatting it
 * changes nothing (so it is idempotent on them), keeps the tree, and no line is over the
 * printer's 100 columns unless it is one token that cannot break (a comment or a string).
 * samples/resnet18_d2l.net and stdlib/resnet.net held 115- and 111-column calls.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WIDTH } from '../../grammar/printer.js';
import { expectRoundTrip } from './ast-utils.js';

const repo = join(import.meta.dirname, '../..');

function netFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? netFiles(join(dir, e.name))
      : e.name.endsWith('.net')
        ? [join(dir, e.name)]
        : [],
  );
}

const files = [...netFiles(join(repo, 'samples')), ...netFiles(join(repo, 'stdlib'))].map((f) =>
  relative(repo, f),
);

/** A line that cannot break: a comment, or a lone string literal. */
const unbreakable = (line: string): boolean => /^\s*(#|"[^"]*",?$)/.test(line);

describe('samples/ and stdlib/ are formatted', () => {
  it('finds the files', () => {
    expect(files).toContain('samples/resnet18_d2l.net');
    expect(files).toContain('stdlib/resnet.net');
  });

  it.each(files)('%s: netc fmt changes nothing, every line within 100 columns', (file) => {
    const text = readFileSync(join(repo, file), 'utf8');
    const formatted = expectRoundTrip(text);
    const long = formatted
      .split('\n')
      .map((line, i) => ({ line: i + 1, width: line.length, text: line }))
      .filter((l) => l.width > WIDTH && !unbreakable(l.text));
    expect(long).toEqual([]);
    expect(WIDTH).toBe(100);
    expect(formatted).toBe(text);
  });
});
