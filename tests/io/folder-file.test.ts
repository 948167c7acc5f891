/**
 * io/folder-file.ts: the files a tfjs folder's `model.json` names stay inside the folder, and a
 * name that leaves it gets the same message whatever lies outside.
 */
import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutsideFolderError, readFolderFile, resolveInFolder } from '../../io/folder-file.js';
import { useTempDirs } from './helpers.js';

const LIMIT = { maxBytes: 1000, what: 'weight files' };

async function outside(dir: string, member: string): Promise<string> {
  const error = await resolveInFolder(dir, member).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, member).toBeInstanceOf(OutsideFolderError);
  return (error as Error).message;
}

describe('resolveInFolder', () => {
  const tempDir = useTempDirs();

  /** `root/model` (the folder) with a.bin and sub/b.bin, and `root/secret.bin` outside it. */
  async function layout() {
    const root = await realpath(await tempDir());
    const dir = join(root, 'model');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'a.bin'), 'a');
    await writeFile(join(dir, 'sub', 'b.bin'), 'b');
    await writeFile(join(root, 'secret.bin'), 'secret');
    return { root, dir };
  }

  it('resolves names inside the folder, through links that stay inside', async () => {
    const { dir } = await layout();
    await symlink('sub/b.bin', join(dir, 'link.bin'));
    await symlink('sub', join(dir, 'alias'));
    expect(await resolveInFolder(dir, 'a.bin')).toBe(join(dir, 'a.bin'));
    expect(await resolveInFolder(dir, './sub/b.bin')).toBe(join(dir, 'sub', 'b.bin'));
    expect(await resolveInFolder(dir, 'link.bin')).toBe(join(dir, 'sub', 'b.bin'));
    expect(await resolveInFolder(dir, 'alias/b.bin')).toBe(join(dir, 'sub', 'b.bin'));
    expect(new TextDecoder().decode(await readFolderFile(dir, 'link.bin', LIMIT, 'x'))).toBe('b');
  });

  it('refuses absolute names and names going up, by name alone', async () => {
    const { root, dir } = await layout();
    expect(await outside(dir, join(root, 'secret.bin'))).toBe(
      `'${join(root, 'secret.bin')}' is outside the folder (an absolute path)`,
    );
    expect(await outside(dir, '../secret.bin')).toBe(
      "'../secret.bin' is outside the folder (a path going up with '..')",
    );
    expect(await outside(dir, 'sub/../a.bin')).toMatch(/going up/);
    expect(await outside(dir, '')).toMatch(/an empty name/);
    expect(await outside(dir, 'a\0.bin')).toMatch(/NUL/);
  });

  it('refuses links leading out with one message, whether or not their target exists', async () => {
    const { root, dir } = await layout();
    await symlink(join(root, 'secret.bin'), join(dir, 'to-file.bin'));
    await symlink(join(root, 'nothing.bin'), join(dir, 'to-nothing.bin'));
    await symlink('/dev/zero', join(dir, 'to-device.bin'));
    await symlink(root, join(dir, 'up'));
    await symlink('loop.bin', join(dir, 'loop.bin'));
    const messages = await Promise.all(
      ['to-file.bin', 'to-nothing.bin', 'to-device.bin', 'loop.bin'].map((m) => outside(dir, m)),
    );
    const reasons = messages.map((m) => m.replace(/^'[^']*' /, ''));
    expect(new Set(reasons)).toEqual(
      new Set(['is outside the folder (a symbolic link leading out of it)']),
    );
    for (const m of messages) expect(m).not.toContain(root);
    expect(await outside(dir, 'up/secret.bin')).toBe(
      "'up/secret.bin' is outside the folder (a symbolic link leading out of it)",
    );
    expect(await outside(dir, 'up/nothing.bin')).toBe(
      "'up/nothing.bin' is outside the folder (a symbolic link leading out of it)",
    );
  });

  it('gives ENOENT for a missing file inside the folder', async () => {
    const { dir } = await layout();
    await expect(resolveInFolder(dir, 'sub/missing.bin')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});
