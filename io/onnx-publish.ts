/**
 * Publishing an ONNX model with external data (a `.onnx` file and the data file it names) so
 * that no crash leaves a model naming a missing or mismatched data file. The data file is named
 * by its content (codegen/onnx/external-data.ts: `m.onnx.<16 hex digits of its SHA-256>.data`),
 * and the steps are:
 *
 * 1. the data file is written (atomically, io/atomic-write.ts) under its name, beside the
 *    model the path leads to; a file of that name holds the same bytes already, if any;
 * 2. the `.onnx` file, naming it, is renamed into place: the one switch from old to new;
 * 3. the model's other data files (`m.onnx.<16 hex>.data` of an earlier export or of a crash
 *    between 1 and 2) are removed.
 *
 * A crash before 2 leaves the old model with its data file (and perhaps an unused new one),
 * after it the new pair (perhaps with stale data files). A model without external data is
 * written the same way, with no step 1. As for tfjs folders, two processes exporting to one
 * path at once are not supported.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { removeStaleFiles, writeFileAtomic } from './atomic-write.js';
import { resolveWriteTarget } from './write-target.js';

/** A data file to publish beside the model: its name in the model's folder and its bytes. */
export interface SidecarFile {
  readonly name: string;
  readonly chunks: readonly Uint8Array[];
}

/** `m.onnx.<16 hex>.data`: the data file names netc writes for the model file `m.onnx`. */
export function isOwnDataFile(modelFileName: string, name: string): boolean {
  const stem = `${modelFileName}.`;
  return name.startsWith(stem) && /^[0-9a-f]{16}\.data$/.test(name.slice(stem.length));
}

/**
 * The folder and file name the model at `path` is written to (through a symbolic link, the
 * file it leads to): its data file goes beside that.
 */
export function modelLocation(path: string): { dir: string; fileName: string } {
  const file = resolveWriteTarget(path).file;
  return { dir: dirname(file), fileName: basename(file) };
}

/**
 * Writes the model `model` to `path` and its data file `data` beside it, by the steps of the
 * module comment; `data` must be named for `modelLocation(path).fileName`. Throws an
 * `OutputFileError` (the old pair in place) when a write fails.
 */
export async function publishOnnxModel(
  path: string,
  model: Uint8Array,
  data?: SidecarFile,
): Promise<void> {
  const { dir, fileName } = modelLocation(path);
  if (data) await writeFileAtomic(join(dir, data.name), data.chunks);
  await writeFileAtomic(path, model);
  removeStaleData(dir, fileName, data?.name);
}

function removeStaleData(dir: string, fileName: string, keep: string | undefined): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n !== keep && isOwnDataFile(fileName, n));
  } catch {
    // An unreadable folder keeps its stale data files; the new model is in place.
  }
  removeStaleFiles(dir, names);
}
