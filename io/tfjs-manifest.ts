/**
 * The `model.json` of a TensorFlow.js folder as netc reads it: valid JSON that nests at most
 * `MAX_MODEL_JSON_DEPTH` levels, whose `weightsManifest` (a list of groups `{paths, weights}`)
 * is checked entry by entry before any weight file is opened. Each problem is reported with
 * where it is, `model.json: weightsManifest[0].weights[3].shape: expected ...`.
 */
import { brief, briefText } from './brief.js';
import { jsonTooDeepAt } from './json-depth.js';
import { formatBytes, MAX_WEIGHTS_BYTES } from './read-file.js';
import { TfjsFilesError, WeightsFileError } from './weights-errors.js';

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

/** The deepest nesting of `model.json` netc reads (a layers topology nests about a dozen). */
export const MAX_MODEL_JSON_DEPTH = 256;

/** The most weights a manifest may list (all groups together). */
export const MAX_MANIFEST_WEIGHTS = 100_000;

/** The most weight files a manifest may name (all groups together). */
export const MAX_MANIFEST_PATHS = 10_000;

/** Bytes per element of the dtypes netc decodes (`dtype`, or a quantization's `dtype`). */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
};
const QUANTIZED_BYTES: Readonly<Record<string, number>> = {
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes an entry takes in the weight files (quantized entries take the stored size). */
export function entryBytes(entry: ManifestEntry): number {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const q = entry.quantization?.dtype;
  return count * (q === undefined ? DTYPE_BYTES[entry.dtype] : QUANTIZED_BYTES[q]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const quoted = (value: unknown): string =>
  typeof value === 'string' ? `'${briefText(value)}'` : brief(value);

const list = (names: readonly string[]): string =>
  `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** Checks one manifest entry; `at` is its key path, `fail` throws the located message. */
function checkEntry(e: unknown, at: string, fail: (at: string, m: string) => never): number {
  if (!isRecord(e)) return fail(at, `expected an object {name, shape, dtype}, found ${brief(e)}`);
  if (typeof e.name !== 'string') fail(`${at}.name`, `expected a string, found ${brief(e.name)}`);
  const name = briefText(e.name as string);
  const shape = e.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${at}.shape`, `expected a list of non-negative integers, found ${brief(shape)}`);
  }
  const dims = shape as number[];
  if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) {
    const known = list(Object.keys(DTYPE_BYTES));
    fail(
      `${at}.dtype`,
      typeof e.dtype === 'string'
        ? `weight '${name}' has dtype ${quoted(e.dtype)}, which is not numeric (netc reads ${known})`
        : `expected a string (${known}), found ${brief(e.dtype)}`,
    );
  }
  let size = DTYPE_BYTES[e.dtype as string];
  const q = e.quantization;
  if (q !== undefined) {
    if (!isRecord(q) || typeof q.dtype !== 'string' || !(q.dtype in QUANTIZED_BYTES)) {
      fail(
        `${at}.quantization`,
        `expected {dtype: ${list(Object.keys(QUANTIZED_BYTES))}, ...}, found ${brief(q)}`,
      );
    }
    const qd = q.dtype as string;
    if (qd === 'float16' && e.dtype !== 'float32')
      fail(`${at}.quantization`, `weight '${name}': float16 quantization of ${e.dtype}`);
    if (qd !== 'float16') {
      if (e.dtype === 'bool')
        fail(`${at}.quantization`, `weight '${name}': ${qd} quantization of bool`);
      for (const key of ['scale', 'min'] as const) {
        if (typeof q[key] !== 'number' || !Number.isFinite(q[key]))
          fail(`${at}.quantization.${key}`, `expected a number, found ${brief(q[key])}`);
      }
    }
    size = QUANTIZED_BYTES[qd];
  }
  let bytes = size;
  for (const d of dims) bytes *= d;
  if (bytes > MAX_WEIGHTS_BYTES) {
    fail(
      `${at}.shape`,
      `weight '${name}' of shape [${dims.join(', ')}] takes more than the ${formatBytes(MAX_WEIGHTS_BYTES)} of weights netc reads`,
    );
  }
  return bytes;
}

/** Checks the manifest's form (throwing `WeightsFileError` at the first problem); the bytes it describes. */
function checkManifest(manifest: unknown, where: string): number {
  const fail = (at: string, message: string): never => {
    throw new WeightsFileError(`${where}: ${at}: ${message}`);
  };
  if (!Array.isArray(manifest))
    fail('weightsManifest', `expected a list of {paths, weights} groups, found ${brief(manifest)}`);
  const groups = manifest as unknown[];
  if (groups.length > MAX_MANIFEST_PATHS)
    fail('weightsManifest', `${groups.length} groups; netc reads at most ${MAX_MANIFEST_PATHS}`);
  let weights = 0;
  let paths = 0;
  groups.forEach((g, i) => {
    const at = `weightsManifest[${i}]`;
    if (!isRecord(g)) fail(at, `expected an object {paths, weights}, found ${brief(g)}`);
    const group = g as Record<string, unknown>;
    for (const key of ['paths', 'weights']) {
      if (!Array.isArray(group[key]))
        fail(`${at}.${key}`, `expected a list, found ${brief(group[key])}`);
    }
    weights += (group.weights as unknown[]).length;
    paths += (group.paths as unknown[]).length;
  });
  if (weights > MAX_MANIFEST_WEIGHTS)
    fail('weightsManifest', `lists ${weights} weights; netc reads at most ${MAX_MANIFEST_WEIGHTS}`);
  if (paths > MAX_MANIFEST_PATHS)
    fail(
      'weightsManifest',
      `names ${paths} weight files; netc reads at most ${MAX_MANIFEST_PATHS}`,
    );
  let total = 0;
  (groups as ManifestGroup[]).forEach((group, i) => {
    group.paths.forEach((p: unknown, j) => {
      if (typeof p !== 'string' || p === '')
        fail(`weightsManifest[${i}].paths[${j}]`, `expected a file name, found ${brief(p)}`);
    });
    group.weights.forEach((e: unknown, j) => {
      total += checkEntry(e, `weightsManifest[${i}].weights[${j}]`, fail);
      if (total > MAX_WEIGHTS_BYTES) {
        fail(
          `weightsManifest[${i}].weights[${j}]`,
          `the weights up to here take more than the ${formatBytes(MAX_WEIGHTS_BYTES)} netc reads`,
        );
      }
    });
  });
  return total;
}

/** A parsed `model.json`: the whole object, its manifest and the bytes of weights it describes. */
export interface ModelJson {
  readonly json: Record<string, unknown>;
  readonly manifest: ManifestGroup[];
  readonly bytes: number;
}

/**
 * Parses the text of a `model.json` (`where`: its path, for messages). `TfjsFilesError` for
 * text that is no JSON object; `WeightsFileError`, located, for a manifest of the wrong form.
 * An absent `weightsManifest` is an empty one.
 */
export function parseModelJson(text: string, where: string): ModelJson {
  const deep = jsonTooDeepAt(text, MAX_MODEL_JSON_DEPTH);
  if (deep >= 0) {
    throw new TfjsFilesError(
      `${where} nests deeper than ${MAX_MODEL_JSON_DEPTH} levels (at offset ${deep}); netc reads at most ${MAX_MODEL_JSON_DEPTH}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TfjsFilesError(
      `${where} is not valid JSON: ${briefText((error as Error).message, 200)}`,
    );
  }
  if (!isRecord(json)) throw new TfjsFilesError(`${where} is not a JSON object`);
  const manifest = json.weightsManifest ?? [];
  const bytes = checkManifest(manifest, where);
  return { json, manifest: manifest as ManifestGroup[], bytes };
}
