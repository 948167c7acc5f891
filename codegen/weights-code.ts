/**
 * The weight loaders of a generated module: `fetchWeights` (a tfjs layers folder by URL),
 * `loadTfjsWeights` (the same from `model.json` and a shard reader: bytes in Node) and
 * `loadSafetensorsWeights` (safetensors bytes; its reader is a separate export, so bundlers drop
 * it when the app does not call it). Each checks the weights are the module's own before
 * setting any: the file's fingerprint (`netc.fingerprint`, io/graph-fingerprint.ts) when it
 * records one, then every name and shape. Errors are plain `Error`s named
 * `WeightsMismatchError` (not this module's weights) or `WeightsFormatError` (not a readable
 * file), so a module declares no class beyond netc's layers.
 */
import type { Graph } from '../compiler/ir/graph.js';
import { layerNames } from '../compiler/ir/layer-names.js';
import { optimizeForInference } from '../compiler/passes/index.js';
import { expectedWeights } from '../compiler/weights-check.js';
import { FINGERPRINT_KEY, graphFingerprint } from '../io/graph-fingerprint.js';
import { valueLiteral } from './print.js';

/** The names the weights section declares (embedded code and node variables avoid them). */
export const weightsNames = [
  'weightsInfo',
  'weightSpecs',
  'WeightShardReader',
  'WeightsFetch',
  'fetchWeights',
  'loadTfjsWeights',
  'loadSafetensorsWeights',
  'setCheckedWeights',
  'weightsError',
  'shapeText',
  'ownBuffer',
  'TFJS_DTYPE_BYTES',
  'SAFETENSORS_FLOATS',
  'safetensorsFloats',
];

/** What the module says about the weights it takes. */
export interface WeightsInfo {
  readonly model: string;
  readonly fingerprint: string;
  readonly optimized: boolean;
  readonly unfoldedFingerprint: string;
  readonly foldedFingerprint: string;
}

/**
 * The fingerprints of a module's graph. `sourceGraph` is the graph as written when `graph` is
 * its optimized form (`netc compile --optimize`), else absent.
 */
export function weightsInfo(graph: Graph, sourceGraph?: Graph): WeightsInfo {
  const unfolded = sourceGraph ?? graph;
  return {
    model: graph.name,
    fingerprint: graphFingerprint(graph),
    optimized: sourceGraph !== undefined,
    unfoldedFingerprint: graphFingerprint(unfolded),
    foldedFingerprint: graphFingerprint(optimizeForInference(unfolded).graph),
  };
}

/** The statements of the weights section, as TypeScript text. */
export function weightsSection(graph: Graph, info: WeightsInfo): string {
  const layers = layerNames(graph.nodes);
  const specs = expectedWeights(graph).map(({ key, node, spec }) => [
    key,
    layers.get(node.id)!,
    spec.name,
    [...spec.shape],
  ]);
  return `
/**
 * The weights this module takes. \`fingerprint\` is its graph's (weight files written by netc
 * record theirs as \`${FINGERPRINT_KEY}\` and are refused unless it is this one);
 * \`optimized\`: compiled with \`--optimize\`, so it takes the folded weights
 * (\`foldedFingerprint\`), not those of the graph as written (\`unfoldedFingerprint\`).
 */
export const weightsInfo = ${valueLiteral(info)} as const;

/** Every weight: its netc name (safetensors), its layer, its name in the layer, its shape. */
const weightSpecs: readonly (readonly [string, string, string, readonly number[]])[] = ${valueLiteral(specs)};

/** Reads one weight file named in a \`model.json\` manifest (a path relative to its folder). */
export type WeightShardReader = (path: string) => Promise<ArrayBuffer | Uint8Array> | ArrayBuffer | Uint8Array;

/** The part of \`fetch\` that \`fetchWeights\` uses. */
export type WeightsFetch = (url: string) => Promise<{ ok: boolean; status: number; statusText: string; text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> }>;

/**
 * Loads the weights of a TensorFlow.js layers folder (\`model.json\` + its weight files, as
 * \`netc train --save DIR\` or \`netc weights convert\` write it) by the URL of its \`model.json\`;
 * the weight files are fetched from the same folder. \`fetcher\` defaults to the global \`fetch\`.
 * Sets nothing unless every weight fits (see \`loadTfjsWeights\`).
 */
export async function fetchWeights(model: tf.LayersModel, url: string, fetcher?: WeightsFetch): Promise<void> {
  const get: WeightsFetch = fetcher ?? ((u) => (globalThis as unknown as { fetch: WeightsFetch }).fetch(u));
  const base = url.slice(0, url.lastIndexOf('/') + 1);
  const fetched = async (u: string) => {
    const response = await get(u);
    if (!response.ok) throw weightsError('WeightsFormatError', \`\${u}: HTTP \${response.status} \${response.statusText}\`);
    return response;
  };
  const json = await (await fetched(url)).text();
  await loadTfjsWeights(model, json, async (path) => (await fetched(base + path)).arrayBuffer(), url);
}

/**
 * Loads the weights of a TensorFlow.js layers folder: \`modelJson\` is its \`model.json\` (text or
 * parsed), \`readShard\` gives the bytes of each weight file it names. In Node:
 * \`loadTfjsWeights(model, await readFile(join(dir, 'model.json'), 'utf8'), (p) => readFile(join(dir, p)))\`.
 * Throws an Error named \`WeightsFormatError\` for a malformed manifest, or \`WeightsMismatchError\`
 * when the weights are not this module's (another graph's fingerprint, or names and shapes that
 * differ); the model is then left as it was.
 */
export async function loadTfjsWeights(model: tf.LayersModel, modelJson: string | object, readShard: WeightShardReader, where = 'model.json'): Promise<void> {
  let json: unknown = modelJson;
  if (typeof modelJson === 'string') {
    try {
      json = JSON.parse(modelJson);
    } catch {
      throw weightsError('WeightsFormatError', \`\${where} is not valid JSON\`);
    }
  }
  const { weightsManifest, userDefinedMetadata } = (json ?? {}) as { weightsManifest?: unknown; userDefinedMetadata?: Record<string, unknown> };
  if (!Array.isArray(weightsManifest)) throw weightsError('WeightsFormatError', \`\${where} has no weightsManifest list\`);
  const entries: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  let expected = 0;
  for (const group of weightsManifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group?.paths) || !Array.isArray(group.weights)) throw weightsError('WeightsFormatError', \`\${where}: a weightsManifest group lacks paths or weights\`);
    for (const e of group.weights as tf.io.WeightsManifestEntry[]) {
      const size = TFJS_DTYPE_BYTES[e?.quantization?.dtype ?? e?.dtype];
      if (typeof e?.name !== 'string' || !Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0) || size === undefined) {
        throw weightsError('WeightsFormatError', \`\${where}: malformed weightsManifest entry \${JSON.stringify(e)}\`);
      }
      expected += size * e.shape.reduce((a, b) => a * b, 1);
      entries.push(e);
    }
    for (const path of group.paths as string[]) buffers.push(ownBuffer(await readShard(path)));
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  if (total !== expected) throw weightsError('WeightsFormatError', \`\${where} describes \${expected} bytes of weights, its weight files hold \${total}\`);
  const fingerprint = userDefinedMetadata?.[${JSON.stringify(FINGERPRINT_KEY)}];
  setCheckedWeights(model, new Map(Object.entries(tf.io.decodeWeights(buffers, entries))), typeof fingerprint === 'string' ? fingerprint : undefined, 'tfjs');
}

/**
 * Loads weights from the bytes of a safetensors file (F32 tensors, or F16, BF16 and F64 ones
 * read as float32; named as netc names them,
 * \`stage1.block0.conv/kernel\`, as \`netc train --save W.safetensors\` writes them). Throws an Error
 * named \`WeightsFormatError\` for bytes that are not such a file, or \`WeightsMismatchError\`
 * when the weights are not this module's; the model is then left as it was.
 */
export function loadSafetensorsWeights(model: tf.LayersModel, bytes: ArrayBuffer | Uint8Array): void {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const fail = (message: string): never => {
    throw weightsError('WeightsFormatError', \`safetensors: \${message}\`);
  };
  if (u8.length < 8) fail(\`\${u8.length} bytes, too short for the header length\`);
  const length = new DataView(u8.buffer, u8.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(u8.length - 8)) fail(\`header length \${length} extends beyond the \${u8.length}-byte file\`);
  const start = 8 + Number(length);
  let header: Record<string, { dtype?: unknown; shape?: unknown; data_offsets?: unknown }> = {};
  try {
    header = JSON.parse(new TextDecoder().decode(u8.subarray(8, start)));
  } catch {
    fail('the header is not valid JSON');
  }
  const tensors = new Map<string, tf.Tensor>();
  let fingerprint: string | undefined;
  try {
    for (const [name, e] of Object.entries(header ?? {})) {
      if (name === '__metadata__') {
        const value = (e as Record<string, unknown> | null)?.[${JSON.stringify(FINGERPRINT_KEY)}];
        fingerprint = typeof value === 'string' ? value : undefined;
        continue;
      }
      const { dtype, shape, data_offsets: offsets } = e ?? {};
      const width = typeof dtype === 'string' && typeof SAFETENSORS_FLOATS[dtype] === 'number' ? SAFETENSORS_FLOATS[dtype] : fail(\`tensor '\${name}' is \${JSON.stringify(dtype)}: only F32, F16, BF16 and F64 are read (as float32)\`);
      const dims = Array.isArray(shape) && shape.every((d) => Number.isSafeInteger(d) && d >= 0) ? (shape as number[]) : fail(\`tensor '\${name}' has no valid shape\`);
      const [begin, end] = Array.isArray(offsets) ? (offsets as unknown[]) : [];
      const size = width * dims.reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(begin) || end !== (begin as number) + size || start + (end as number) > u8.length) {
        fail(\`tensor '\${name}': data_offsets \${JSON.stringify(offsets)} do not hold \${size} bytes of the data section\`);
      }
      const data = new Uint8Array(u8.subarray(start + (begin as number), start + (end as number)));
      tensors.set(name, tf.tensor(safetensorsFloats(data, dtype as string), dims, 'float32'));
    }
  } catch (error) {
    for (const t of tensors.values()) t.dispose();
    throw error;
  }
  setCheckedWeights(model, tensors, fingerprint, 'safetensors');
}

/** Bytes per element of the safetensors dtypes read (all as float32). */
const SAFETENSORS_FLOATS: Readonly<Record<string, number>> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** Little-endian floats as float32: F16 and BF16 widened exactly, F64 rounded to nearest. */
function safetensorsFloats(data: Uint8Array, dtype: string): Float32Array {
  if (dtype === 'F32') return new Float32Array(data.buffer);
  const view = new DataView(data.buffer);
  const out = new Float32Array(data.length / SAFETENSORS_FLOATS[dtype]);
  for (let i = 0; i < out.length; i++) {
    if (dtype === 'F64') out[i] = view.getFloat64(8 * i, true);
    else if (dtype === 'BF16') out[i] = new Float32Array(new Uint32Array([view.getUint16(2 * i, true) << 16]).buffer)[0];
    else {
      const h = view.getUint16(2 * i, true);
      const [exponent, fraction] = [(h >> 10) & 31, h & 1023];
      const magnitude = exponent === 31 ? (fraction ? NaN : Infinity) : exponent === 0 ? fraction * 2 ** -24 : (1024 + fraction) * 2 ** (exponent - 25);
      out[i] = h & 0x8000 ? -magnitude : magnitude;
    }
  }
  return out;
}

/**
 * Sets the model's weights from named tensors (by tfjs variable name, or by netc name for
 * safetensors) once all are checked; disposes the tensors.
 */
function setCheckedWeights(model: tf.LayersModel, tensors: Map<string, tf.Tensor>, fingerprint: string | undefined, format: 'tfjs' | 'safetensors'): void {
  try {
    if (fingerprint !== undefined && fingerprint !== weightsInfo.fingerprint) {
      const what = weightsInfo.optimized
        ? fingerprint === weightsInfo.unfoldedFingerprint
          ? ' (the unfolded weights of the graph as written: fold them with netc weights convert --fold, or netc compile --optimize --weights)'
          : ''
        : fingerprint === weightsInfo.foldedFingerprint
          ? ' (the folded weights of netc compile --optimize: this module is not optimized)'
          : '';
      throw weightsError('WeightsMismatchError', \`these weights were made for graph \${fingerprint}\${what}, not for this module's \${weightsInfo.fingerprint} (model \${weightsInfo.model}\${weightsInfo.optimized ? ', optimized' : ''})\`);
    }
    const problems: string[] = [];
    const writes: [tf.LayerVariable, tf.Tensor][] = [];
    const used = new Set<string>();
    for (const [key, layer, weight, shape] of weightSpecs) {
      const name = format === 'tfjs' ? \`\${layer}/\${weight}\` : key;
      const t = tensors.get(name);
      const variable = model.layers.find((l) => l.name === layer)?.weights.find((v) => v.originalName.split('/').pop() === weight);
      if (!variable) throw weightsError('WeightsMismatchError', \`the model has no weight \${name}: is it one createModel() built?\`);
      used.add(name);
      if (!t) problems.push(\`missing \${name} \${shapeText(shape)}\`);
      else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) problems.push(\`\${name} is \${shapeText(t.shape)}, expected \${shapeText(shape)}\`);
      else writes.push([variable, t]);
    }
    for (const name of tensors.keys()) if (!used.has(name)) problems.push(\`unexpected \${name}\`);
    if (problems.length > 0) {
      const listed = problems.slice(0, 10).join('; ') + (problems.length > 10 ? \`; and \${problems.length - 10} more\` : '');
      throw weightsError('WeightsMismatchError', \`these weights do not fit model \${weightsInfo.model}: \${listed}\`);
    }
    for (const [variable, t] of writes) variable.write(t);
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

function weightsError(name: 'WeightsMismatchError' | 'WeightsFormatError', message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

const shapeText = (shape: readonly number[]) => \`[\${shape.join(', ')}]\`;

/** An ArrayBuffer holding exactly these bytes (a Node Buffer may be a view of a shared pool). */
function ownBuffer(bytes: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (!(bytes instanceof Uint8Array)) return bytes;
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}

/** Bytes per element of the tfjs manifest dtypes (quantized entries: the stored dtype). */
const TFJS_DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, float16: 2, uint8: 1, uint16: 2 };
`;
}
