import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'netc-cli-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function netc(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    out: (t: string) => void (stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t: string) => void (stderr += t.endsWith('\n') ? t : `${t}\n`),
    color: false,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('source files the CLI refuses to read or to rewrite', () => {
  it('netc fmt leaves a file that is not UTF-8 byte for byte as it was (exit 1, E0005)', async () => {
    const bytes = Buffer.concat([
      Buffer.from('model m(x: [4]) {\n  return x |>   dense(2)\n}\n# caf'),
      Buffer.from([0xe9, 0x0a]),
    ]);
    const path = join(dir, 'latin1.net');
    writeFileSync(path, bytes);
    const r = await netc(['fmt', path]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(
      `${path}:4:6: error[E0005]: ${path} is not UTF-8 text: byte 0xe9`,
    );
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it.each(['check', 'fmt', 'summary'])('netc %s on a FIFO is exit 2 at once', async (command) => {
    const fifo = join(dir, `${command}.net`);
    execFileSync('mkfifo', [fifo]);
    const r = await netc([command, fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      `netc: cannot read ${fifo}: not a regular file (a device, FIFO or socket)`,
    );
  });

  it('netc check on a symlink to /dev/zero is exit 2, reading nothing', async () => {
    const link = join(dir, 'zero.net');
    symlinkSync('/dev/zero', link);
    const r = await netc(['check', link]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a regular file');
  });
});
