import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder holding netc's package.json (works from sources and from dist/). */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'stdlib'))) {
    const up = dirname(dir);
    if (up === dir)
      throw new Error('netc: cannot find the package root (package.json next to stdlib/)');
    dir = up;
  }
  cached = dir;
  return dir;
}

export const stdlibDir = (): string => join(packageRoot(), 'stdlib');
