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

  /** A multi-line message (a first line, then indented items) as message and details. */
  static fromLines(text: string): DataError {
    const [first, ...rest] = text.split('\n');
    return new DataError(
      first,
      rest.map((l) => l.replace(/^ {2}/, '')),
    );
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

/**
 * What JavaScript engines and the wasm heap say when memory runs out: V8's `RangeError`s for an
 * ArrayBuffer or typed array it cannot allocate, a `WebAssembly.Memory` that cannot be created
 * or grown, emscripten's abort when `malloc` fails (`Aborted(OOM)`, `Cannot enlarge memory`),
 * and tfjs's and tfjs-backend-wasm's own `out of memory` messages.
 */
const OUT_OF_MEMORY = [
  /array buffer allocation failed/i,
  /out of memory/i,
  /\bOOM\b/,
  /cannot enlarge memory/i,
  /could not allocate memory/i,
  /failed to grow memory/i,
];

/** True when `e` says that memory ran out (see OUT_OF_MEMORY). */
export function isOutOfMemory(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const text = `${e.name}: ${e.message}`;
  return OUT_OF_MEMORY.some((p) => p.test(text));
}

/**
 * `e` as the `DataError` (exit 1) that names what ran out of memory, when it is an
 * out-of-memory error; else `e` itself. `backend`: `wasm` or `cpu`; `doing`: `running model m
 * (batch 64)`.
 */
export function memoryError(e: unknown, backend: string, doing: string): unknown {
  if (!isOutOfMemory(e)) return e;
  const advice =
    backend === 'wasm' ? 'try a smaller batch or --backend cpu' : 'try a smaller batch';
  return new DataError(`the ${backend} backend ran out of memory while ${doing}; ${advice}`);
}

/**
 * A backend that could not start: the `DataError` (exit 1) saying so when memory ran out, before
 * any model ran (a `ulimit -v` below the address space wasm reserves); else `e` itself.
 */
export function backendStartError(e: unknown, backend: string): unknown {
  if (!isOutOfMemory(e)) return e;
  // runtime/wasm-memory.ts's WasmStartOutOfMemoryError, known by name: importing it would load tfjs.
  const { reason } = e as { reason?: unknown };
  const why = typeof reason === 'string' ? reason : (e as Error).message;
  const advice =
    backend === 'wasm'
      ? 'allow the process more virtual memory (ulimit -v: V8 reserves about 10 GiB of address space for wasm memory) or use --backend cpu'
      : 'allow the process more memory';
  return new DataError(
    `the ${backend} backend ran out of memory at start, before the model ran (${why}); ${advice}`,
  );
}
