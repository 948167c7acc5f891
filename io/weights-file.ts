/**
 * Weight files as `GraphWeights`, without TensorFlow.js. The path's form picks the format:
 *
 * - a path ending in `.safetensors` is one safetensors file: F32 tensors keyed by IR name,
 *   `<node name>/<weight name>` (`stage1.block0.conv/kernel`), the graph's own names, which do
 *   not depend on how one runtime spells layer names (readers elsewhere: PyTorch, ONNX tools);
 * - any other path is a folder holding `model.json` + `weights.bin`, the TensorFlow.js layers
 *   format, whose manifest names weights as tfjs variables, `<sanitized layer name>/<weight>`
 *   (see io/tfjs-weights.ts), so `tf.loadLayersModel` and `model.loadWeights` accept it; a
 *   path to such a `model.json` names its folder.
 *
 * For names made of `[-A-Za-z0-9._]` (automatic names, most `name:`s) both are the same, and
 * the same as the tfjs `originalName`s the safetensors files of earlier versions used.
 *
 * Reading checks every tensor against the graph (`WeightMismatchError` lists every missing,
 * unexpected and mis-shaped one) and returns nothing unless all fit, so a model filled from
 * the result is never half-loaded. Writing replaces each file atomically.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Graph } from '../compiler/ir/graph.js';
import type { GraphWeights } from '../compiler/ir/weights.js';
import { checkWeights, expectedWeights } from '../compiler/weights-check.js';
import { writeFileAtomic } from './atomic-write.js';
import { withFingerprint } from './graph-fingerprint.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  readSafetensorsBytes,
  type NamedTensor,
} from './safetensors.js';
import {
  MODEL_JSON,
  readTfjsFolder,
  WEIGHTS_BIN,
  writeTfjsFolder,
  type TfjsFolderOptions,
} from './tfjs-weights.js';
import { WeightsFileError } from './weights-errors.js';

export { WeightsFileError } from './weights-errors.js';

export type WeightsFormat = 'safetensors' | 'tfjs';

/** `safetensors` for a path ending in `.safetensors` (any case), else `tfjs` (a folder). */
export function weightsFormat(path: string): WeightsFormat {
  return path.toLowerCase().endsWith('.safetensors') ? 'safetensors' : 'tfjs';
}

/** The folder of a tfjs-format path: the path itself, or the folder of a `.../model.json`. */
export function tfjsFolder(path: string): string {
  return basename(path) === MODEL_JSON ? dirname(path) : path;
}

/** `stat`, or null for a path that does not exist (other failures thrown as they are). */
export async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * The graph's weights as a safetensors file (F32, keyed by IR name, in graph order); its
 * `__metadata__` holds `metadata` and the graph's fingerprint (io/graph-fingerprint.ts).
 */
export function encodeWeightsSafetensors(
  graph: Graph,
  weights: GraphWeights,
  metadata?: Record<string, string>,
): Uint8Array {
  checkWeights(graph, weights);
  const tensors: NamedTensor[] = expectedWeights(graph).map(({ key }) => {
    const w = weights.get(key)!;
    return { name: key, shape: [...w.shape], data: w.data };
  });
  return encodeSafetensors(tensors, withFingerprint(graph, metadata));
}

/** A safetensors file's tensors as the graph's weights; throws unless they fit exactly. */
export function decodeWeightsSafetensors(bytes: Uint8Array, graph: Graph): GraphWeights {
  const { tensors } = decodeSafetensors(bytes);
  checkWeights(graph, tensors);
  return tensors;
}

/**
 * The weights at `path` for `graph` (format by the path's form, see the module comment).
 * Throws the file system's error for a missing path, `FileReadError` for a path that is no
 * regular file or over its limit (`MAX_WEIGHTS_BYTES`), `WeightsFileError` / `SafetensorsError` /
 * `TfjsFilesError` for a malformed file, `WeightMismatchError` when it does not fit the graph.
 */
export async function readWeightsFile(path: string, graph: Graph): Promise<GraphWeights> {
  if (weightsFormat(path) === 'safetensors') {
    return decodeWeightsSafetensors(await readSafetensorsBytes(path), graph);
  }
  const dir = tfjsFolder(path);
  const info = await stat(dir);
  if (!info.isDirectory()) {
    throw new WeightsFileError(
      `${dir} is a file: expected a .safetensors file or a folder holding ${MODEL_JSON} + ${WEIGHTS_BIN}`,
    );
  }
  return readTfjsFolder(dir, graph);
}

/** What `writeWeightsFile` adds: metadata (both formats), a model topology (tfjs folders). */
export type WriteWeightsOptions = TfjsFolderOptions;

/**
 * Writes the graph's weights to `path` (format by the path's form, see the module comment),
 * after checking they fit it. A tfjs folder is created if needed; it holds a model topology
 * only when `options.modelTopology` is given (the runtime's `saveWeights` gives it).
 */
export async function writeWeightsFile(
  path: string,
  graph: Graph,
  weights: GraphWeights,
  options: WriteWeightsOptions = {},
): Promise<void> {
  if (weightsFormat(path) === 'safetensors') {
    if ((await statOrNull(path))?.isDirectory())
      throw new WeightsFileError(`${path} is a folder, not a .safetensors file`);
    await writeFileAtomic(path, encodeWeightsSafetensors(graph, weights, options.metadata));
    return;
  }
  const dir = tfjsFolder(path);
  const info = await statOrNull(dir);
  if (info && !info.isDirectory()) {
    throw new WeightsFileError(
      `${dir} is a file: weights go to a folder (model.json + weights.bin) or a .safetensors file`,
    );
  }
  await writeTfjsFolder(dir, graph, weights, options);
}

/** Where a model's weights come from: a file, else a seed, else unseeded random values. */
export interface WeightSource {
  readonly weights?: string;
  readonly seed?: number;
}

function megabytes(bytes: number): string {
  if (bytes >= 1e5) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

/**
 * The one report of where weights come from: `weights from w.safetensors (12 tensors, 1.2 MB)`
 * (the counts when the loaded `weights` are given), `initial weights from --seed 0`, or
 * `random initial weights (no --weights or --seed)`.
 */
export function describeWeights(source: WeightSource, weights?: GraphWeights): string {
  if (source.weights) {
    if (!weights) return `weights from ${source.weights}`;
    const bytes = [...weights.values()].reduce((n, w) => n + w.data.length * 4, 0);
    const n = weights.size;
    return `weights from ${source.weights} (${n} tensor${n === 1 ? '' : 's'}, ${megabytes(bytes)})`;
  }
  if (source.seed !== undefined) return `initial weights from --seed ${source.seed}`;
  return 'random initial weights (no --weights or --seed)';
}
