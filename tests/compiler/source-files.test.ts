import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { checkFile } from '../../compiler/compile.js';
import { formatDiagnostic } from '../../compiler/diagnostics/format.js';
import { firstInvalidUtf8, readSourceFile, SourceFileError } from '../../compiler/source-file.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array): string => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
};
const MODEL = 'model m(x: [4]) {\n  return x |> dense(2)\n}\n';
const errors = (path: string, importRoots?: string[]) =>
  checkFile(path, { importRoots }).diagnostics.filter((d) => d.severity === 'error');

describe('reading .net files', () => {
  it('refuses a FIFO at once instead of waiting for a writer', () => {
    const fifo = join(dir, 'pipe.net');
    execFileSync('mkfifo', [fifo]);
    expect(() => readSourceFile(fifo)).toThrow(
      new SourceFileError(fifo, 'not a regular file (a device, FIFO or socket)'),
    );
  });

  it('refuses a symlink to /dev/zero before reading a byte', () => {
    const link = join(dir, 'zero.net');
    symlinkSync('/dev/zero', link);
    expect(() => readSourceFile(link)).toThrow(/not a regular file/);
  });

  it('refuses a file over the size limit, saying both sizes', () => {
    const path = file('big.net', 'x'.repeat(100));
    expect(() => readSourceFile(path, 64)).toThrow(
      `cannot read ${path}: 100 bytes, more than the 64 a .net file may have`,
    );
  });

  it('reports invalid UTF-8 as E0005 at the byte, without replacing it', () => {
    // "# caf" then 0xE9 (Latin-1 é): byte offset = the model's length + 5.
    const bytes = Buffer.concat([Buffer.from(`${MODEL}# caf`), Buffer.from([0xe9, 0x0a])]);
    const path = file('latin1.net', bytes);
    const [d] = errors(path);
    expect(d.code).toBe('E0005');
    expect(d.message).toBe(
      `${path} is not UTF-8 text: byte 0xe9 at byte offset ${MODEL.length + 5} (the file is read up to it, and never rewritten)`,
    );
    expect(d.span.source.position(d.span.start)).toEqual({ line: 4, column: 6 });
    expect(d.span.source.text).toBe(`${MODEL}# caf`);
  });

  it.each([
    ['valid text', [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], 10],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong 2-byte form', [0xc0, 0xaf], 0],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a surrogate', [0xed, 0xa0, 0x80], 0],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut short', [0x61, 0xe2, 0x82], 1],
  ])('finds the first invalid byte in %s (its length when there is none)', (_what, bytes, at) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(at);
  });
});

describe('imports stay in the project', () => {
  const project = join(dir, 'project');
  const secret = file('outside/secret.net', 'AWS_SECRET_ACCESS_KEY=abc123\n');
  file('project/lib/blocks.net', 'block twice(x) {\n  return x |> dense(2) |> dense(2)\n}\n');

  it.each([
    ['an absolute path', secret],
    ['a path up and out', '../outside/secret.net'],
    ['a standard-library path up and out', 'std/../../../../../../../../../../../..' + secret],
  ])('refuses %s (E1008) and quotes nothing of the file', (_what, spec) => {
    const root = file('project/main.net', `import "${spec}"\n${MODEL}`);
    const [d] = errors(root);
    expect(d.code).toBe('E1008');
    expect(d.message).toContain('is outside the project');
    expect(formatDiagnostic(d)).not.toContain('AWS_SECRET');
  });

  it('resolves symlinks before deciding', () => {
    symlinkSync(secret, join(project, 'lib', 'innocent.net'));
    const root = file('project/main.net', `import "lib/innocent.net"\n${MODEL}`);
    const [d] = errors(root);
    expect(d.message).toBe(
      `cannot import "lib/innocent.net": ${secret} is outside the project (imports may read the root file's folder and below, the standard library, and folders allowed with --allow-imports DIR)`,
    );
  });

  it('allows the project, the standard library, and folders given as importRoots', () => {
    const ok = file(
      'project/ok.net',
      `import "lib/blocks.net"\nimport "std/resnet.net"\nmodel m(x: [4]) {\n  return twice(x)\n}\n`,
    );
    expect(errors(ok)).toEqual([]);
    const root = file('project/main.net', `import "${secret}"\n${MODEL}`);
    const [d] = errors(root, [join(dir, 'outside')]);
    // Allowed now, and read: but it is no .net source, and its text is still not shown.
    expect(d.message).toBe(
      `cannot import "${secret}": ${secret} is not .net source (syntax error at line 1, column 1; its text is not shown)`,
    );
    expect(formatDiagnostic(d)).not.toContain('abc123');
  });
});
