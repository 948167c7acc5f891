/**
 * Reading and writing NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
 *
 * Layout: the magic `\x93NUMPY`, a major and a minor version byte, the header length (2 bytes
 * little-endian in 1.0, 4 bytes in 2.0 and 3.0), then the header: a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and ended by
 * `\n` so that the data starts at a multiple of 64 bytes. The data follows, in C order.
 */
import { writeFileAtomic } from './atomic-write.js';
import { brief, briefText } from './brief.js';
import {
  ELEMENT_SIZE,
  decodeElements,
  float32Bytes,
  formatShape,
  shapeSize,
  type ElementKind,
} from './elements.js';
import { parsePyLiteral, PyLiteralError, type PyDict, type PyValue } from './py-literal.js';
import { MAX_ARRAY_BYTES, readRegularFile } from './read-file.js';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

/**
 * An array as training keeps it: uint8 data (images as stored) as a view of the file's bytes,
 * anything else as float32 (see `parseNpyExamples`).
 */
export interface NpyExamples {
  shape: number[];
  data: Float32Array | Uint8Array;
  /** The stored element type (`uint8`, `float32`, `float64`...). */
  dtype: ElementKind;
}

export class NpyError extends Error {
  override name = 'NpyError';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGNMENT = 64;

/** The longest header netc reads: 1 MiB (NumPy itself reads 10,000 bytes unless told more). */
export const MAX_NPY_HEADER_BYTES = 1024 * 1024;

/** The header as quoted in a message: its start, without the padding. */
const quote = (text: string): string => briefText(text.trim(), 120);

/** Element types by the type character and size of a descr (`f4`), for little-endian data. */
const KINDS: Readonly<Record<string, ElementKind>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  b1: 'bool',
};

function kindOfDescr(descr: PyValue | undefined): ElementKind {
  if (typeof descr !== 'string') {
    throw new NpyError(`unsupported dtype ${brief(descr)}: structured dtypes are not read`);
  }
  const match = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const kind = match ? KINDS[match[2]] : undefined;
  const bigEndian = match?.[1] === '>' && ELEMENT_SIZE[kind ?? 'uint8'] > 1;
  if (!kind || bigEndian || match?.[1] === '=') {
    const known = Object.keys(KINDS).map((k) => (k.endsWith('1') ? `|${k}` : `<${k}`));
    throw new NpyError(`unsupported dtype '${briefText(descr)}' (supported: ${known.join(', ')})`);
  }
  return kind;
}

interface Preamble {
  headerStart: number;
  headerLength: number;
  utf8: boolean;
}

function readPreamble(bytes: Uint8Array): Preamble {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError('not a .npy file: bad magic (expected "\\x93NUMPY")');
  }
  if (bytes.length < 8) throw new NpyError('truncated header: the format version is missing');
  const [major, minor] = [bytes[6], bytes[7]];
  if (major < 1 || major > 3)
    throw new NpyError(`unsupported .npy format version ${major}.${minor}`);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (bytes.length < headerStart)
    throw new NpyError('truncated header: the header length is missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > MAX_NPY_HEADER_BYTES) {
    throw new NpyError(
      `header length ${headerLength} is more than the ${MAX_NPY_HEADER_BYTES} bytes netc reads`,
    );
  }
  const available = bytes.length - headerStart;
  if (headerLength > available) {
    throw new NpyError(
      `truncated header: it declares ${headerLength} bytes but only ${available} follow`,
    );
  }
  return { headerStart, headerLength, utf8: major === 3 };
}

function parseHeaderDict(text: string): PyDict {
  let value: PyValue;
  try {
    value = parsePyLiteral(text);
  } catch (error) {
    if (!(error instanceof PyLiteralError)) throw error;
    throw new NpyError(`header is not a valid Python literal (${error.message}): ${quote(text)}`);
  }
  if (!(value instanceof Map)) throw new NpyError(`header is not a dict: ${quote(text)}`);
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!value.has(key)) throw new NpyError(`header lacks the '${key}' key: ${quote(text)}`);
  }
  return value;
}

function checkShape(shape: PyValue | undefined): number[] {
  if (!Array.isArray(shape))
    throw new NpyError(`header 'shape' is not a tuple: ${briefText(String(shape))}`);
  const size = shapeSize(shape);
  if (typeof size === 'string')
    throw new NpyError(`invalid shape ${briefText(formatShape(shape))}: ${size}`);
  return shape as number[];
}

/** The shape, element type and data bytes of a `.npy` file, checked. */
function parseNpyParts(bytes: Uint8Array): {
  shape: number[];
  kind: ElementKind;
  data: Uint8Array;
} {
  const { headerStart, headerLength, utf8 } = readPreamble(bytes);
  const headerBytes = bytes.subarray(headerStart, headerStart + headerLength);
  const header = parseHeaderDict(new TextDecoder(utf8 ? 'utf-8' : 'latin1').decode(headerBytes));
  const kind = kindOfDescr(header.get('descr'));
  const fortran = header.get('fortran_order');
  if (fortran === true) {
    throw new NpyError(
      'Fortran-order arrays are not supported (fortran_order: True); ' +
        'save a C-order array instead, e.g. np.save(path, np.ascontiguousarray(a))',
    );
  }
  if (fortran !== false)
    throw new NpyError(`header 'fortran_order' is not a bool: ${briefText(String(fortran))}`);
  const shape = checkShape(header.get('shape'));
  const count = shapeSize(shape) as number;
  const data = bytes.subarray(headerStart + headerLength);
  const expected = count * ELEMENT_SIZE[kind];
  if (data.length !== expected) {
    throw new NpyError(
      `expected ${expected} bytes of ${kind} data for shape ${formatShape(shape)}, found ${data.length}`,
    );
  }
  return { shape, kind, data };
}

/** Parses the bytes of a `.npy` file; every element type is converted to float32. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const { shape, kind, data } = parseNpyParts(bytes);
  return { shape, data: decodeElements(data, kind, shapeSize(shape) as number) };
}

/**
 * Parses a `.npy` file for training: uint8 data stays uint8, a view of `bytes` (no copy, a
 * quarter of float32's memory); every other element type is converted to float32.
 */
export function parseNpyExamples(bytes: Uint8Array): NpyExamples {
  const { shape, kind, data } = parseNpyParts(bytes);
  if (kind === 'uint8') return { shape, data, dtype: kind };
  return { shape, data: decodeElements(data, kind, shapeSize(shape) as number), dtype: kind };
}

function headerText(shape: readonly number[]): string {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
}

/** Encodes a float32 array as a `.npy` file (version 1.0, or 2.0 for very large headers). */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const size = shapeSize(shape);
  if (typeof size === 'string') throw new NpyError(`invalid shape ${formatShape(shape)}: ${size}`);
  if (size !== data.length) {
    throw new NpyError(
      `shape ${formatShape(shape)} holds ${size} elements but the data has ${data.length}`,
    );
  }
  let text = headerText(shape);
  const major = text.length + ALIGNMENT > 0xffff ? 2 : 1;
  const prefix = major === 1 ? 10 : 12;
  text += ' '.repeat((ALIGNMENT - ((prefix + text.length + 1) % ALIGNMENT)) % ALIGNMENT) + '\n';
  const out = new Uint8Array(prefix + text.length + data.length * 4);
  out.set(MAGIC);
  out.set([major, 0], 6);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(new TextEncoder().encode(text), prefix); // the header is ASCII
  out.set(float32Bytes(data), prefix + text.length);
  return out;
}

/**
 * Reads a `.npy` file: a regular file of at most `MAX_ARRAY_BYTES` (else `FileReadError`, before
 * a byte is read), read from one descriptor; an `NpyError` names the file.
 */
export async function readNpy(path: string): Promise<NpyArray> {
  const bytes = await readRegularFile(path, { maxBytes: MAX_ARRAY_BYTES, what: 'arrays' });
  try {
    return parseNpy(bytes);
  } catch (error) {
    if (error instanceof NpyError) throw new NpyError(`${path}: ${error.message}`);
    throw error;
  }
}

/** `readNpy` for training: uint8 data stays uint8 (`parseNpyExamples`). */
export async function readNpyExamples(path: string): Promise<NpyExamples> {
  const bytes = await readRegularFile(path, { maxBytes: MAX_ARRAY_BYTES, what: 'arrays' });
  try {
    return parseNpyExamples(bytes);
  } catch (error) {
    if (error instanceof NpyError) throw new NpyError(`${path}: ${error.message}`);
    throw error;
  }
}

/** Writes a float32 array as a `.npy` file, atomically (temporary file + rename). */
export async function writeNpy(
  path: string,
  shape: readonly number[],
  data: Float32Array,
): Promise<void> {
  await writeFileAtomic(path, encodeNpy(shape, data));
}
