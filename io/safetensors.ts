/**
 * Reading and writing the safetensors format: an 8-byte little-endian header length N, N bytes
 * of JSON header `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {...}}`, then the data section. Offsets are relative to the data section,
 * which the tensors must cover exactly (no overlaps, no holes).
 */
import { writeFileAtomic } from './atomic-write.js';
import {
  ELEMENT_SIZE,
  decodeElements,
  float32Bytes,
  formatShape,
  shapeSize,
  type ElementKind,
} from './elements.js';
import { summarize } from '../compiler/weights-check.js';
import { brief, briefText } from './brief.js';
import { jsonTooDeepAt } from './json-depth.js';
import { topLevelJsonKeys } from './json-keys.js';
import { MAX_WEIGHTS_BYTES, readRegularFile } from './read-file.js';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface NamedTensor extends Tensor {
  name: string;
}

export interface SafetensorsContents {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const METADATA_KEY = '__metadata__';

/** The longest header netc reads: 100,000,000 bytes, as the safetensors reference reader. */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

/** The deepest nesting of the header netc reads (a tensor entry nests three levels). */
export const MAX_SAFETENSORS_HEADER_DEPTH = 64;

/** The dtypes read (all converted to float32); only F32 is written. */
const DTYPES: Readonly<Record<string, ElementKind>> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I8: 'int8',
  I16: 'int16',
  I32: 'int32',
  I64: 'int64',
  U8: 'uint8',
  BOOL: 'bool',
};

interface Entry {
  name: string;
  kind: ElementKind;
  shape: number[];
  begin: number;
  end: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The header text and where the data section starts. */
function readHeaderText(bytes: Uint8Array): { text: string; dataStart: number } {
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `file is ${bytes.length} bytes, too short for the 8-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(bytes.length - 8)) {
    throw new SafetensorsError(
      `header length ${length} extends beyond the file (${bytes.length - 8} bytes after the length field)`,
    );
  }
  if (length > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    throw new SafetensorsError(
      `header length ${length} is more than the ${MAX_SAFETENSORS_HEADER_BYTES} bytes netc reads`,
    );
  }
  const dataStart = 8 + Number(length);
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    return { text: decoder.decode(bytes.subarray(8, dataStart)), dataStart };
  } catch {
    throw new SafetensorsError('header is not valid UTF-8');
  }
}

/** The header object and its top-level keys in order (duplicates refused). */
function parseHeader(text: string): { header: Record<string, unknown>; keys: string[] } {
  const deep = jsonTooDeepAt(text, MAX_SAFETENSORS_HEADER_DEPTH);
  if (deep >= 0) {
    throw new SafetensorsError(
      `header nests deeper than ${MAX_SAFETENSORS_HEADER_DEPTH} levels (at offset ${8 + deep})`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new SafetensorsError(`header is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(header)) throw new SafetensorsError('header is not a JSON object');
  const keys = topLevelJsonKeys(text);
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    throw new SafetensorsError(
      `duplicate tensor names in header: ${summarize([...duplicates]).join(', ')}`,
    );
  }
  return { header, keys };
}

function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new SafetensorsError(`'${METADATA_KEY}' is not an object`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string')
      throw new SafetensorsError(`metadata '${briefText(key)}' is not a string`);
  }
  return { ...(value as Record<string, string>) };
}

function parseDtype(dtype: unknown): ElementKind | string {
  const kind = typeof dtype === 'string' ? DTYPES[dtype] : undefined;
  const supported = Object.keys(DTYPES).join(', ');
  return kind ?? `unsupported dtype ${brief(dtype)} (supported: ${supported})`;
}

function parseOffsets(offsets: unknown, dataLength: number): [number, number] | string {
  const valid = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    return `data_offsets ${brief(offsets)} are not a [begin, end] pair`;
  }
  const [begin, end] = offsets as unknown[];
  if (!valid(begin) || !valid(end) || begin > end) {
    return `data_offsets ${brief(offsets)} are not a [begin, end] pair`;
  }
  if (end > dataLength) {
    return `data_offsets [${begin}, ${end}] are outside the ${dataLength}-byte data section`;
  }
  return [begin, end];
}

function parseEntry(name: string, value: unknown, dataLength: number): Entry {
  const fail = (message: string): never => {
    throw new SafetensorsError(`tensor '${briefText(name)}': ${message}`);
  };
  if (!isRecord(value)) return fail('entry is not an object');
  const kind = parseDtype(value.dtype);
  if (!(kind in ELEMENT_SIZE)) fail(kind);
  const shape = Array.isArray(value.shape)
    ? (value.shape as number[])
    : fail('shape is not an array');
  const size = shapeSize(shape);
  if (typeof size === 'string') fail(`invalid shape ${briefText(formatShape(shape))}: ${size}`);
  const offsets = parseOffsets(value.data_offsets, dataLength);
  if (typeof offsets === 'string') return fail(offsets);
  const [begin, end] = offsets;
  const expected = (size as number) * ELEMENT_SIZE[kind as ElementKind];
  if (end - begin !== expected) {
    const dtype = String(value.dtype);
    fail(
      `shape ${formatShape(shape)} of ${dtype} needs ${expected} bytes, data_offsets span ${end - begin}`,
    );
  }
  return { name, kind: kind as ElementKind, shape, begin, end };
}

/** Checks that the entries tile the data section: no overlaps, no holes, nothing left over. */
function checkLayout(entries: Entry[], dataLength: number): void {
  const sorted = [...entries].sort((x, y) => x.begin - y.begin || x.end - y.end);
  let covered = 0;
  let previous = '';
  for (const entry of sorted) {
    if (entry.begin < covered) {
      throw new SafetensorsError(
        `tensors '${briefText(previous)}' and '${briefText(entry.name)}' overlap in the data section`,
      );
    }
    if (entry.begin > covered) {
      throw new SafetensorsError(`data section has a hole at bytes [${covered}, ${entry.begin})`);
    }
    covered = entry.end;
    previous = entry.name;
  }
  if (covered !== dataLength) {
    throw new SafetensorsError(
      `data section is ${dataLength} bytes but the tensors cover ${covered}`,
    );
  }
}

/** Decodes a safetensors file; every dtype is converted to float32. Map order is header order. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContents {
  const { text, dataStart } = readHeaderText(bytes);
  const { header, keys } = parseHeader(text);
  const data = bytes.subarray(dataStart);
  const names = keys.filter((key) => key !== METADATA_KEY);
  const entries = names.map((name) => parseEntry(name, header[name], data.length));
  checkLayout(entries, data.length);
  const tensors = new Map<string, Tensor>();
  for (const { name, kind, shape, begin, end } of entries) {
    const count = (end - begin) / ELEMENT_SIZE[kind];
    tensors.set(name, { shape, data: decodeElements(data.subarray(begin, end), kind, count) });
  }
  return { tensors, metadata: parseMetadata(header[METADATA_KEY]) };
}

function checkTensors(tensors: readonly NamedTensor[]): void {
  const seen = new Set<string>();
  for (const { name, shape, data } of tensors) {
    if (name === METADATA_KEY)
      throw new SafetensorsError(`'${METADATA_KEY}' is not a valid tensor name`);
    if (seen.has(name)) throw new SafetensorsError(`duplicate tensor name '${name}'`);
    seen.add(name);
    const size = shapeSize(shape);
    if (typeof size === 'string')
      throw new SafetensorsError(`tensor '${name}': invalid shape: ${size}`);
    if (size !== data.length) {
      throw new SafetensorsError(
        `tensor '${name}': shape ${formatShape(shape)} holds ${size} elements but the data has ${data.length}`,
      );
    }
  }
}

/** The JSON header, built by hand so that tensors keep the given order (even numeric names). */
function headerJson(tensors: readonly NamedTensor[], metadata?: Record<string, string>): string {
  const parts: string[] = [];
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string')
        throw new SafetensorsError(`metadata '${key}' is not a string`);
    }
    parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const { name, shape, data } of tensors) {
    const entry = { dtype: 'F32', shape, data_offsets: [offset, offset + data.length * 4] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset += data.length * 4;
  }
  return `{${parts.join(',')}}`;
}

/** Encodes float32 tensors (stored contiguously in the given order) as a safetensors file. */
export function encodeSafetensors(
  tensors: readonly NamedTensor[],
  metadata?: Record<string, string>,
): Uint8Array {
  checkTensors(tensors);
  const json = new TextEncoder().encode(headerJson(tensors, metadata));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const dataLength = tensors.reduce((sum, t) => sum + t.data.length * 4, 0);
  const out = new Uint8Array(8 + headerLength + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // pad with spaces
  let offset = 8 + headerLength;
  for (const { data } of tensors) {
    out.set(float32Bytes(data), offset);
    offset += data.length * 4;
  }
  return out;
}

/**
 * The bytes of the safetensors file at `path`: a regular file of at most `MAX_WEIGHTS_BYTES`
 * (else `FileReadError`), read from one descriptor.
 */
export async function readSafetensorsBytes(path: string): Promise<Uint8Array> {
  return readRegularFile(path, { maxBytes: MAX_WEIGHTS_BYTES, what: 'weights files' });
}

/**
 * Reads a safetensors file (`readSafetensorsBytes`, `decodeSafetensors`); a `SafetensorsError`
 * names the file.
 */
export async function readSafetensors(path: string): Promise<SafetensorsContents> {
  const bytes = await readSafetensorsBytes(path);
  try {
    return decodeSafetensors(bytes);
  } catch (error) {
    if (error instanceof SafetensorsError) throw new SafetensorsError(`${path}: ${error.message}`);
    throw error;
  }
}

/** Writes a safetensors file atomically (temporary file + rename). */
export async function writeSafetensors(
  path: string,
  tensors: readonly NamedTensor[],
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}
