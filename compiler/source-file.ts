import { closeSync, fstatSync, openSync, readSync, constants } from 'node:fs';
import { Source } from './source.js';
import { systemErrorReason } from './system-errors.js';

/** The largest `.net` file netc reads (the parser's token limit stops far smaller ones). */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

/** A source file that cannot be read: the message says why, and shows none of its contents. */
export class SourceFileError extends Error {
  override readonly name = 'SourceFileError';
  constructor(
    readonly path: string,
    /** `no such file`, `is a directory`... */
    readonly reason: string,
  ) {
    super(`cannot read ${path}: ${reason}`);
  }
}

const why = (e: unknown): string => systemErrorReason(e) ?? String(e);

/**
 * Reads a `.net` file: it must be a regular file (a FIFO, device or folder is refused before
 * any byte is read, so `/dev/zero` or a pipe cannot hang or exhaust memory) of at most
 * `maxBytes`. Bytes that are not UTF-8 are never replaced (so `netc fmt` cannot destroy them):
 * the source then ends before the first one and parsing reports it (E0005, with the offset).
 */
export function readSourceFile(path: string, maxBytes = MAX_SOURCE_BYTES): Source {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not wait for one.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new SourceFileError(path, why(e));
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw new SourceFileError(path, 'is a folder');
    if (!info.isFile())
      throw new SourceFileError(path, 'not a regular file (a device, FIFO or socket)');
    if (info.size > maxBytes) {
      throw new SourceFileError(
        path,
        `${info.size} bytes, more than the ${maxBytes} a .net file may have`,
      );
    }
    const bytes = Buffer.alloc(info.size);
    let n = 0;
    while (n < bytes.length) {
      const got = readSync(fd, bytes, n, bytes.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return decodeSource(path, bytes.subarray(0, n));
  } catch (e) {
    if (e instanceof SourceFileError) throw e;
    throw new SourceFileError(path, why(e));
  } finally {
    closeSync(fd);
  }
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** The source of a file's bytes; see `Source.invalidUtf8`. */
export function decodeSource(path: string, bytes: Uint8Array): Source {
  try {
    return new Source(path, strict.decode(bytes));
  } catch {
    const at = firstInvalidUtf8(bytes);
    const text = strict.decode(bytes.subarray(0, at));
    return new Source(path, text, { byteOffset: at, byte: bytes[at] });
  }
}

/** The offset of the first byte that does not start a valid UTF-8 sequence (its lead byte). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const len =
      c < 0x80
        ? 1
        : c >= 0xc2 && c <= 0xdf
          ? 2
          : c >= 0xe0 && c <= 0xef
            ? 3
            : c >= 0xf0 && c <= 0xf4
              ? 4
              : 0;
    if (len === 0) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k < len; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += len;
  }
  return b.length;
}
