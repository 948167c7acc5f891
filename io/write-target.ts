/**
 * What a write to a path would replace, checked before anything is written:
 *
 * - nothing there: a new regular file at the path;
 * - a regular file: it is replaced (atomically), keeping its permission bits (less set-user-ID
 *   and set-group-ID) and, where the process may set them, its owner and group; a file the
 *   process may not write is refused;
 * - a symbolic link: the write goes through it, i.e. the file the link leads to (all links
 *   followed) is replaced and the link is kept; a link that leads nowhere (dangling, or a loop)
 *   is refused;
 * - anything else (a folder, a device such as /dev/null, a named pipe, a socket) is refused:
 *   netc writes regular files only, and never replaces a file of another kind.
 */
import { accessSync, constants, lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import { systemErrorReason } from '../compiler/system-errors.js';
import { OutputFileError } from './write-errors.js';

/** The file a write replaces. */
export interface WriteTarget {
  /** The path as given (for messages). */
  readonly path: string;
  /** The file written: `path`, or the real path of the file a symbolic link leads to. */
  readonly file: string;
  /** The file there now, if any: its permission bits, owner and group, to keep. */
  readonly existing?: { readonly mode: number; readonly uid: number; readonly gid: number };
}

/** `a file`, `a folder`, `a character device`...: what a file is, for messages. */
export function kindOf(info: Stats): string {
  if (info.isFile()) return 'a file';
  if (info.isDirectory()) return 'a folder';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** The reason for a failed system call, for an `OutputFileError`. */
export function writeReason(e: unknown, folder = false): string | undefined {
  const code = e instanceof Error && 'code' in e ? e.code : undefined;
  if (code === 'EIO') return 'input/output error';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  if (code === 'EFBIG') return 'file too large';
  if (code === 'ENAMETOOLONG') return 'the name is too long';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return systemErrorReason(e, folder);
}

function failure(path: string, e: unknown): OutputFileError {
  return new OutputFileError(path, writeReason(e) ?? String(e), { cause: e });
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Where a write to `path` goes, or an `OutputFileError` saying why it may not happen. */
export function resolveWriteTarget(path: string): WriteTarget {
  let file = path;
  let info: Stats | null;
  try {
    info = lstatOrNull(path);
    if (info?.isSymbolicLink()) {
      try {
        file = realpathSync(path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          throw new OutputFileError(
            path,
            `it is a symbolic link to ${readlinkSync(path)}, which does not exist (netc writes through a link only to an existing file)`,
          );
        throw e;
      }
      info = statSync(file);
    }
  } catch (e) {
    if (e instanceof OutputFileError) throw e;
    throw failure(path, e);
  }
  if (!info) {
    const parent = lstatOrNullQuiet(dirname(path));
    if (!parent) throw new OutputFileError(path, `the folder ${dirname(path)} does not exist`);
    return { path, file };
  }
  if (!info.isFile()) {
    const via = file === path ? '' : ` (the symbolic link leads to ${file})`;
    throw new OutputFileError(
      path,
      `it is ${kindOf(info)}${via}; netc writes only regular files and does not replace anything else`,
    );
  }
  try {
    accessSync(file, constants.W_OK);
  } catch (e) {
    throw failure(path, e);
  }
  return { path, file, existing: { mode: info.mode & 0o1777, uid: info.uid, gid: info.gid } };
}

function lstatOrNullQuiet(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
