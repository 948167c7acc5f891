/**
 * Outputs that never clobber, through the CLI: a device as -o is refused (exit 2) and stays a
 * device; an output that is one of the command's inputs is a usage error naming both; fmt
 * through a symbolic link formats the real file and keeps the link.
 */
import { lstatSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netc, tempDir, writeText } from './helpers.js';

const dir = tempDir();
const lib = writeText(dir, 'lib.net', 'block b(x) {\n  return x |> relu\n}\n');
const main = writeText(
  dir,
  'main.net',
  'import "lib.net"\nmodel m(x: [4]) {\n  return x |> dense(2) |> b\n}\n',
);

describe('hostile outputs', () => {
  it('compile -o /dev/null: refused, exit 2, the device stays a device', async () => {
    const r = await netc(['compile', main, '-o', '/dev/null']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot write /dev/null: it is a character device');
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('compile -o onto an import of FILE: a usage error naming both, the import intact', async () => {
    const before = readFileSync(lib, 'utf8');
    const r = await netc(['compile', main, '-o', lib]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`-o ${lib} would overwrite the import ${lib}, an input`);
    expect(readFileSync(lib, 'utf8')).toBe(before);
  });

  it('fmt through a symbolic link formats the real file and keeps the link', async () => {
    const real = writeText(dir, 'ugly.net', 'model u(x: [4]) { return x |> relu }\n');
    const link = join(dir, 'link.net');
    symlinkSync('ugly.net', link);
    const r = await netc(['fmt', link]);
    expect(r.code).toBe(0);
    expect(readlinkSync(link)).toBe('ugly.net');
    expect(readFileSync(real, 'utf8')).not.toBe('model u(x: [4]) { return x |> relu }\n');
  });
});
