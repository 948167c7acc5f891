/**
 * Checks on the paths a command writes, made before any work: that each can be written (the
 * target is a regular file or nothing, the folder takes a new file: io/write-target.ts's rule,
 * and a probe file is created and removed there), and that no output is one of the command's
 * own inputs (FILE, its imports, --weights, --input, --x, --y): a usage error naming both.
 * `netc fmt` rewriting its FILE in place is the one intended exception.
 */
import { closeSync, openSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CheckResult } from '../../compiler/compile.js';
import { tempPathFor } from '../../io/atomic-write.js';
import { SHARD_NAME } from '../../io/tfjs-publish.js';
import { OutputFileError } from '../../io/write-errors.js';
import { resolveWriteTarget, writeReason } from '../../io/write-target.js';
import { FileError, STDIN, UsageError } from '../io.js';

/** A path on the command line and the option (or operand) that gave it, for messages. */
export interface NamedPath {
  readonly path: string;
  /** `FILE`, `the import`, `--weights`, `-o`... */
  readonly what: string;
}

/** FILE and every file it imports (the .net sources of a compile). */
export function sourcesOf(file: string, result: CheckResult): NamedPath[] {
  const out: NamedPath[] = file === STDIN ? [] : [{ path: file, what: 'FILE' }];
  const seen = new Set<string>();
  for (const ref of result.program.definitions.values()) {
    const path = ref.source.path;
    if (ref.source === result.source || seen.has(path)) continue;
    seen.add(path);
    out.push({ path, what: 'the import' });
  }
  return out;
}

/** `dev:ino` of what `path` names (links followed), or undefined when there is nothing. */
function identity(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The files a write to `output` replaces or removes: the file itself, or for a tfjs folder
 * (`folder`) the folder, its `model.json` and its weight shards.
 */
function replaced(output: string, folder: boolean): string[] {
  if (!folder) return [output];
  let shards: string[] = [];
  try {
    shards = readdirSync(output).filter((n) => SHARD_NAME.test(n) || n === 'weights.bin');
  } catch {
    // No folder yet: nothing in it to replace.
  }
  return [output, join(output, 'model.json'), ...shards.map((n) => join(output, n))];
}

/**
 * A `UsageError` when an output would replace one of the inputs (same file by device and inode,
 * so links and `..` do not hide it) or another output. `folder`: the outputs are tfjs folders.
 */
export function refuseInputOverwrite(
  outputs: readonly NamedPath[],
  inputs: readonly NamedPath[],
  folder = false,
): void {
  const taken = new Map<string, NamedPath>();
  for (const input of inputs) {
    const id = identity(input.path);
    if (id !== undefined && !taken.has(id)) taken.set(id, input);
  }
  for (const output of outputs) {
    for (const file of replaced(output.path, folder)) {
      const hit = taken.get(identity(file) ?? '');
      if (hit) {
        throw new UsageError(
          `${output.what} ${output.path} would overwrite ${hit.what} ${hit.path}, an input of this command: write it elsewhere`,
        );
      }
    }
  }
  const seen = new Map<string, NamedPath>();
  for (const output of outputs) {
    const key = identity(output.path) ?? `new:${resolve(output.path)}`;
    const prior = seen.get(key);
    if (prior) throw new UsageError(`${output.what} and ${prior.what} both write ${output.path}`);
    seen.set(key, output);
  }
}

/** Creates and removes a file in `dir`: the one sure test that a write there can happen. */
export function probeFolder(dir: string, shown: string): void {
  const probe = tempPathFor(join(dir, 'probe'));
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (e) {
    const why = writeReason(e, true) ?? String(e);
    throw new FileError(`cannot write ${shown}: ${why} (in the folder ${dir})`);
  }
}

/**
 * Checks, before any work, that a file can be written at `path`: what is there may be
 * replaced, and its folder takes a new file. A failure is a `FileError`.
 */
export function checkWritable(path: string): void {
  let file: string;
  try {
    file = resolveWriteTarget(path).file;
  } catch (e) {
    if (e instanceof OutputFileError) throw new FileError(e.message);
    throw e;
  }
  probeFolder(dirname(file), path);
}
