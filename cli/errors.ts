/**
 * The three kinds of failure a command reports, each with its exit status (cli/main.ts prints
 * them; anything else is an internal error, exit 70).
 */
import { systemErrorReason } from '../compiler/system-errors.js';
import { escapeText } from '../compiler/util/escape.js';

/** A problem with the command line: exit 2, one line and a hint (`run 'netc X --help'`). */
export class UsageError extends Error {}

/** A file that cannot be read, written or decoded: exit 2, one line. */
export class FileError extends Error {}

/**
 * Input that does not fit (an input of the wrong shape, weights of another model, a loss that
 * became NaN): exit 1, one message, and `details` (one problem each) printed under it.
 */
export class DataError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * The `FileError` for a failed system call on `path` (`verb`: read / write), or undefined when
 * `e` is not one. `folder`: the path may name a folder (weights), so a missing one is a `no such
 * file or folder`.
 */
export function fileError(
  e: unknown,
  path: string,
  verb: 'read' | 'write',
  folder = false,
): FileError | undefined {
  const why = systemErrorReason(e, folder);
  if (why === undefined) return undefined;
  return new FileError(`cannot ${verb} ${escapeText(path)}: ${why}`);
}
