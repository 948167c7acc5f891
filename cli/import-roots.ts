/**
 * `--allow-imports DIR` (repeatable, on every command that reads `.net` files): folders beyond
 * the project (the root file's folder and below, and the standard library) that imports may
 * read, the API's `importRoots`. The command runner sets them for one command's run; the
 * commands' `checkPath` reads them.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { escapeText } from '../compiler/util/escape.js';
import { UsageError } from './errors.js';

export const ALLOW_IMPORTS_FLAGS = '--allow-imports <DIR>';
export const ALLOW_IMPORTS_HELP =
  "a folder (and everything below it) that imports may also read, besides the root file's folder and below and the standard library; repeatable (docs/security.md)";

let current: readonly string[] = [];

/** The folders allowed for the command running now. */
export function allowedImportRoots(): readonly string[] {
  return current;
}

/** DIR of `--allow-imports`: an existing folder, as an absolute path. */
export function parseImportRoot(text: string): string {
  let isFolder = false;
  try {
    isFolder = statSync(text).isDirectory();
  } catch {
    // Missing or unreadable: refused below.
  }
  if (!isFolder) throw new UsageError(`--allow-imports ${escapeText(text)}: not a folder`);
  return resolve(text);
}

/** Runs one command with `roots` allowed, then allows none again. */
export async function withImportRoots<T>(
  roots: readonly string[],
  fn: () => Promise<T>,
): Promise<T> {
  const saved = current;
  current = roots;
  try {
    return await fn();
  } finally {
    current = saved;
  }
}
