import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temporary folder, removed after the current test. */
export function useTempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netc-io-'));
    dirs.push(dir);
    return dir;
  };
}

export function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

export function le16(n: number): number[] {
  return [n & 0xff, n >> 8];
}

export function le32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
}

export function le64(n: number): number[] {
  return [...le32(n), 0, 0, 0, 0];
}

export function f32le(values: number[]): number[] {
  return [...new Uint8Array(new Float32Array(values).buffer)];
}
