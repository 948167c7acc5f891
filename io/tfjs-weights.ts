/**
 * The weights of a TensorFlow.js layers folder (`model.json` + `weights.bin`), read and written
 * as `GraphWeights` without TensorFlow.js.
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
import { mkdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Graph } from '../compiler/ir/graph.js';
import { layerNames } from '../compiler/ir/layer-names.js';
import type { GraphWeights, WeightArray } from '../compiler/ir/weights.js';
import { compareWeights, expectedWeights, WeightMismatchError } from '../compiler/weights-check.js';
import { writeFileAtomic } from './atomic-write.js';
import { withFingerprint } from './graph-fingerprint.js';
import { halfToFloat } from './elements.js';
import { TfjsFilesError, WeightsFileError } from './weights-errors.js';

export { TfjsFilesError } from './weights-errors.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** One weight in a tfjs weights manifest (tfjs `WeightsManifestEntry`). */
export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number; original_dtype?: string };
}

/** A group of a tfjs weights manifest: weight files holding the entries, concatenated. */
export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

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

/** The manifest and the bytes of `weights.bin` for `weights` (float32, in graph order). */
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
  return { manifest: [{ paths: [WEIGHTS_BIN], weights: entries }], bytes };
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
 * Writes `dir/weights.bin` then `dir/model.json` (each atomically, model.json last, so once it
 * is replaced the new weights are in place); creates `dir` if needed.
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
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, WEIGHTS_BIN), bytes);
  await writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(json));
}

/** Resolves a weights path from the manifest, refusing paths that leave `dir`. */
export function weightsPath(dir: string, path: string): string {
  const full = resolve(dir, path);
  const rel = relative(resolve(dir), full);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new TfjsFilesError(`weights path '${path}' is outside the model folder ${dir}`);
  }
  return full;
}

/** `dir/model.json` parsed; `TfjsFilesError` for bad JSON or a manifest of the wrong form. */
export async function readModelJson(
  dir: string,
): Promise<{ json: Record<string, unknown>; manifest: ManifestGroup[] }> {
  const path = join(dir, MODEL_JSON);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError)
      throw new TfjsFilesError(`${path} is not valid JSON: ${error.message}`);
    throw error;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new TfjsFilesError(`${path} is not a JSON object`);
  const manifest = (json as { weightsManifest?: unknown }).weightsManifest ?? [];
  if (!Array.isArray(manifest)) throw new TfjsFilesError(`${path}: weightsManifest is not a list`);
  for (const group of manifest as unknown[]) {
    const g = group as Partial<ManifestGroup> | null;
    if (!g || !Array.isArray(g.paths) || !Array.isArray(g.weights))
      throw new TfjsFilesError(`${path}: a weightsManifest group lacks paths or weights`);
    for (const e of g.weights as unknown[]) {
      const entry = e as Partial<ManifestEntry> | null;
      if (
        !entry ||
        typeof entry.name !== 'string' ||
        !Array.isArray(entry.shape) ||
        !entry.shape.every((d) => Number.isInteger(d) && d >= 0) ||
        typeof entry.dtype !== 'string'
      )
        throw new TfjsFilesError(`${path}: malformed weightsManifest entry ${JSON.stringify(e)}`);
    }
  }
  return { json: json as Record<string, unknown>, manifest: manifest as ManifestGroup[] };
}

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  float16: 2,
  uint8: 1,
  uint16: 2,
};

/** Bytes an entry takes in the weight files (quantized entries take the stored size). */
export function byteSize(entry: ManifestEntry): number {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const size = DTYPE_BYTES[dtype];
  if (size === undefined)
    throw new WeightsFileError(`weight '${entry.name}' has dtype '${dtype}', which is not numeric`);
  return count * size;
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
  const { manifest } = await readModelJson(dir);
  const where = join(dir, MODEL_JSON);
  const entries = manifest.flatMap((g) => g.weights);
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new WeightsFileError(`${where} lists '${e.name}' twice`);
    seen.add(e.name);
  }
  const chunks: Uint8Array[] = [];
  for (const group of manifest) {
    for (const path of group.paths)
      chunks.push(new Uint8Array(await readFile(weightsPath(dir, path))));
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const needed = entries.reduce((n, e) => n + byteSize(e), 0);
  if (needed !== total) {
    throw new WeightsFileError(
      `${dir}: the manifest in ${MODEL_JSON} describes ${needed} bytes of weights, the weight files hold ${total}`,
    );
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  const keyOf = new Map([...tfjsWeightNames(graph)].map(([key, name]) => [name, key]));
  const out = new Map<string, WeightArray>();
  let offset = 0;
  for (const e of entries) {
    const n = byteSize(e);
    const key = keyOf.get(e.name) ?? e.name;
    if (out.has(key)) throw new WeightsFileError(`${where} lists '${e.name}' twice`);
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
