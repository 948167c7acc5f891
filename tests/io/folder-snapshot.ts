import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The regular files of a folder and their bytes, by name: one state of a save. */
export type Snapshot = Map<string, Buffer>;

export function snapshot(dir: string): Snapshot {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    if (statSync(join(dir, name)).isFile()) files.set(name, readFileSync(join(dir, name)));
  }
  return files;
}
