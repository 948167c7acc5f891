/**
 * The CLI's contact with the outside: reading sources (a path, or `-` for standard input),
 * atomic writes, and the process's output streams (colour only on a terminal, `NO_COLOR` /
 * `FORCE_COLOR`; a closed pipe ends output quietly, a full disk is one line and exit 2).
 */
import { readFileSync } from 'node:fs';
import {
  decodeSource,
  MAX_SOURCE_BYTES,
  readSourceFile,
  SourceFileError,
} from '../compiler/source-file.js';
import type { Source } from '../compiler/source.js';
import { escapeLines, escapeText } from '../compiler/util/escape.js';
import { OutputFileError, writeFileAtomicSync } from '../io/atomic-write.js';
import { FileError, fileError } from './errors.js';

export { DataError, FileError, UsageError } from './errors.js';

/** The FILE operand that means standard input, and the name diagnostics give it. */
export const STDIN = '-';
export const STDIN_NAME = '<stdin>';

/** The name of a FILE operand in messages and diagnostics: `<stdin>` for `-`. */
export const sourceName = (path: string): string => (path === STDIN ? STDIN_NAME : path);

/**
 * A source file (`readSourceFile`: regular files only, a size limit, UTF-8 checked), or standard
 * input for `-`; a failure is a `FileError`.
 */
export function readSource(path: string): Source {
  try {
    if (path !== STDIN) return readSourceFile(path);
    const bytes = readFileSync(0);
    if (bytes.length > MAX_SOURCE_BYTES) {
      throw new SourceFileError(
        STDIN_NAME,
        `more than the ${MAX_SOURCE_BYTES} bytes a .net file may have`,
      );
    }
    return decodeSource(STDIN_NAME, bytes);
  } catch (e) {
    if (e instanceof SourceFileError) throw new FileError(escapeText(e.message));
    throw fileError(e, sourceName(path), 'read') ?? e;
  }
}

/**
 * Writes a file with io/atomic-write.ts (temporary file, fsync, rename; regular files only,
 * links written through), so a failure never leaves a partial or clobbered file.
 */
export function writeAtomic(path: string, text: string | Uint8Array): void {
  try {
    writeFileAtomicSync(path, text);
  } catch (e) {
    if (e instanceof OutputFileError) throw new FileError(e.message);
    throw (
      fileError(e, path, 'write') ??
      new FileError(`cannot write ${escapeText(path)}: ${escapeText(String(e))}`)
    );
  }
}

/**
 * Where a command's output goes. Text for people (`out`, `err`) holds names and paths escaped
 * where they were interpolated (`escapeText`); the process's streams escape again whatever
 * unsafe character is left (`escapeLines`: controls, bidi, invisible characters), so nothing
 * written through them can drive a terminal or hide text. `data` is a file's content
 * (`netc fmt -`, `netc compile` to stdout), written unchanged.
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** A file's content for stdout, unescaped; absent: `out`. */
  readonly data?: (text: string) => void;
  readonly color: boolean;
  /**
   * Writes `text` as is (no newline added) to a terminal, for a status line that updates in
   * place with `\r`. Absent when stderr is not a terminal: progress is then printed as plain
   * lines through `out`.
   */
  readonly status?: (text: string) => void;
  /** Exit status 2 once writing to stdout failed (a full disk), else undefined. */
  readonly failed?: () => number | undefined;
}

/**
 * Colour or not: `FORCE_COLOR` (set, and not `0` or `false`) turns it on, then `NO_COLOR` (any
 * non-empty value) off; otherwise only on a terminal other than `TERM=dumb`. (Node's order.)
 */
export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return isTTY && env.TERM !== 'dumb';
}

/** stdout's state: open, closed by the reader (EPIPE: drop output), or failed (exit 2). */
let stdoutState: 'open' | 'closed' | 'failed' = 'open';

function onStdoutError(e: Error): void {
  if (stdoutState !== 'open') return;
  if ('code' in e && e.code === 'EPIPE') {
    stdoutState = 'closed';
    return;
  }
  stdoutState = 'failed';
  const failure = fileError(e, 'standard output', 'write');
  process.stderr.write(`netc: ${failure?.message ?? e.message}\n`);
  process.exitCode = 2;
}

let listening = false;

function writeOut(t: string): void {
  writeData(escapeLines(t, stdoutColor));
}

function writeData(t: string): void {
  if (!listening) {
    process.stdout.on('error', onStdoutError);
    listening = true;
  }
  if (stdoutState === 'open') process.stdout.write(t.endsWith('\n') ? t : `${t}\n`);
}

const statusTerminal = Boolean(process.stderr.isTTY) && process.env.TERM !== 'dumb';
const stdoutColor = colorEnabled(process.env, Boolean(process.stdout.isTTY));

function writeErr(text: string): void {
  const t = escapeLines(text, stdoutColor);
  process.stderr.write(t.endsWith('\n') ? t : `${t}\n`);
}

export const processOutput: Output = {
  out: writeOut,
  err: writeErr,
  data: writeData,
  color: stdoutColor,
  failed: () => (stdoutState === 'failed' ? 2 : undefined),
  ...(statusTerminal ? { status: (t: string) => void process.stderr.write(t) } : {}),
};
