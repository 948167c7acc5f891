/**
 * Every weight-file call of the CLI (`netc run / train / init`, `compile --target onnx`): load,
 * save, and check a save path before any work; each failure mapped to a `FileError` (exit 2) or
 * a `DataError` (weights of another model, exit 1). Imports TensorFlow.js: loaded lazily.
 */
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../compiler/ir/graph.js';
import type { GraphWeights } from '../../compiler/ir/weights.js';
import { escapeText } from '../../compiler/util/escape.js';
import { WeightMismatchError } from '../../compiler/weights-check.js';
import { FileReadError } from '../../io/read-file.js';
import { SafetensorsError } from '../../io/safetensors.js';
import { manifestShards } from '../../io/tfjs-publish.js';
import { TfjsFilesError } from '../../io/weights-errors.js';
import { OutputFileError } from '../../io/write-errors.js';
import { kindOf } from '../../io/write-target.js';
import { readWeightsFile, statOrNull } from '../../io/weights-file.js';
import { fillModel } from '../../runtime/graph-weights.js';
import {
  saveWeights,
  tfjsFolder,
  weightsFormat,
  WeightsFileError,
} from '../../runtime/weights-files.js';
import { DataError, FileError, fileError } from '../errors.js';
import {
  checkWritable,
  probeFolder,
  refuseInputOverwrite,
  type NamedPath,
} from './output-paths.js';

/** Loads weights into the model (nothing is set unless all match); maps every failure. */
export async function loadWeightsFrom(
  model: tf.LayersModel,
  graph: Graph,
  path: string,
): Promise<GraphWeights> {
  const weights = await readWeightsFrom(graph, path);
  fillModel(model, graph, weights);
  return weights;
}

/** Reads the weights at `path`, checked against the graph (no tfjs); maps every failure. */
export async function readWeightsFrom(graph: Graph, path: string): Promise<GraphWeights> {
  try {
    return await readWeightsFile(path, graph);
  } catch (e) {
    if (e instanceof WeightMismatchError)
      throw DataError.fromLines(`${escapeText(path)}: ${e.message}`);
    if (e instanceof WeightsFileError || e instanceof FileReadError) throw new FileError(e.message);
    if (e instanceof SafetensorsError || e instanceof TfjsFilesError)
      throw new FileError(`${path}: ${e.message}`);
    throw fileError(e, path, 'read', true) ?? e;
  }
}

/**
 * Saves the model's weights (format by the path's form); maps every failure. Returns what was
 * written: `safetensors`, or `model.json + weights.<hash>.bin`.
 */
export async function saveWeightsTo(
  model: tf.LayersModel,
  graph: Graph,
  path: string,
): Promise<string> {
  try {
    await saveWeights(model, graph, path);
  } catch (e) {
    if (
      e instanceof WeightsFileError ||
      e instanceof TfjsFilesError ||
      e instanceof OutputFileError
    )
      throw new FileError(e.message);
    throw fileError(e, path, 'write', true) ?? e;
  }
  if (weightsFormat(path) === 'safetensors') return 'safetensors';
  return ['model.json', ...manifestShards(tfjsFolder(path))].join(' + ');
}

/** `stat`, or null for a path that does not exist; a path that cannot be examined: a `FileError`. */
async function statForWrite(path: string) {
  try {
    return await statOrNull(path);
  } catch (e) {
    throw fileError(e, path, 'write', true) ?? e;
  }
}

/**
 * Checks, before any work, that weights can go to `path` and overwrite none of the command's
 * `inputs` (a `UsageError`): a .safetensors path must be a regular file or nothing, in a folder
 * that takes a new file; a tfjs folder must not be a file, and takes new files (missing folders
 * are created, below an existing one).
 */
export async function checkSavePath(
  path: string,
  inputs: readonly NamedPath[] = [],
): Promise<void> {
  const safetensors = weightsFormat(path) === 'safetensors';
  const target = safetensors ? path : tfjsFolder(path);
  refuseInputOverwrite([{ path, what: '--save' }], inputs, !safetensors);
  const info = await statForWrite(target);
  if (info) {
    if (safetensors && info.isDirectory())
      throw new FileError(`cannot write ${path}: it is a folder, not a .safetensors file`);
    if (safetensors) return checkWritable(path);
    if (!info.isDirectory()) {
      const kind = kindOf(info);
      throw new FileError(
        `cannot write weights to ${target}: it is ${kind} (weights go to a folder, or to a path ending in .safetensors)`,
      );
    }
    checkWritable(join(target, 'model.json'));
    return;
  }
  let parent = dirname(target);
  while (!safetensors && !(await statForWrite(parent)) && dirname(parent) !== parent)
    parent = dirname(parent);
  const p = await statForWrite(parent);
  if (!p) throw new FileError(`cannot write ${path}: the folder ${parent} does not exist`);
  if (!p.isDirectory()) throw new FileError(`cannot write ${path}: ${parent} is not a folder`);
  if (safetensors) checkWritable(path);
  else probeFolder(parent, path);
}
