import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../compiler/package-root.js';

/** The package version (package.json), for `netc --version` and ONNX producer versions. */
export function netcVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'));
  const version =
    typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof version === 'string' ? version : '';
}
