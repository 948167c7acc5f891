import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderOpsMarkdown } from './docs.js';

/** Writes the op reference (`docs/ops.md`) to `path`. */
export function writeOpsDoc(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderOpsMarkdown());
}
