/**
 * The weights of a TensorFlow.js layers folder (`model.json` + its weight files), read and
 * written as `GraphWeights` without TensorFlow.js. netc writes one shard named by its content,
 * `weights.<hash>.bin` (io/tfjs-publish.ts: no crash leaves a mismatched pair); reading follows
 * the manifest's paths, so `weights.bin` of earlier versions and other tools' shards read too.
 *
 * Names: the manifest names each weight as tfjs names the variable, `<layer name>/<weight>`,
 * where the layer name is `layerNames(graph.nodes)` (the sanitized, unique IR node name; see
 * compiler/ir/layer-names.ts). That is what `tf.loadLayersModel` and `model.loadWeights` of a
 * generated module match. In memory the weights are keyed by IR name (`<node name>/<weight>`);
 * `tfjsWeightNames` maps one to the other. Both are the same for names made of `[-A-Za-z0-9._]`.
 *
 * Reading decodes float32, int32 and bool entries and the quantized ones tfjs writes (uint8 /
 * uint16 with `scale` and `min`, float16), as `tf.io.decodeWeights` does, all to float32.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Graph } from '../compiler/ir/graph.js';
import { layerNames } from '../compiler/ir/layer-names.js';
import { systemErrorReason } from '../compiler/system-errors.js';
import type { GraphWeights, WeightArray } from '../compiler/ir/weights.js';
import { compareWeights, expectedWeights, WeightMismatchError } from '../compiler/weights-check.js';
import { briefText } from './brief.js';
import { withFingerprint } from './graph-fingerprint.js';
import { halfToFloat } from './elements.js';
import { OutsideFolderError, readFolderFile } from './folder-file.js';
import { FileReadError, MAX_MODEL_JSON_BYTES, MAX_WEIGHTS_BYTES } from './read-file.js';
import {
  entryBytes,
  parseModelJson,
  type ManifestEntry,
  type ManifestGroup,
} from './tfjs-manifest.js';
import { publishTfjsFolder, shardName } from './tfjs-publish.js';
import { TfjsFilesError, WeightsFileError } from './weights-errors.js';

export { TfjsFilesError } from './weights-errors.js';
export type { ManifestEntry, ManifestGroup } from './tfjs-manifest.js';

export const MODEL_JSON = 'model.json';
/** The weight file's name in folders of earlier netc versions (now `weights.<hash>.bin`). */
export const WEIGHTS_BIN = 'weights.bin';

/** IR key -> tfjs variable name (`<layer name>/<weight>`) of every weight of the graph. */
export function tfjsWeightNames(graph: Graph): Map<string, string> {
  const layers = layerNames(graph.nodes);
  return new Map(
    expectedWeights(graph).map(({ key, node, spec }) => [
      key,
      `${layers.get(node.id)!}/${spec.name}`,
    ]),
  );
}

/**
 * The manifest and the bytes of the weight shard for `weights` (float32, in graph order); the
 * manifest names the shard `weights.<hash>.bin` (`shardName`).
 */
export function encodeTfjsWeights(
  graph: Graph,
  weights: GraphWeights,
): { manifest: ManifestGroup[]; bytes: Uint8Array } {
  const problems = compareWeights(graph, weights);
  if (problems.length > 0) throw new WeightMismatchError(problems);
  const names = tfjsWeightNames(graph);
  const entries: ManifestEntry[] = [];
  let total = 0;
  for (const [key, name] of names) {
    const w = weights.get(key)!;
    entries.push({ name, shape: [...w.shape], dtype: 'float32' });
    total += w.data.length * 4;
  }
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let offset = 0;
  for (const key of names.keys()) {
    for (const v of weights.get(key)!.data) {
      view.setFloat32(offset, v, true);
      offset += 4;
    }
  }
  return { manifest: [{ paths: [shardName(bytes)], weights: entries }], bytes };
}

/** What `writeTfjsFolder` puts in `model.json` besides the weights manifest. */
export interface TfjsFolderOptions {
  /** The layers model topology (`model.toJSON(null, false)`); without it tfjs cannot rebuild the model. */
  readonly modelTopology?: object;
  /** Strings kept as the model's `userDefinedMetadata` (with the graph's fingerprint). */
  readonly metadata?: Record<string, string>;
  /** `generatedBy` (default: netc). */
  readonly generatedBy?: string;
}

/**
 * Writes the folder `dir` (created if needed): the shard `weights.<hash>.bin`, then
 * `model.json`, then removes the old shards (io/tfjs-publish.ts: any crash leaves the old
 * consistent pair or the new one). Throws an `OutputFileError` when it cannot.
 */
export async function writeTfjsFolder(
  dir: string,
  graph: Graph,
  weights: GraphWeights,
  options: TfjsFolderOptions = {},
): Promise<void> {
  const { manifest, bytes } = encodeTfjsWeights(graph, weights);
  const json: Record<string, unknown> = {
    ...(options.modelTopology ? { modelTopology: options.modelTopology } : {}),
    format: 'layers-model',
    generatedBy: options.generatedBy ?? 'netc',
    convertedBy: null,
    weightsManifest: manifest,
    userDefinedMetadata: withFingerprint(graph, options.metadata),
  };
  await publishTfjsFolder(dir, json, manifest[0].weights, bytes);
}

/** Resolves a weights path from the manifest, refusing paths that leave `dir` (by name only). */
export function weightsPath(dir: string, path: string): string {
  const full = resolve(dir, path);
  const rel = relative(resolve(dir), full);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new TfjsFilesError(`weights path '${path}' is outside the model folder ${dir}`);
  }
  return full;
}

const isErrno = (e: unknown, ...codes: string[]): boolean =>
  e instanceof Error && codes.includes((e as NodeJS.ErrnoException).code ?? '');

/**
 * `dir/model.json`, read (a regular file inside `dir`, at most `MAX_MODEL_JSON_BYTES`) and
 * parsed (`parseModelJson`). `WeightsFileError` when `dir` holds none or its manifest is
 * malformed, `TfjsFilesError` for bad JSON.
 */
export async function readModelJson(
  dir: string,
): Promise<{ json: Record<string, unknown>; manifest: ManifestGroup[]; bytes: number }> {
  const where = join(dir, MODEL_JSON);
  let bytes: Uint8Array;
  try {
    bytes = await readFolderFile(dir, MODEL_JSON, MODEL_JSON_LIMIT, where);
  } catch (e) {
    if (isErrno(e, 'ENOENT', 'ENOTDIR'))
      throw new WeightsFileError(
        `${dir} holds no ${MODEL_JSON} (expected ${MODEL_JSON} + ${WEIGHTS_BIN})`,
      );
    if (e instanceof OutsideFolderError)
      throw new WeightsFileError(`${where} is outside the model folder (${e.reason})`);
    if (e instanceof FileReadError) throw new WeightsFileError(e.message);
    throw e;
  }
  return parseModelJson(new TextDecoder().decode(bytes), where);
}

const MODEL_JSON_LIMIT = { maxBytes: MAX_MODEL_JSON_BYTES, what: `${MODEL_JSON} files` };
const SHARD_LIMIT = { maxBytes: MAX_WEIGHTS_BYTES, what: 'weight files' };

/** One weight file named by the manifest (`at`: where it is named, for messages). */
async function readShard(dir: string, path: string, at: string): Promise<Uint8Array> {
  try {
    return await readFolderFile(dir, path, SHARD_LIMIT, join(dir, path));
  } catch (e) {
    if (e instanceof OutsideFolderError)
      throw new WeightsFileError(
        `${at}: ${e.message.replace('outside the folder', 'outside the model folder')}`,
      );
    if (isErrno(e, 'ENOENT', 'ENOTDIR'))
      throw new WeightsFileError(`${at}: the model folder holds no file '${briefText(path)}'`);
    if (e instanceof FileReadError) throw new WeightsFileError(`${at}: ${e.message}`);
    const why = systemErrorReason(e);
    if (why !== undefined)
      throw new WeightsFileError(`${at}: cannot read ${briefText(join(dir, path))}: ${why}`);
    throw e;
  }
}

/**
 * The weight files of the manifest, in order, as one buffer of exactly the `needed` bytes the
 * manifest describes; `WeightsFileError` (located) for a file that is missing, outside the
 * folder, not a regular file or too large, or when the sizes do not add up.
 */
export async function readManifestWeights(
  dir: string,
  manifest: readonly ManifestGroup[],
  needed: number,
): Promise<Uint8Array> {
  const where = join(dir, MODEL_JSON);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (const [i, group] of manifest.entries()) {
    for (const [j, path] of group.paths.entries()) {
      const chunk = await readShard(dir, path, `${where}: weightsManifest[${i}].paths[${j}]`);
      chunks.push(chunk);
      total += chunk.length;
      if (total > needed) {
        throw new WeightsFileError(
          `${dir}: the manifest in ${MODEL_JSON} describes ${needed} bytes of weights, the weight files hold more (${total} up to '${briefText(path)}')`,
        );
      }
    }
  }
  if (total !== needed) {
    throw new WeightsFileError(
      `${dir}: the manifest in ${MODEL_JSON} describes ${needed} bytes of weights, the weight files hold ${total}`,
    );
  }
  if (chunks.length === 1) return chunks[0];
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** Bytes an entry takes in the weight files (quantized entries take the stored size). */
export function byteSize(entry: ManifestEntry): number {
  const size = entryBytes(entry);
  if (Number.isNaN(size)) {
    const dtype = entry.quantization?.dtype ?? entry.dtype;
    throw new WeightsFileError(`weight '${entry.name}' has dtype '${dtype}', which is not numeric`);
  }
  return size;
}

/** One entry's values as float32, from its bytes (as `tf.io.decodeWeights`, then widened). */
export function decodeEntry(entry: ManifestEntry, bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  const q = entry.quantization;
  if (q) {
    if (q.dtype === 'float16') {
      if (entry.dtype !== 'float32')
        throw new TfjsFilesError(`weight '${entry.name}': float16 quantization of ${entry.dtype}`);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    if (q.dtype !== 'uint8' && q.dtype !== 'uint16')
      throw new TfjsFilesError(`weight '${entry.name}' has unknown quantization ${q.dtype}`);
    if (typeof q.scale !== 'number' || typeof q.min !== 'number')
      throw new TfjsFilesError(
        `weight '${entry.name}': ${q.dtype} quantization needs min and scale`,
      );
    if (entry.dtype !== 'float32' && entry.dtype !== 'int32')
      throw new TfjsFilesError(`weight '${entry.name}': ${q.dtype} quantization of ${entry.dtype}`);
    for (let i = 0; i < count; i++) {
      const v = q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true);
      const x = v * q.scale + q.min;
      out[i] = entry.dtype === 'int32' ? Math.round(x) : x;
    }
    return out;
  }
  for (let i = 0; i < count; i++) {
    if (entry.dtype === 'float32') out[i] = view.getFloat32(4 * i, true);
    else if (entry.dtype === 'int32') out[i] = view.getInt32(4 * i, true);
    else if (entry.dtype === 'bool') out[i] = view.getUint8(i) ? 1 : 0;
    else throw new TfjsFilesError(`weight '${entry.name}' has unsupported dtype ${entry.dtype}`);
  }
  return out;
}

/**
 * The weights of the tfjs folder `dir`, by IR key, checked against `graph`: `TfjsFilesError`
 * for a malformed folder, `WeightMismatchError` listing every missing, unexpected (by its
 * manifest name) and mis-shaped tensor.
 */
export async function readTfjsFolder(dir: string, graph: Graph): Promise<GraphWeights> {
  const { manifest, bytes: needed } = await readModelJson(dir);
  const where = join(dir, MODEL_JSON);
  const entries = manifest.flatMap((g) => g.weights);
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new WeightsFileError(`${where} lists '${briefText(e.name)}' twice`);
    seen.add(e.name);
  }
  const all = await readManifestWeights(dir, manifest, needed);
  const keyOf = new Map([...tfjsWeightNames(graph)].map(([key, name]) => [name, key]));
  const out = new Map<string, WeightArray>();
  let offset = 0;
  for (const e of entries) {
    const n = byteSize(e);
    const key = keyOf.get(e.name) ?? e.name;
    if (out.has(key)) throw new WeightsFileError(`${where} lists '${briefText(e.name)}' twice`);
    out.set(key, {
      shape: [...e.shape],
      data: decodeEntry(e, all.subarray(offset, offset + n)),
    });
    offset += n;
  }
  const problems = compareWeights(graph, out);
  if (problems.length > 0) throw new WeightMismatchError(problems);
  return out;
}
