/**
 * io/atomic-write.ts: what a write may replace (regular files only; links written through;
 * the mode kept) and that a write failing at any step (write, fsync, close, rename) throws,
 * leaves the target exactly as it was and leaves no temporary file. Failures are injected
 * through the io/write-fs.ts seam; where the process may mount, one case uses a real, full
 * 64 KiB tmpfs.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  OutputFileError,
  tempPathFor,
  writeFileAtomic,
  writeFileAtomicSync,
} from '../../io/atomic-write.js';
import { liveTemps } from '../../io/temp-files.js';
import { withWriteFs, type WriteFs } from '../../io/write-fs.js';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

const errno = (code: string): Error => Object.assign(new Error(`${code}: injected`), { code });

/** Files in `dir` besides those named (temporary files, in particular). */
const others = (dir: string, ...names: string[]) =>
  readdirSync(dir).filter((n) => !names.includes(n));

const writers = [
  ['async', (p: string, d: string | Uint8Array) => writeFileAtomic(p, d)],
  ['sync', async (p: string, d: string | Uint8Array) => writeFileAtomicSync(p, d)],
] as const;

describe.each(writers)('writeFileAtomic (%s)', (_, write) => {
  it('writes a new file and replaces an old one, leaving no temporary file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'out.bin');
    await write(path, Uint8Array.of(1, 2, 3));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    await write(path, 'text é');
    expect(readFileSync(path, 'utf8')).toBe('text é');
    expect(readdirSync(dir)).toEqual(['out.bin']);
    expect(liveTemps()).toEqual([]);
  });

  it('/dev/null as the target: refused, the device stays a device', async () => {
    const before = statSync('/dev/null');
    await expect(write('/dev/null', 'x')).rejects.toThrow(
      'cannot write /dev/null: it is a character device; netc writes only regular files',
    );
    const after = lstatSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
    expect(readdirSync('/dev').filter((n) => n.startsWith('.null.'))).toEqual([]);
  });

  it('a folder, a FIFO or a socket as the target: refused, left as it was', async () => {
    const dir = await tempDir();
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(write(folder, 'x')).rejects.toThrow(`cannot write ${folder}: it is a folder`);
    await expect(write(fifo, 'x')).rejects.toThrow(
      `cannot write ${fifo}: it is a named pipe (FIFO)`,
    );
    expect(statSync(folder).isDirectory()).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(others(dir, 'folder', 'fifo')).toEqual([]);
  });

  it('a symbolic link: the file it leads to is replaced, the link kept', async () => {
    const dir = await tempDir();
    mkdirSync(join(dir, 'real'));
    const real = join(dir, 'real', 'model.net');
    writeFileSync(real, 'old');
    symlinkSync('real/model.net', join(dir, 'link.net'));
    symlinkSync('link.net', join(dir, 'link2.net'));
    await write(join(dir, 'link2.net'), 'new');
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(readlinkSync(join(dir, 'link2.net'))).toBe('link.net');
    expect(readlinkSync(join(dir, 'link.net'))).toBe('real/model.net');
    expect(readdirSync(join(dir, 'real'))).toEqual(['model.net']);
  });

  it('a dangling symbolic link: refused, the link left alone', async () => {
    const dir = await tempDir();
    const link = join(dir, 'dangling.npy');
    symlinkSync('nowhere/x.npy', link);
    await expect(write(link, 'x')).rejects.toThrow(
      `cannot write ${link}: it is a symbolic link to nowhere/x.npy, which does not exist`,
    );
    expect(readlinkSync(link)).toBe('nowhere/x.npy');
    expect(others(dir, 'dangling.npy')).toEqual([]);
  });

  it('a link to a device: refused, naming where the link leads', async () => {
    const dir = await tempDir();
    const link = join(dir, 'null.npy');
    symlinkSync('/dev/null', link);
    await expect(write(link, 'x')).rejects.toThrow(
      `cannot write ${link}: it is a character device (the symbolic link leads to /dev/null)`,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("keeps the target's permission bits", async () => {
    const dir = await tempDir();
    const path = join(dir, 'script.ts');
    writeFileSync(path, 'old');
    chmodSync(path, 0o751);
    await write(path, 'new');
    expect(statSync(path).mode & 0o777).toBe(0o751);
    chmodSync(path, 0o600);
    await write(path, 'newer');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('newer');
  });

  it('a missing folder: named in the error', async () => {
    const dir = await tempDir();
    const path = join(dir, 'no', 'such', 'y.npy');
    await expect(write(path, 'x')).rejects.toThrow(
      `cannot write ${path}: the folder ${join(dir, 'no', 'such')} does not exist`,
    );
  });

  const failures: [string, Partial<WriteFs>, string][] = [
    [
      'ENOSPC at write',
      {
        writeSync: () => {
          throw errno('ENOSPC');
        },
      },
      'no space left on the device',
    ],
    ['a short write that writes nothing', { writeSync: () => 0 }, 'input/output error'],
    [
      'EIO at fsync',
      {
        fsyncSync: () => {
          throw errno('EIO');
        },
      },
      'input/output error (at fsync: the data did not reach the disk; nothing was replaced)',
    ],
    [
      'ENOSPC at close',
      {
        closeSync: () => {
          throw errno('ENOSPC');
        },
      },
      'no space left on the device (at close: the data did not reach the disk; nothing was replaced)',
    ],
    [
      'EIO at rename',
      {
        renameSync: () => {
          throw errno('EIO');
        },
      },
      'input/output error',
    ],
  ];

  it.each(failures)('%s: an error, the old file intact, no temporary file', async (_, fs, why) => {
    const dir = await tempDir();
    const path = join(dir, 'y.npy');
    writeFileSync(path, 'old contents');
    const closed: number[] = [];
    // Record closes, so a failure before close still closes the descriptor.
    const close = fs.closeSync ?? closeSync;
    const overrides: Partial<WriteFs> = {
      ...fs,
      closeSync: (fd) => {
        closed.push(fd);
        close(fd);
      },
    };
    const error = await withWriteFs(overrides, () => write(path, 'new contents')).catch((e) => e);
    expect(error).toBeInstanceOf(OutputFileError);
    expect((error as Error).message).toBe(`cannot write ${path}: ${why}`);
    expect(readFileSync(path, 'utf8')).toBe('old contents');
    expect(readdirSync(dir)).toEqual(['y.npy']);
    expect(closed).toHaveLength(1);
    expect(liveTemps()).toEqual([]);
  });

  it('a new file that fails: nothing is left at the path', async () => {
    const dir = await tempDir();
    const path = join(dir, 'new.npy');
    const fsync = () => {
      throw errno('EIO');
    };
    await expect(withWriteFs({ fsyncSync: fsync }, () => write(path, 'x'))).rejects.toThrow(
      OutputFileError,
    );
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('tempPathFor', () => {
  it('names a hidden file beside the target, short enough for any name', () => {
    const long = `/d/${'n'.repeat(255)}`;
    const temp = tempPathFor(long);
    expect(temp.startsWith(`/d/.${'n'.repeat(200)}.${process.pid}-`)).toBe(true);
    expect(temp.length - 3).toBeLessThanOrEqual(255);
    expect(tempPathFor('/d/x.npy')).toMatch(
      new RegExp(`^/d/\\.x\\.npy\\.${process.pid}-[0-9a-f]{12}\\.tmp$`),
    );
  });
});

/** A real 64 KiB tmpfs, where the process may mount one (root in a container); else null. */
function smallTmpfs(dir: string): (() => void) | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    return () => execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
}

describe('a real full disk', () => {
  it('ENOSPC on a 64 KiB tmpfs: an error, the old file intact, no temporary file', async (ctx) => {
    const dir = join(await tempDir(), 'small');
    mkdirSync(dir);
    const unmount = smallTmpfs(dir);
    if (!unmount) {
      ctx.skip('cannot mount a tmpfs here (needs root): the injected ENOSPC cases stand in');
      return;
    }
    try {
      const path = join(dir, 'w.safetensors');
      writeFileSync(path, 'old');
      await expect(writeFileAtomic(path, new Uint8Array(256 << 10))).rejects.toThrow(
        `cannot write ${path}: no space left on the device`,
      );
      expect(() => writeFileAtomicSync(path, new Uint8Array(256 << 10))).toThrow(
        `cannot write ${path}: no space left on the device`,
      );
      expect(readFileSync(path, 'utf8')).toBe('old');
      expect(readdirSync(dir)).toEqual(['w.safetensors']);
    } finally {
      unmount();
    }
  });
});
