/**
 * Element decoding shared by the `.npy` and safetensors readers: every supported element type is
 * read little-endian and widened (or narrowed) to float32.
 */
import { briefText } from './brief.js';

export type ElementKind =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'bool';

export const ELEMENT_SIZE: Readonly<Record<ElementKind, number>> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  bool: 1,
};

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Converts an IEEE 754 half-precision bit pattern to a number. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const BF16_SCRATCH = new DataView(new ArrayBuffer(4));

type Reader = (view: DataView, offset: number) => number;

const READERS: Readonly<Record<ElementKind, Reader>> = {
  float32: (v, o) => v.getFloat32(o, true),
  float64: (v, o) => v.getFloat64(o, true),
  float16: (v, o) => halfToFloat(v.getUint16(o, true)),
  bfloat16: (v, o) => {
    BF16_SCRATCH.setUint32(0, v.getUint16(o, true) << 16);
    return BF16_SCRATCH.getFloat32(0);
  },
  int8: (v, o) => v.getInt8(o),
  int16: (v, o) => v.getInt16(o, true),
  int32: (v, o) => v.getInt32(o, true),
  int64: (v, o) => Number(v.getBigInt64(o, true)),
  uint8: (v, o) => v.getUint8(o),
  bool: (v, o) => (v.getUint8(o) === 0 ? 0 : 1),
};

/** Decodes `count` little-endian elements of `kind` starting at `bytes[0]` into a new array. */
export function decodeElements(bytes: Uint8Array, kind: ElementKind, count: number): Float32Array {
  if (kind === 'float32' && LITTLE_ENDIAN_HOST) {
    // Copy into a fresh, aligned buffer: the source may sit at any byte offset, and a Node
    // `Buffer`'s `slice` would share (pooled) memory instead of copying.
    const copy = new Uint8Array(count * 4);
    copy.set(bytes.subarray(0, count * 4));
    return new Float32Array(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = READERS[kind];
  const size = ELEMENT_SIZE[kind];
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(view, i * size);
  return out;
}

/** The little-endian bytes of a float32 array (a copy). */
export function float32Bytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) {
    return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  }
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return out;
}

/**
 * The element count of `shape`, or a description of why the shape is invalid (a dimension that
 * is not a non-negative integer, or a product beyond 2^53).
 */
export function shapeSize(shape: readonly unknown[]): number | string {
  let size = 1;
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isInteger(dim))
      return `dimension ${briefText(typeof dim === 'string' ? `'${dim}'` : String(dim))} is not an integer`;
    if (dim < 0) return `dimension ${dim} is negative`;
    size *= dim;
    if (!Number.isSafeInteger(size)) return 'the element count is too large';
  }
  return size;
}

export function formatShape(shape: readonly unknown[]): string {
  return `[${shape.map(String).join(', ')}]`;
}
