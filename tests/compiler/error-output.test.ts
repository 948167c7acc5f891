/**
 * Error-output goldens: what `netc check FILE` prints (no colour) for the multi-error fixture
 * and a few small broken sources, through the CLI's `main`, compared with
 * tests/golden/errors/*.txt (`npx vitest run tests/compiler/error-output.test.ts -u` rewrites
 * them after an intended change; review the diff).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

const repo = join(import.meta.dirname, '../..');
const sources = join(repo, 'tests/fixtures/sources');

/** Repository-relative paths of the sources, the multi-error fixture first. */
const files = [
  'tests/fixtures/sources/errors.net',
  ...readdirSync(join(sources, 'broken'))
    .filter((f) => f.endsWith('.net'))
    .sort()
    .map((f) => `tests/fixtures/sources/broken/${f}`),
];

/**
 * `netc check` on one file as a terminal without colour shows it: the command, the exit status,
 * then stdout and stderr. The path is given relative to the working directory and written
 * repository-relative, so the text does not depend on where the repository is.
 */
async function checkOutput(file: string): Promise<string> {
  const given = relative(process.cwd(), join(repo, file));
  const out: string[] = [];
  const err: string[] = [];
  const line = (t: string) => (t.endsWith('\n') ? t : `${t}\n`);
  const code = await main(['check', given], {
    out: (t) => void out.push(line(t)),
    err: (t) => void err.push(line(t)),
    color: false,
  });
  const text = (chunks: string[]) => chunks.join('').replaceAll(given, file);
  return `$ netc check ${file}\nexit ${code}\n--- stdout\n${text(out)}--- stderr\n${text(err)}`;
}

describe('netc check output', () => {
  const codes = new Set<string>();

  it.each(files)('%s', async (file) => {
    const text = await checkOutput(file);
    for (const m of text.matchAll(/^\S+:\d+:\d+: (?:error|warning)\[(\w+)\]/gm)) codes.add(m[1]);
    // No ANSI escapes, no stack trace, no absolute path.
    expect(text).not.toMatch(/\x1b\[/);
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain(repo);
    const name = file
      .split('/')
      .pop()!
      .replace(/\.net$/, '');
    await expect(text).toMatchFileSnapshot(`../golden/errors/${name}.txt`);
  });

  it('cover syntax, name, value, shape, limit and warning diagnostics', () => {
    const families = new Set([...codes].map((c) => c.slice(0, 2)));
    expect([...families].sort()).toEqual(['E0', 'E1', 'E2', 'E3', 'E4', 'W0']);
  });
});
