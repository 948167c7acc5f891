/**
 * io/read-file.ts and the readers on it: a path is read only when it opens (without blocking) as
 * a regular file under the reader's limit; devices, FIFOs, folders and oversized (sparse) files
 * are refused before a byte is read.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../io/npy.js';
import {
  FileReadError,
  formatBytes,
  GiB,
  MAX_ARRAY_BYTES,
  MAX_WEIGHTS_BYTES,
  readRegularFile,
} from '../../io/read-file.js';
import { readSafetensors } from '../../io/safetensors.js';
import { useTempDirs } from './helpers.js';

const LIMIT = { maxBytes: 10, what: 'test files' };

async function refusal(read: Promise<unknown>): Promise<string> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileReadError);
  return (error as Error).message;
}

describe('formatBytes', () => {
  it('writes sizes in bytes, KiB, MiB and GiB, one decimal when not whole', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MiB');
    expect(formatBytes(2 * 1024 ** 3)).toBe('2 GiB');
    expect(formatBytes(5.2 * 1024 ** 3)).toBe('5.2 GiB');
  });
});

describe('readRegularFile', () => {
  const tempDir = useTempDirs();

  it('reads a regular file whole, and one of exactly the limit', async () => {
    const dir = await tempDir();
    const path = join(dir, 'ten');
    await writeFile(
      path,
      Uint8Array.from({ length: 10 }, (_, i) => i),
    );
    expect([...(await readRegularFile(path, LIMIT))]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await writeFile(path, new Uint8Array(11));
    expect(await refusal(readRegularFile(path, LIMIT))).toBe(
      `${path} is 11 bytes; netc reads test files of at most 10 bytes`,
    );
  });

  it('refuses a symbolic link to /dev/zero without reading from it', async () => {
    const dir = await tempDir();
    const link = join(dir, 'zero');
    await symlink('/dev/zero', link);
    expect(await refusal(readRegularFile(link, LIMIT))).toBe(
      `cannot read ${link}: not a regular file (a device, FIFO or socket)`,
    );
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(readRegularFile(fifo, LIMIT))).toBe(
      `cannot read ${fifo}: not a regular file (a device, FIFO or socket)`,
    );
  });

  it('refuses a folder', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'sub'));
    expect(await refusal(readRegularFile(join(dir, 'sub'), LIMIT))).toBe(
      `cannot read ${join(dir, 'sub')}: it is a folder`,
    );
  });

  it('gives the file system error for a missing file', async () => {
    const dir = await tempDir();
    await expect(readRegularFile(join(dir, 'missing'), LIMIT)).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('the readers refuse special and oversized files before reading', () => {
  const tempDir = useTempDirs();

  it('an .npy array: a sparse 3 GiB file, /dev/zero, a FIFO', async () => {
    expect(MAX_ARRAY_BYTES).toBe(2 * GiB);
    const dir = await tempDir();
    const big = join(dir, 'big.npy');
    await writeFile(big, '');
    await truncate(big, 3 * GiB); // sparse: takes no disk space
    expect(await refusal(readNpy(big))).toBe(`${big} is 3 GiB; netc reads arrays of at most 2 GiB`);
    const zero = join(dir, 'zero.npy');
    await symlink('/dev/zero', zero);
    expect(await refusal(readNpy(zero))).toMatch(/not a regular file/);
    const fifo = join(dir, 'fifo.npy');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(readNpy(fifo))).toMatch(/not a regular file/);
  });

  it('a safetensors file: a sparse 2.5 GiB file, /dev/zero, a FIFO, a folder', async () => {
    expect(MAX_WEIGHTS_BYTES).toBe(2 * GiB);
    const dir = await tempDir();
    const big = join(dir, 'big.safetensors');
    await writeFile(big, '');
    await truncate(big, 2.5 * GiB);
    expect(await refusal(readSafetensors(big))).toBe(
      `${big} is 2.5 GiB; netc reads weights files of at most 2 GiB`,
    );
    const zero = join(dir, 'zero.safetensors');
    await symlink('/dev/zero', zero);
    expect(await refusal(readSafetensors(zero))).toMatch(/not a regular file/);
    const fifo = join(dir, 'fifo.safetensors');
    execFileSync('mkfifo', [fifo]);
    expect(await refusal(readSafetensors(fifo))).toMatch(/not a regular file/);
    const folder = join(dir, 'folder.safetensors');
    await mkdir(folder);
    expect(await refusal(readSafetensors(folder))).toMatch(/it is a folder/);
  });
});
