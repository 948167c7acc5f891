/**
 * The vitest projects of vitest.config.ts (unit, tensor, onnx) partition the test files: vitest
 * itself resolves each project's globs, and every tests/**\/*.test.ts file on disk must fall in
 * exactly one project.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createVitest } from 'vitest/node';

const repo = join(import.meta.dirname, '..');

/** Every test file under tests/, relative to the repository, sorted. */
function testFilesOnDisk(): string[] {
  return readdirSync(join(repo, 'tests'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join('tests', f).replaceAll('\\', '/'))
    .sort();
}

/** The project names each test file is collected by, as vitest resolves the config. */
async function projectsByFile(): Promise<Map<string, string[]>> {
  const vitest = await createVitest('test', { root: repo, watch: false, reporters: [] });
  try {
    const specs = await vitest.globTestSpecifications();
    const out = new Map<string, string[]>();
    for (const spec of specs) {
      const file = relative(repo, spec.moduleId).replaceAll('\\', '/');
      out.set(file, [...(out.get(file) ?? []), spec.project.name]);
    }
    return out;
  } finally {
    await vitest.close();
  }
}

describe('the vitest projects', () => {
  it('put every test file in exactly one of unit, tensor and onnx', async () => {
    const byFile = await projectsByFile();
    const files = testFilesOnDisk();
    expect(files.length).toBeGreaterThan(40);
    const wrong = files
      .map((f) => [f, (byFile.get(f) ?? []).sort()] as const)
      .filter(([, projects]) => projects.length !== 1)
      .map(([f, projects]) => `${f}: ${projects.length ? projects.join(', ') : 'no project'}`);
    expect(wrong).toEqual([]);
    // Nothing outside tests/ is collected, and only the three projects exist.
    expect([...byFile.keys()].sort()).toEqual(files);
    expect(new Set([...byFile.values()].flat())).toEqual(new Set(['unit', 'tensor', 'onnx']));
  });
});
