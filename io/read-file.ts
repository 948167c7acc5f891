/**
 * The one way netc reads a data file (a `.npy` array, a safetensors file, a tfjs `model.json` or
 * weight shard): the path is opened without blocking (a FIFO without a writer cannot hang it),
 * the open descriptor is checked (a regular file, at most the limit's size: a device such as
 * `/dev/zero`, a FIFO, a socket or a folder is refused before a byte is read), then exactly
 * that many bytes are read from the same descriptor, so a path swapped after the check cannot
 * be read instead.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/**
 * The largest `.npy` array netc reads: 2 GiB. TensorFlow.js's wasm backend holds every tensor
 * in one 4 GiB memory, and a float32 copy of the array must fit beside the model.
 */
export const MAX_ARRAY_BYTES = 2 * GiB;

/** The largest weights file netc reads (a safetensors file; a tfjs shard, and all shards together): 2 GiB, as `MAX_ARRAY_BYTES`. */
export const MAX_WEIGHTS_BYTES = 2 * GiB;

/** The largest tfjs `model.json` netc reads: 64 MiB (the topology and manifest, no weights). */
export const MAX_MODEL_JSON_BYTES = 64 * MiB;

/** A data file that netc refuses to read: the message names the file and says why. */
export class FileReadError extends Error {
  override name = 'FileReadError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** How much of what a reader accepts, for the message: `arrays` -> "netc reads arrays of at most 2 GiB". */
export interface ReadLimit {
  /** The most bytes the file may have. */
  readonly maxBytes: number;
  /** What the file holds, plural: `arrays`, `weights files`. */
  readonly what: string;
}

/** A byte count for a message: `300 bytes`, `12.5 KiB`, `2 GiB`, `5.2 GiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < KiB) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const [unit, size] =
    bytes >= GiB ? ['GiB', GiB] : bytes >= MiB ? ['MiB', MiB] : (['KiB', KiB] as const);
  const value = bytes / size;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`;
}

/** The message for a file over its limit: `x.npy is 5.2 GiB; netc reads arrays of at most 2 GiB`. */
export function tooLargeMessage(path: string, size: number, limit: ReadLimit): string {
  return `${path} is ${formatBytes(size)}; netc reads ${limit.what} of at most ${formatBytes(limit.maxBytes)}`;
}

export interface ReadOptions {
  /** Refuse a path whose last component is a symbolic link (`O_NOFOLLOW`). */
  readonly noFollow?: boolean;
}

/**
 * The bytes of the regular file at `path`, of at most `limit.maxBytes`. Throws `FileReadError`
 * for anything else (a folder, a device, a FIFO, a socket, a file over the limit) and the file
 * system's error when the path cannot be opened (`ENOENT`, `EACCES`...).
 */
export async function readRegularFile(
  path: string,
  limit: ReadLimit,
  options: ReadOptions = {},
): Promise<Uint8Array> {
  // O_NONBLOCK: opening a FIFO without a writer must not wait for one.
  const flags =
    constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
  const handle = await open(path, flags);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new FileReadError(path, `cannot read ${path}: it is a folder`);
    if (!info.isFile()) {
      throw new FileReadError(
        path,
        `cannot read ${path}: not a regular file (a device, FIFO or socket)`,
      );
    }
    if (info.size > limit.maxBytes)
      throw new FileReadError(path, tooLargeMessage(path, info.size, limit));
    return await readExactly(handle, info.size);
  } finally {
    await handle.close();
  }
}

/** Up to `size` bytes from the start of the file (fewer if it shrank meanwhile). */
async function readExactly(handle: FileHandle, size: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  let n = 0;
  while (n < size) {
    const { bytesRead } = await handle.read(bytes, n, Math.min(size - n, GiB), n);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return n === size ? bytes : bytes.subarray(0, n);
}
