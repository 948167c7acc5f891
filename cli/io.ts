import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '../io/atomic-write.js';

/** A problem with the command line or the file system: exit code 2, followed by the usage. */
export class UsageError extends Error {}

/**
 * A file that cannot be read, written or decoded (a missing `.npy`, a malformed safetensors
 * file...): exit code 2, one message, no usage.
 */
export class FileError extends Error {}

/**
 * Data or weights that do not fit the model (an input of the wrong shape, weights of another
 * model, a loss that became NaN): exit code 1, one message, no usage.
 */
export class DataError extends Error {}

export function readSource(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : (e as Error).message;
    throw new UsageError(`cannot read ${path}: ${why}`);
  }
}

/** Write through a temporary file and a rename, so a failure never leaves a partial file. */
export function writeAtomic(path: string, text: string | Uint8Array): void {
  try {
    writeFileAtomicSync(path, text);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
  readonly color: boolean;
  /**
   * Writes `text` as is (no newline added) to a terminal, for a status line that updates in
   * place with `\r`. Absent when stderr is not a terminal: progress is then printed as plain
   * lines through `out`.
   */
  readonly status?: (text: string) => void;
}

const statusTerminal = Boolean(process.stderr.isTTY) && process.env.TERM !== 'dumb';

export const processOutput: Output = {
  out: (t) => void process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => void process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  ...(statusTerminal ? { status: (t: string) => void process.stderr.write(t) } : {}),
};
