/**
 * `--allow-imports DIR` on every command that follows imports: an import from outside the
 * project is refused without it (E1008 at the import's path), read with it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netc, writeArray } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-cli-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const x = await writeArray(dir, 'x.npy', [2, 3], [1, 2, 3, 4, 5, 6]);
const y = await writeArray(dir, 'y.npy', [2, 4], [1, 0, 0, 0, 0, 1, 0, 0]);

describe('--allow-imports DIR: imports from outside the project', () => {
  const shared = join(dir, 'shared');
  const project = join(dir, 'project');
  mkdirSync(shared, { recursive: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(shared, 'blocks.net'),
    'block twice(x) {\n  return x |> dense(4) |> dense(4)\n}\n',
  );
  const main = join(project, 'main.net');
  writeFileSync(
    main,
    `# uses a shared block\nimport "../shared/blocks.net"\nmodel m(x: [3]) {\n  return y: twice(x)\n}\n`,
  );
  const out = (name: string) => join(dir, name);
  const commands: [string, string[]][] = [
    ['check', ['check', main]],
    ['summary', ['summary', main]],
    ['compile', ['compile', main, '--target', 'onnx', '-o', out('m.onnx')]],
    ['init', ['init', main, '--seed', '1', '--save', out('m.safetensors')]],
    ['run', ['run', main, '--input', x]],
    ['train', ['train', main, '--x', x, '--y', y, '--loss', 'mse', '--epochs', '1']],
    ['weights convert', ['weights', 'convert', main, out('m.safetensors'), out('m2.safetensors')]],
  ];

  it.each(commands)(
    'netc %s refuses the import without the flag (E1008 at 2:8)',
    async (_, args) => {
      const r = await netc(args);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain(
        `${main}:2:8: error[E1008]: cannot import "../shared/blocks.net": ${join(shared, 'blocks.net')} is outside the project`,
      );
    },
  );

  it.each(commands)('netc %s reads it with --allow-imports', async (_, args) => {
    const r = await netc([...args, '--allow-imports', shared]);
    expect(r.stderr).not.toContain('E1008');
    expect(r.stderr).not.toMatch(/error\[|netc: /);
    expect(r.code).toBe(0);
  });

  it('a folder above the import, or several flags, also allow it; another folder does not', async () => {
    expect(
      (await netc(['check', main, '--allow-imports', project, '--allow-imports', dir])).code,
    ).toBe(0);
    const r = await netc(['check', main, '--allow-imports', project]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${main}:2:8: error[E1008]`);
  });

  it('DIR must be a folder (exit 2); netc fmt, which reads no imports, has no such option', async () => {
    const r = await netc(['check', main, '--allow-imports', join(dir, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--allow-imports ${join(dir, 'nowhere')}: not a folder`);
    expect((await netc(['fmt', main, '--allow-imports', shared])).code).toBe(2);
  });
});
