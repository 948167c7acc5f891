/**
 * docs/api.md: every ```ts block runs, from the repository root, in a process of its own (with
 * `netc` and `netc/compiler` resolved to this checkout's sources), and prints exactly the ```text
 * block that follows it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '../..');
const doc = readFileSync(join(repo, 'docs/api.md'), 'utf8');

interface Example {
  readonly heading: string;
  readonly code: string;
  readonly expected: string | undefined;
}

function examples(): Example[] {
  const out: Example[] = [];
  const re = /^```(ts|text)\n([\s\S]*?)^```$/gm;
  let heading = '';
  let last = 0;
  for (let m = re.exec(doc); m; m = re.exec(doc)) {
    const before = doc.slice(last, m.index);
    const h = [...before.matchAll(/^#+ (.*)$/gm)].pop();
    if (h) heading = h[1];
    last = m.index + m[0].length;
    if (m[1] === 'ts') out.push({ heading, code: m[2], expected: undefined });
    else if (out.length > 0 && out[out.length - 1].expected === undefined)
      out[out.length - 1] = { ...out[out.length - 1], expected: m[2].replace(/\n$/, '') };
  }
  return out;
}

const blocks = examples();

describe('docs/api.md', () => {
  it('has an example for each function it documents', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    for (const b of blocks) expect(b.expected, b.heading).toBeDefined();
  });

  it.each(blocks.map((b, i) => [`${i + 1}: ${b.heading}`, b] as const))('%s', (_name, block) => {
    const code = block.code
      .replaceAll("from 'netc/compiler'", `from '${join(repo, 'api/compiler.ts')}'`)
      .replaceAll("from 'netc'", `from '${join(repo, 'api/index.ts')}'`);
    const file = join(repo, `.docs-api-${process.pid}-${Math.random().toString(16).slice(2)}.ts`);
    writeFileSync(file, code);
    try {
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', file], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(stdout.replace(/\n$/, '')).toBe(block.expected);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
