/**
 * netc's one way of writing a file. The data goes to a temporary file next to the target
 * (`.NAME.<pid>-<hex>.tmp`, created exclusively), is flushed to the disk (`fsync`), closed, and
 * only then renamed over the target, after which the folder is flushed too. So a reader sees
 * the old file or the complete new one, and a write that fails at any step (a full disk at
 * write, an I/O error at fsync or close) throws an `OutputFileError`, removes its temporary file
 * and leaves the target as it was. What may be replaced (regular files only; symbolic links
 * are written through; the mode is kept) is io/write-target.ts's rule. An interrupted process
 * (SIGINT, SIGTERM, SIGHUP) removes its temporary files (io/temp-files.ts).
 */
import { randomBytes } from 'node:crypto';
import { openSync, closeSync, fsyncSync, lstatSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { trackTemp, untrackTemp } from './temp-files.js';
import { OutputFileError } from './write-errors.js';
import { writeFs } from './write-fs.js';
import { resolveWriteTarget, writeReason, type WriteTarget } from './write-target.js';

export { OutputFileError } from './write-errors.js';

/** What a write takes: bytes, text (written as UTF-8), or chunks of bytes (async writes only). */
export type WriteData = Uint8Array | string;

/** The longest part of the target's name kept in a temporary name (names have 255 bytes). */
const NAME_KEPT = 200;

/** Bytes written per call; the async writer lets signals in between. */
const CHUNK = 8 << 20;

/** A unique temporary path next to `path` (same folder, so the rename is atomic). */
export function tempPathFor(path: string): string {
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  return join(dirname(path), `.${basename(path).slice(0, NAME_KEPT)}.${tag}.tmp`);
}

const bytesOf = (data: WriteData): Uint8Array =>
  typeof data === 'string' ? Buffer.from(data, 'utf8') : data;

/** A temporary file being written. */
interface Pending {
  readonly target: WriteTarget;
  readonly temp: string;
  fd: number | undefined;
}

function fail(target: WriteTarget, e: unknown, step?: string): OutputFileError {
  if (e instanceof OutputFileError) return e;
  const reason = writeReason(e) ?? String(e);
  const when = step ? ` (at ${step}: the data did not reach the disk; nothing was replaced)` : '';
  return new OutputFileError(target.path, `${reason}${when}`, { cause: e });
}

function begin(path: string): Pending {
  const target = resolveWriteTarget(path);
  const temp = tempPathFor(target.file);
  trackTemp(temp);
  try {
    // A new file gets 0666 less the umask, as any file would; a replacement its target's mode.
    const fd = writeFs().openSync(temp, 'wx', target.existing ? 0o600 : 0o666);
    return { target, temp, fd };
  } catch (e) {
    untrackTemp(temp);
    throw fail(target, e);
  }
}

function writeChunk(p: Pending, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) {
    const n = writeFs().writeSync(p.fd!, bytes, done, bytes.length - done);
    if (n <= 0) throw Object.assign(new Error('write wrote nothing'), { code: 'EIO' });
    done += n;
  }
}

function commit(p: Pending): void {
  const fs = writeFs();
  const { existing } = p.target;
  if (existing) {
    try {
      fs.fchmodSync(p.fd!, existing.mode);
    } catch (e) {
      throw fail(p.target, e);
    }
    const uid = process.getuid?.();
    const gid = process.getgid?.();
    if (existing.uid !== uid || existing.gid !== gid) {
      try {
        fs.fchownSync(p.fd!, existing.uid, existing.gid);
      } catch {
        // Only root may give a file away: the new file is then the writer's, like any other.
      }
    }
  }
  try {
    fs.fsyncSync(p.fd!);
  } catch (e) {
    throw fail(p.target, e, 'fsync');
  }
  const fd = p.fd!;
  p.fd = undefined;
  try {
    fs.closeSync(fd);
  } catch (e) {
    throw fail(p.target, e, 'close');
  }
  try {
    fs.renameSync(p.temp, p.target.file);
  } catch (e) {
    throw fail(p.target, e);
  }
  untrackTemp(p.temp);
  syncFolder(dirname(p.target.file));
}

/** Flushes a folder's entries (the rename) to the disk; where folders cannot be, nothing. */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some file systems refuse to fsync a folder (EINVAL); the file itself is on the disk.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Removes the regular files `names` of `dir` left by an earlier save (stale shards or data
 * files), then flushes the folder if any went. Best effort: a file already gone, or one that
 * cannot be removed, is harmless and kept.
 */
export function removeStaleFiles(dir: string, names: Iterable<string>): void {
  let removed = false;
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (!lstatSync(path).isFile()) continue;
      writeFs().unlinkSync(path);
      removed = true;
    } catch {
      // Gone already, or not removable.
    }
  }
  if (removed) syncFolder(dir);
}

function abort(p: Pending): void {
  const fs = writeFs();
  if (p.fd !== undefined) {
    try {
      fs.closeSync(p.fd);
    } catch {
      // The write failed already; that is the error reported.
    }
    p.fd = undefined;
  }
  try {
    fs.unlinkSync(p.temp);
  } catch {
    // Renamed into place, or never created.
  }
  untrackTemp(p.temp);
}

/**
 * Writes `data` to `path` atomically (see the module comment); `chunks`: an iterable of byte
 * chunks, for data made piece by piece. Throws an `OutputFileError`, the target unchanged.
 */
export async function writeFileAtomic(
  path: string,
  data: WriteData | Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<void> {
  const p = begin(path);
  try {
    const chunks = typeof data === 'string' || data instanceof Uint8Array ? [bytesOf(data)] : data;
    for await (const chunk of chunks) {
      for (let at = 0; at < chunk.length; at += CHUNK) {
        writeChunk(p, chunk.subarray(at, at + CHUNK));
        // Lets a signal's handler run between chunks (it removes the temporary file).
        await nextTurn();
      }
    }
    commit(p);
  } catch (e) {
    abort(p);
    throw fail(p.target, e);
  }
}

/** `writeFileAtomic` for synchronous callers (`netc fmt`, `netc compile`). */
export function writeFileAtomicSync(path: string, data: WriteData): void {
  const p = begin(path);
  try {
    writeChunk(p, bytesOf(data));
    commit(p);
  } catch (e) {
    abort(p);
    throw fail(p.target, e);
  }
}
