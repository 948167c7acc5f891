/**
 * Saving and loading a model's weights by path. The path's form picks the format:
 *
 * - a path ending in `.safetensors` is one safetensors file (F32 tensors named by each weight's
 *   `originalName`, e.g. `dense/kernel`; see `io/safetensors-model.ts`);
 * - any other path is a folder holding `model.json` + `weights.bin`, the TensorFlow.js layers
 *   format (readable by `tf.loadLayersModel`); a path to such a `model.json` names its folder.
 *
 * Loading matches every tensor of the file against the model's weights by name and shape first
 * and sets nothing unless all match (`WeightMismatchError` lists every missing, unexpected and
 * mis-shaped one), so a model is never half-loaded.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../io/atomic-write.js';
import { exportSafetensors, importSafetensors, modelWeightSpecs } from './io/safetensors-model.js';
import { fileLoadHandler, MODEL_JSON, saveLayersModel, WEIGHTS_BIN } from './io/tfjs-files.js';
import { matchWeights } from './io/weights.js';

export type WeightsFormat = 'safetensors' | 'tfjs';

/** A weights path that names no usable file or folder, or a tfjs weights file that is malformed. */
export class WeightsFileError extends Error {
  override name = 'WeightsFileError';
}

/** `safetensors` for a path ending in `.safetensors` (any case), else `tfjs` (a folder). */
export function weightsFormat(path: string): WeightsFormat {
  return path.toLowerCase().endsWith('.safetensors') ? 'safetensors' : 'tfjs';
}

/** The folder of a tfjs-format path: the path itself, or the folder of a `.../model.json`. */
export function tfjsFolder(path: string): string {
  return basename(path) === MODEL_JSON ? dirname(path) : path;
}

async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Writes the model's weights to `path` (format by the path's form, see the module comment).
 * Each file is replaced atomically; a tfjs folder is created if needed.
 */
export async function saveWeights(
  model: tf.LayersModel,
  path: string,
  metadata?: Record<string, string>,
): Promise<void> {
  if (weightsFormat(path) === 'safetensors') {
    if ((await statOrNull(path))?.isDirectory())
      throw new WeightsFileError(`${path} is a folder, not a .safetensors file`);
    await writeFileAtomic(path, exportSafetensors(model, metadata));
    return;
  }
  const dir = tfjsFolder(path);
  const info = await statOrNull(dir);
  if (info && !info.isDirectory()) {
    throw new WeightsFileError(
      `${dir} is a file: weights go to a folder (model.json + weights.bin) or a .safetensors file`,
    );
  }
  await saveLayersModel(model, dir);
}

/**
 * Sets all of the model's weights from `path`. Throws, leaving the model unchanged: the file
 * system's error for a missing path, `WeightsFileError` / `SafetensorsError` / `TfjsFilesError`
 * for a malformed file, `WeightMismatchError` when names or shapes do not match the model.
 */
export async function loadWeights(model: tf.LayersModel, path: string): Promise<void> {
  if (weightsFormat(path) === 'safetensors') {
    const bytes = await readFile(path);
    importSafetensors(model, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return;
  }
  const dir = tfjsFolder(path);
  const info = await stat(dir);
  if (!info.isDirectory()) {
    throw new WeightsFileError(
      `${dir} is a file: expected a .safetensors file or a folder holding ${MODEL_JSON} + ${WEIGHTS_BIN}`,
    );
  }
  if (!(await statOrNull(join(dir, MODEL_JSON)))) {
    throw new WeightsFileError(
      `${dir} holds no ${MODEL_JSON} (expected ${MODEL_JSON} + ${WEIGHTS_BIN})`,
    );
  }
  const given = await readTfjsWeights(dir);
  const specs = modelWeightSpecs(model);
  const arrays = matchWeights(specs, given);
  tf.tidy(() =>
    model.setWeights(arrays.map((data, i) => tf.tensor(data, specs[i].shape, 'float32'))),
  );
}

/** The weights of a tfjs-format folder by name, as float32 (decoding any quantization). */
async function readTfjsWeights(
  dir: string,
): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const artifacts = await fileLoadHandler(dir).load!();
  const specs = artifacts.weightSpecs ?? [];
  const buffer = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
  const where = join(dir, MODEL_JSON);
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new WeightsFileError(`${where} lists '${spec.name}' twice`);
    seen.add(spec.name);
  }
  const needed = specs.reduce((n, s) => n + byteSize(s), 0);
  if (needed !== buffer.byteLength) {
    throw new WeightsFileError(
      `${dir}: the manifest in ${MODEL_JSON} describes ${needed} bytes of weights, the weight files hold ${buffer.byteLength}`,
    );
  }
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(buffer, specs);
  } catch (e) {
    throw new WeightsFileError(`${dir}: cannot decode the weights: ${(e as Error).message}`);
  }
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const spec of specs) {
    const t = tensors[spec.name];
    out.set(spec.name, { shape: [...t.shape], data: Float32Array.from(t.dataSync()) });
    t.dispose();
  }
  return out;
}

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  float16: 2,
  uint8: 1,
  uint16: 2,
};

/** Bytes a manifest entry takes in the weight files (quantized entries take the stored size). */
function byteSize(spec: tf.io.WeightsManifestEntry): number {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const size = DTYPE_BYTES[dtype];
  if (size === undefined)
    throw new WeightsFileError(`weight '${spec.name}' has dtype '${dtype}', which is not numeric`);
  return count * size;
}
