/** The error of a write that did not happen (io/atomic-write.ts and the folder publisher). */

/**
 * A file netc did not write: `cannot write PATH: REASON`. Whatever was at `path` before is
 * unchanged (a failed write never replaces or truncates it).
 */
export class OutputFileError extends Error {
  constructor(
    /** The path as the caller gave it. */
    readonly path: string,
    /** Why, in the words of netc's messages (`no space left on the device`, `it is a folder`). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write ${path}: ${reason}`, options);
    this.name = 'OutputFileError';
  }
}
