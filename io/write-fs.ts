/**
 * The file-system calls netc's writers make (io/atomic-write.ts, io/tfjs-publish.ts), behind
 * one swappable object: an internal seam, so that tests can make a write, an fsync or a close
 * fail (ENOSPC, EIO) or record the folder between the steps of a publish. Not part of the API.
 */
import * as fs from 'node:fs';

/** The calls a write goes through (node:fs's synchronous ones by default). */
export interface WriteFs {
  openSync(path: string, flags: string, mode: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  fchmodSync(fd: number, mode: number): void;
  fchownSync(fd: number, uid: number, gid: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
}

/** node:fs itself. */
export const nodeWriteFs: WriteFs = {
  openSync: (path, flags, mode) => fs.openSync(path, flags, mode),
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  fchmodSync: (fd, mode) => fs.fchmodSync(fd, mode),
  fchownSync: (fd, uid, gid) => fs.fchownSync(fd, uid, gid),
  renameSync: (from, to) => fs.renameSync(from, to),
  unlinkSync: (path) => fs.unlinkSync(path),
};

let current: WriteFs = nodeWriteFs;

/** The calls in use now. */
export function writeFs(): WriteFs {
  return current;
}

/**
 * Tests only: runs `fn` with `overrides` in place of node's calls (the others stay node's), and
 * puts node's back afterwards, also when `fn` throws.
 */
export async function withWriteFs<T>(
  overrides: Partial<WriteFs>,
  fn: () => T | Promise<T>,
): Promise<T> {
  const saved = current;
  current = { ...saved, ...overrides };
  try {
    return await fn();
  } finally {
    current = saved;
  }
}
